import { describe, expect, it } from 'vitest';
import { buildProbeModel, createTensor } from '@albert-ts/core';
import { nodeBackend } from './node-backend.js';

describe('nodeBackend', () => {
  it('probes and runs on cpu', async () => {
    const backend = nodeBackend({ device: 'cpu' });
    expect(backend.name).toBe('node-cpu');
    expect(await backend.probe()).toEqual({ available: true });
    const model = buildProbeModel();
    const session = await backend.load(model);
    const out = await session.run({ x: createTensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)) });
    expect(Array.from(out['y']?.data as Float32Array)).toEqual([2, 4, 6, 8]);
    await session.dispose();
  });

  it('explains why cuda is unavailable without throwing', async () => {
    const result = await nodeBackend({ device: 'cuda' }).probe();
    console.log('node-cuda probe:', result);
    if (!result.available) expect(result.reason).toMatch(/CUDA/);
  });

  it('probes webgpu', async () => {
    const result = await nodeBackend({ device: 'webgpu' }).probe();
    console.log('node-webgpu probe:', result, 'VK_ICD_FILENAMES=', process.env['VK_ICD_FILENAMES']);
    if (!result.available) expect(result.reason).toMatch(/WebGPU/);
  });
});

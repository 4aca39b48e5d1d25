import { describe, expect, it } from 'vitest';
import { buildProbeModel, createTensor } from '@albert-ts/core';
import { nodeBackend, nodeSessionOptions } from './node-backend.js';
import { NODE_BACKEND_NAMES, nodeBackendByName } from './node-backend-by-name.js';

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

  it('passes threads and graph optimization level to the session', async () => {
    const backend = nodeBackend({ device: 'cpu', intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
    const session = await backend.load(buildProbeModel(), { graphOptimizationLevel: 'basic' });
    const out = await session.run(
      { x: createTensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)) },
      { outputNames: ['y'] },
    );
    expect(out['y']?.shape).toEqual([2, 2]);
    await session.dispose();
  });

  it('keeps Add + LayerNormalization on CPU (no SkipLayerNormFusion) and passes the arena switch', async () => {
    expect(nodeSessionOptions('cpu', {})).toMatchObject({
      executionProviders: ['cpu'],
      extra: { optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' } },
    });
    expect(nodeSessionOptions('webgpu', {}).extra).toEqual({});
    expect(nodeSessionOptions('cpu', { allowSpinning: false }).extra).toEqual({
      session: { intra_op: { allow_spinning: '0' } },
      optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' },
    });
    expect(
      nodeSessionOptions('cpu', { enableCpuMemArena: false, intraOpNumThreads: 2 }, { intraOpNumThreads: 1 }),
    ).toMatchObject({ enableCpuMemArena: false, intraOpNumThreads: 1 });
    expect(nodeSessionOptions('cpu', {})).not.toHaveProperty('enableCpuMemArena');
    expect(nodeSessionOptions('cpu', {}, { enableMemPattern: false })).toMatchObject({ enableMemPattern: false });
    expect(nodeSessionOptions('cpu', {})).not.toHaveProperty('enableMemPattern');
    expect(nodeBackend({ device: 'cpu' }).capabilities.contribOperators).not.toContain('SkipLayerNormalization');
    const session = await nodeBackend({ device: 'cpu', enableCpuMemArena: false, allowSpinning: false }).load(
      buildProbeModel(),
    );
    const out = await session.run({ x: createTensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)) });
    expect(Array.from(out['y']?.data as Float32Array)).toEqual([2, 4, 6, 8]);
    await session.dispose();
  });

  it('names backends: node-cpu, node-webgpu, node-cuda; rejects others with a typed error', () => {
    expect(NODE_BACKEND_NAMES.map((name) => nodeBackendByName(name).name)).toEqual([
      'node-cpu',
      'node-webgpu',
      'node-cuda',
    ]);
    expect(() => nodeBackendByName('node-tpu')).toThrow(/unknown backend "node-tpu"/);
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

  it('runs webgpu models loaded after the previous one was disposed, with and without the kept context', async (context) => {
    const probe = await nodeBackend({ device: 'webgpu' }).probe();
    if (!probe.available) {
      context.skip(probe.reason);
      return;
    }
    for (const preserveWebGpuContext of [true, false, true]) {
      const session = await nodeBackend({ device: 'webgpu', preserveWebGpuContext }).load(buildProbeModel());
      const out = await session.run({ x: createTensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)) });
      expect(Array.from(out['y']?.data as Float32Array)).toEqual([2, 4, 6, 8]);
      await session.dispose();
    }
  });
});

describe('nodeBackend options', () => {
  it('are strict: an unknown key is an OptionsError naming the right spelling', () => {
    expect(() => nodeBackend({ intra_op_num_threads: 2 } as never)).toThrow(
      expect.objectContaining({
        code: 'OPTIONS_UNKNOWN_KEY',
        message: expect.stringMatching(/intra_op_num_threads is spelled intraOpNumThreads/),
      }),
    );
    expect(() => nodeBackendByName('node-cpu', { threads: 2 } as never)).toThrow(
      expect.objectContaining({ code: 'OPTIONS_UNKNOWN_KEY' }),
    );
    expect(nodeBackend({ device: 'webgpu', preserveWebGpuContext: false }).name).toBe('node-webgpu');
  });
});

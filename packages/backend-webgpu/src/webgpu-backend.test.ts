import { describe, expect, it } from 'vitest';
import { tinyMatMulModel } from '../../backend-wasm/src/test-support/tiny-onnx-model.js';
import { DEFAULT_WEBGPU_BUILD, webgpuBackend } from './webgpu-backend.js';
import { WebBackendError } from './index.js';

describe('webgpuBackend without WebGPU (Node)', () => {
  it('says why it cannot run and refuses to load with a typed error', async () => {
    const backend = webgpuBackend();
    expect(backend.name).toBe('webgpu');
    expect(backend.build).toBe(DEFAULT_WEBGPU_BUILD);
    const probe = await backend.probe();
    expect(probe.available).toBe(false);
    expect(probe.available ? '' : probe.reason).toMatch(/navigator\.gpu is undefined/);
    expect(backend.adapterReport()).toBeUndefined();
    expect(backend.capabilities.float16).toBe(false);
    const error = await backend.load(tinyMatMulModel()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebBackendError);
    expect((error as WebBackendError).code).toBe('BACKEND_UNAVAILABLE');
  });
});

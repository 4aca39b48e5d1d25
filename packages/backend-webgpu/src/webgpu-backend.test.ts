import { describe, expect, it } from 'vitest';
import { tinyMatMulModel } from '../../backend-wasm/src/test-support/tiny-onnx-model.js';
import { DEFAULT_WEBGPU_BUILD, webgpuBackend } from './index.js';
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

describe('webgpuBackend probe reasons (Node, with a stand-in navigator.gpu)', () => {
  const withNavigator = async (gpu: unknown, body: () => Promise<void>) => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    try {
      await body();
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'navigator', descriptor);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  };

  it('reports a null adapter', async () => {
    await withNavigator({ requestAdapter: async () => null }, async () => {
      const probe = await webgpuBackend().probe();
      expect(probe.available ? '' : probe.reason).toMatch(/requestAdapter\(\) returned null/);
    });
  });

  it('reports a failing requestAdapter', async () => {
    await withNavigator({ requestAdapter: async () => Promise.reject(new Error('GPU process crashed')) }, async () => {
      const probe = await webgpuBackend().probe();
      expect(probe.available ? '' : probe.reason).toMatch(/requestAdapter\(\) failed: GPU process crashed/);
    });
  });

  it('reads the adapter features: no shader-f16 means no float16, with the reason', async () => {
    const adapter = {
      features: new Set(['timestamp-query']),
      info: { vendor: 'test', architecture: 'stand-in', description: '' },
    };
    await withNavigator({ requestAdapter: async () => adapter }, async () => {
      const backend = webgpuBackend({ preferFloat16: true });
      await backend.probe(); // onnxruntime-web cannot start in Node; the adapter was read before
      expect(backend.adapterReport()).toMatchObject({
        shaderF16: false,
        features: ['timestamp-query'],
        float16Note: expect.stringMatching(/shader-f16/),
      });
      expect(backend.capabilities.float16).toBe(false);
    });
  });

  it('float16 follows shader-f16 when preferFloat16 is set', async () => {
    const adapter = { features: new Set(['shader-f16']) };
    await withNavigator({ requestAdapter: async () => adapter }, async () => {
      const preferring = webgpuBackend({ preferFloat16: true });
      await preferring.probe();
      expect(preferring.capabilities.float16).toBe(true);
      expect(preferring.adapterReport()?.float16Note).toBeUndefined();
      const notPreferring = webgpuBackend();
      await notPreferring.probe();
      expect(notPreferring.capabilities.float16).toBe(false);
    });
  });
});

describe('webgpuBackend options', () => {
  it('are strict: an unknown key is an OptionsError naming the right spelling', () => {
    expect(() => webgpuBackend({ power_preference: 'low-power' } as never)).toThrow(
      expect.objectContaining({
        code: 'OPTIONS_UNKNOWN_KEY',
        message: expect.stringMatching(/power_preference is spelled powerPreference/),
      }),
    );
  });
});

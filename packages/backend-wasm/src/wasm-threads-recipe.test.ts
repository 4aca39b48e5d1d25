import { afterEach, describe, expect, it, vi } from 'vitest';
import { WASM_THREADS_RECIPE } from './create-wasm-backend.js';
import { wasmBackend } from './wasm-backend.js';

// environment() of a cross-origin isolated page, simulated in Node (no `process`, crossOriginIsolated true):
// threads only with the standalone loader (wasmPaths), else one thread and the recipe as the note.
describe('wasmBackend().environment() on a cross-origin isolated page', () => {
  const pageEnvironment = (options: Parameters<typeof wasmBackend>[0]) => {
    const backend = wasmBackend(options);
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('process', undefined);
    try {
      return backend.environment();
    } finally {
      vi.unstubAllGlobals();
    }
  };
  afterEach(() => vi.unstubAllGlobals());

  it('falls back to one thread with the recipe when no loader is given', () => {
    for (const options of [{}, { numThreads: 4 }, { numThreads: 4, wasmBinary: new Uint8Array(1) }]) {
      expect(pageEnvironment(options)).toEqual({
        platform: 'browser',
        crossOriginIsolated: true,
        numThreads: 1,
        threadsNote: WASM_THREADS_RECIPE,
      });
    }
    expect(WASM_THREADS_RECIPE).toMatch(/wasmPaths: \{ mjs, wasm \}/);
  });

  it('uses the threads asked for with wasmPaths (a prefix or the loader URL)', () => {
    expect(pageEnvironment({ numThreads: 4, wasmPaths: '/ort/' }).numThreads).toBe(4);
    expect(
      pageEnvironment({ numThreads: 4, wasmPaths: { mjs: '/ort/loader.mjs', wasm: '/ort/x.wasm' } }).numThreads,
    ).toBe(4);
    expect(pageEnvironment({ numThreads: 1 })).toEqual({
      platform: 'browser',
      crossOriginIsolated: true,
      numThreads: 1,
    });
  });
});

import { createTensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { jsepAssetUrls } from './jsep-asset-urls.js';
import { wasmBackend } from './jsep.js';
import { tinyLookupModel } from './test-support/tiny-onnx-model.js';
import { wasmBackend as wasmBuildBackend } from './wasm-backend.js';

describe('wasmBackend of @albert-ts/backend-wasm/jsep (browser)', () => {
  it('runs a graph on onnxruntime-web’s JSEP build, the same as on the WASM build', async () => {
    const feeds = {
      input_ids: createTensor('int64', [1, 2], new BigInt64Array([1n, 9n])),
      scale: createTensor('float32', [1], new Float32Array([1])),
      bias: createTensor('float32', [4], new Float32Array(4)),
    };
    const outputsOf = async (backend: ReturnType<typeof wasmBackend>) => {
      await expect(backend.probe()).resolves.toEqual({ available: true });
      const session = await backend.load(tinyLookupModel());
      const outputs = await session.run(feeds, { outputNames: ['hidden'] });
      await session.dispose();
      return [...(outputs.hidden?.data as Float32Array)];
    };
    const jsep = await outputsOf(wasmBackend());
    expect(jsep).toEqual([1, 1.5, -1, 0.25, 9, 9.5, -9, 0.25]);
    // Each build keeps its own global settings: the WASM build may be set up differently on the same page.
    expect(await outputsOf(wasmBuildBackend({ numThreads: 1 }))).toEqual(jsep);
  });

  it('has asset URLs of the JSEP build that the test server serves', async () => {
    // Vite (the test server) rewrites `new URL('onnxruntime-web/…', import.meta.url)` to the installed file.
    for (const url of [jsepAssetUrls.mjs, jsepAssetUrls.wasm]) {
      expect(url.pathname).toMatch(/\/ort-wasm-simd-threaded\.jsep\.(mjs|wasm)$/);
      const response = await fetch(url, { method: 'HEAD' });
      expect(response.status, url.href).toBe(200);
    }
  });
});

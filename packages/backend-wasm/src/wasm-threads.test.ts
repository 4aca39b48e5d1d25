import { createTensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { tinyLookupModel } from './test-support/tiny-onnx-model.js';
import { wasmBackend } from './wasm-backend.js';

// Multi-threaded WebAssembly in Node (worker threads; no isolation needed). Its own file: onnxruntime-web's
// WebAssembly settings are global per process and vitest runs each file in its own worker.
describe('wasmBackend({ numThreads: 2 }) (Node)', () => {
  it('initializes with two threads and runs a graph', async () => {
    const backend = wasmBackend({ numThreads: 2 });
    await expect(backend.probe()).resolves.toEqual({ available: true });
    expect(backend.environment().numThreads).toBe(2);
    const session = await backend.load(tinyLookupModel());
    const outputs = await session.run({
      input_ids: createTensor('int64', [1, 2], new BigInt64Array([1n, 9n])),
      scale: createTensor('float32', [1], new Float32Array([2])),
      bias: createTensor('float32', [4], new Float32Array(4)),
    });
    expect([...(outputs.hidden?.data as Float32Array)]).toEqual([2, 3, -2, 0.5, 18, 19, -18, 0.5]);
    await session.dispose();
  });
});

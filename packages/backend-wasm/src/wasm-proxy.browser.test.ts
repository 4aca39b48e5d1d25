import { createTensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { tinyLookupModel } from './test-support/tiny-onnx-model.js';
import { wasmBackend } from './wasm-backend.js';

// proxy: true runs onnxruntime in a Web Worker. (Its own test file: onnxruntime-web's settings are global
// per page, and vitest runs each browser test file in its own iframe.)
describe('wasmBackend({ proxy: true }) (browser)', () => {
  const backend = wasmBackend({ proxy: true });

  it('runs in a worker and leaves the caller buffers intact', async () => {
    await expect(backend.probe()).resolves.toEqual({ available: true });
    const model = tinyLookupModel();
    const modelLength = model.bytes.length;
    const session = await backend.load(model);
    expect(model.bytes.length, 'model bytes are not transferred away').toBe(modelLength);
    const inputIds = new BigInt64Array([1n, 9n]);
    const outputs = await session.run({
      input_ids: createTensor('int64', [1, 2], inputIds),
      scale: createTensor('float32', [1], new Float32Array([1])),
      bias: createTensor('float32', [4], new Float32Array(4)),
    });
    expect([...(outputs.hidden?.data as Float32Array)]).toEqual([1, 1.5, -1, 0.25, 9, 9.5, -9, 0.25]);
    expect([...inputIds], 'input buffers are not transferred away').toEqual([1n, 9n]);
    await session.dispose();
  });
});

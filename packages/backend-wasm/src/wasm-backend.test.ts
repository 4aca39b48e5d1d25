import { createTensor, type Tensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { tinyLookupModel, tinyLookupTable, tinyMatMulModel } from './test-support/tiny-onnx-model.js';
import { wasmBackend } from './wasm-backend.js';
import { WebBackendError } from './web-backend-error.js';

const lookupFeeds = (): Record<string, Tensor> => ({
  input_ids: createTensor('int64', [2, 3], new BigInt64Array([0n, 1n, 2n, 3n, 4n, 9n])),
  scale: createTensor('float32', [1], new Float32Array([2])),
  bias: createTensor('float32', [4], new Float32Array([0.5, -0.5, 1, 0])),
});

describe('wasmBackend (Node)', () => {
  const backend = wasmBackend();

  it('is available in Node and reports its environment', async () => {
    await expect(backend.probe()).resolves.toEqual({ available: true });
    expect(backend.name).toBe('wasm');
    expect(backend.specificationVersion).toBe(1);
    expect(backend.environment()).toMatchObject({ platform: 'node', crossOriginIsolated: true });
  });

  it('runs a graph with int64, float32 and bool values through core tensors', async () => {
    const session = await backend.load(tinyLookupModel());
    expect(session.inputNames).toEqual(['input_ids', 'scale', 'bias']);
    expect(session.outputNames).toEqual(['hidden', 'next_ids', 'mask']);
    const outputs = await session.run(lookupFeeds());
    const table = tinyLookupTable(10);
    const ids = [0, 1, 2, 3, 4, 9];
    const bias = [0.5, -0.5, 1, 0];
    const expected = ids.flatMap((id) =>
      [0, 1, 2, 3].map((column) => (table[id * 4 + column] as number) * 2 + (bias[column] as number)),
    );
    expect(outputs.hidden?.dtype).toBe('float32');
    expect(outputs.hidden?.shape).toEqual([2, 3, 4]);
    expect([...(outputs.hidden?.data as Float32Array)]).toEqual(expected);
    expect(outputs.next_ids).toEqual(createTensor('int64', [2, 3], new BigInt64Array([1n, 2n, 3n, 4n, 5n, 10n])));
    expect(outputs.mask).toEqual(createTensor('bool', [2, 3], new Uint8Array([0, 0, 0, 1, 1, 1])));
    await session.dispose();
  });

  it('returns only the requested outputs', async () => {
    const session = await backend.load(tinyLookupModel());
    const outputs = await session.run(lookupFeeds(), { outputNames: ['mask'] });
    expect(Object.keys(outputs)).toEqual(['mask']);
    await session.dispose();
  });

  it('serializes concurrent runs on one session', async () => {
    const session = await backend.load(tinyMatMulModel());
    const runs = [1, 2, 3, 4].map((value) =>
      session.run({ x: createTensor('float32', [1, 2], new Float32Array([value, 0])) }),
    );
    const results = await Promise.all(runs);
    expect(results.map((result) => [...(result.y?.data as Float32Array)])).toEqual([
      [1, 2, 3],
      [2, 4, 6],
      [3, 6, 9],
      [4, 8, 12],
    ]);
    await session.dispose();
  });

  it('refuses bad feeds with typed errors before onnxruntime sees them', async () => {
    const session = await backend.load(tinyLookupModel());
    const feeds = lookupFeeds();
    const expectCode = async (promise: Promise<unknown>, code: string, pattern: RegExp) => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(WebBackendError);
      expect((error as WebBackendError).code).toBe(code);
      expect((error as WebBackendError).message).toMatch(pattern);
    };
    await expectCode(
      session.run({ ...feeds, extra: feeds.scale as Tensor }),
      'BACKEND_INVALID_FEED',
      /'extra' is not an input/,
    );
    const { bias: _bias, ...withoutBias } = feeds;
    await expectCode(session.run(withoutBias), 'BACKEND_INVALID_FEED', /input 'bias' is missing/);
    await expectCode(
      session.run({ ...feeds, input_ids: createTensor('int32', [1, 1], new Int32Array([1])) }),
      'BACKEND_INVALID_FEED',
      /input 'input_ids' must be int64, got int32/,
    );
    await expectCode(
      session.run({ ...feeds, bias: createTensor('float32', [3], new Float32Array(3)) }),
      'BACKEND_INVALID_FEED',
      /'bias' must have shape \[4\], got \[3\]/,
    );
    await expectCode(
      session.run({ ...feeds, input_ids: { dtype: 'int64', shape: [2, 2], data: new BigInt64Array(3) } }),
      'BACKEND_INVALID_FEED',
      /'input_ids' has 3 elements but shape \[2, 2\]/,
    );
    await expectCode(
      session.run({ ...feeds, scale: { dtype: 'bfloat16', shape: [1], data: new Uint16Array(1) } }),
      'BACKEND_INVALID_FEED',
      /'scale' must be float32, got bfloat16/,
    );
    await expectCode(
      session.run(feeds, { outputNames: ['logits'] }),
      'BACKEND_UNKNOWN_OUTPUT',
      /'logits' is not an output/,
    );
    // an out-of-range id is onnxruntime's to detect: it must surface as a typed error, not a crash
    await expectCode(
      session.run({ ...feeds, input_ids: createTensor('int64', [1, 1], new BigInt64Array([99n])) }),
      'BACKEND_RUN_FAILED',
      /failed to run/,
    );
    // the session still works afterwards
    await expect(session.run(feeds)).resolves.toHaveProperty('hidden');
    await session.dispose();
    await expectCode(session.run(feeds), 'BACKEND_DISPOSED', /disposed/);
  });

  it('refuses a corrupt model with a typed error', async () => {
    const error = await backend
      .load({ bytes: new Uint8Array([1, 2, 3, 4]), inputNames: [], outputNames: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebBackendError);
    expect((error as WebBackendError).code).toBe('BACKEND_LOAD_FAILED');
  });

  it('reports conflicting global settings and invalid options from probe()', async () => {
    await backend.probe();
    await expect(wasmBackend({ numThreads: 3 }).probe()).resolves.toMatchObject({
      available: false,
      reason: expect.stringMatching(/numThreads/),
    });
    await expect(wasmBackend({ numThreads: 0 }).probe()).resolves.toMatchObject({
      available: false,
      reason: expect.stringMatching(/positive integer/),
    });
    await expect(wasmBackend({ simd: false }).probe()).resolves.toMatchObject({
      available: false,
      reason: expect.stringMatching(/SIMD/),
    });
    await expect(wasmBackend({ proxy: true }).probe()).resolves.toMatchObject({
      available: false,
      reason: expect.stringMatching(/Web Workers/),
    });
  });
});

describe('wasmBackend options', () => {
  it('are strict: an unknown key is an OptionsError naming the right spelling', () => {
    expect(() => wasmBackend({ num_threads: 1 } as never)).toThrow(
      expect.objectContaining({
        code: 'OPTIONS_UNKNOWN_KEY',
        message: expect.stringMatching(/num_threads is spelled numThreads/),
      }),
    );
  });
});

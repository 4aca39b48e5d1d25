import { createTensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { fetchFile, readFixture, testDirectories } from './test-support/browser-files.js';
import { tinyLookupModel } from './test-support/tiny-onnx-model.js';
import { wasmBackend } from './wasm-backend.js';

describe('wasmBackend (browser)', () => {
  const backend = wasmBackend({ numThreads: 2 });

  it('is available, single-threaded on a page that is not cross-origin isolated', async () => {
    await expect(backend.probe()).resolves.toEqual({ available: true });
    const environment = backend.environment();
    expect(environment.platform).toBe('browser');
    expect(environment.crossOriginIsolated).toBe(false);
    expect(environment.numThreads).toBe(1);
    expect(environment.threadsNote).toMatch(/Cross-Origin-Opener-Policy/);
  });

  it('runs a graph through core tensors', async () => {
    const session = await backend.load(tinyLookupModel());
    const outputs = await session.run(
      {
        input_ids: createTensor('int64', [1, 2], new BigInt64Array([1n, 9n])),
        scale: createTensor('float32', [1], new Float32Array([1])),
        bias: createTensor('float32', [4], new Float32Array(4)),
      },
      { outputNames: ['hidden', 'next_ids'] },
    );
    expect([...(outputs.hidden?.data as Float32Array)]).toEqual([1, 1.5, -1, 0.25, 9, 9.5, -9, 0.25]);
    expect(outputs.next_ids?.data).toEqual(new BigInt64Array([2n, 10n]));
    await session.dispose();
  });

  it('reads fixtures through the dev server', async () => {
    const config = JSON.parse(new TextDecoder().decode(await readFixture('models/tiny/config.json'))) as {
      hidden_size: number;
    };
    expect(config.hidden_size).toBe(36);
    await expect(fetchFile(`${testDirectories.fixtures}/does-not-exist.json`)).resolves.toBeUndefined();
  });
});

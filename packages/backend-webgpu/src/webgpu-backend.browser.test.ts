import { createTensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { tinyLookupModel } from '../../backend-wasm/src/test-support/tiny-onnx-model.js';
import { webgpuBackend, type WebGpuBuild } from './index.js';

describe.each<WebGpuBuild>(['jsep', 'webgpu'])('webgpuBackend (browser, %s build)', (build) => {
  const backend = webgpuBackend({ build, preferFloat16: true });

  it('finds an adapter and reports its features', async () => {
    const probe = await backend.probe();
    expect(probe).toEqual({ available: true });
    const report = backend.adapterReport();
    console.log(`webgpu ${build}: adapter ${JSON.stringify(report?.adapter)}, features ${report?.features.join(' ')}`);
    expect(report).toBeDefined();
    expect(backend.capabilities.float16).toBe(report?.shaderF16);
  });

  it('runs a graph through core tensors', async () => {
    const session = await backend.load(tinyLookupModel());
    const outputs = await session.run({
      input_ids: createTensor('int64', [1, 2], new BigInt64Array([1n, 9n])),
      scale: createTensor('float32', [1], new Float32Array([1])),
      bias: createTensor('float32', [4], new Float32Array(4)),
    });
    expect([...(outputs.hidden?.data as Float32Array)]).toEqual([1, 1.5, -1, 0.25, 9, 9.5, -9, 0.25]);
    expect(outputs.next_ids?.data).toEqual(new BigInt64Array([2n, 10n]));
    expect(outputs.mask?.data).toEqual(new Uint8Array([0, 1]));
    await session.dispose();
  });
});

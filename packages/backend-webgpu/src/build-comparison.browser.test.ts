import { describe, expect, it } from 'vitest';
import {
  buildConsistencyGraph,
  consistencyCases,
  seededRandom,
} from '../../backend-wasm/src/test-support/consistency-model.js';
import { createTensor, type Tensor } from '@albert-ts/core';
import { webgpuBackend, type WebGpuBuild } from './index.js';

// Measurements behind the choice of DEFAULT_WEBGPU_BUILD (opt-in: ALBERT_WEBGPU_BENCH=1): session creation,
// first run (pipeline compilation) and the median of steady runs of the randomized albert-base-like model,
// for onnxruntime-web's JSEP build and its native WebGPU build, in the same page.
const enabled = (import.meta as unknown as { env: { ALBERT_WEBGPU_BENCH?: string } }).env.ALBERT_WEBGPU_BENCH === '1';

function feeds(batch: number, sequence: number): Record<string, Tensor> {
  const random = seededRandom(7);
  const shape = [batch, sequence];
  const size = batch * sequence;
  return {
    input_ids: createTensor(
      'int64',
      shape,
      BigInt64Array.from({ length: size }, () => BigInt(5 + Math.floor(random() * 1990))),
    ),
    attention_mask: createTensor('int64', shape, new BigInt64Array(size).fill(1n)),
    token_type_ids: createTensor('int64', shape, new BigInt64Array(size)),
    position_ids: createTensor(
      'int64',
      shape,
      BigInt64Array.from({ length: size }, (_, index) => BigInt(index % sequence)),
    ),
  };
}

describe.skipIf(!enabled)('webgpu builds compared (ALBERT_WEBGPU_BENCH=1)', () => {
  const order = (
    (import.meta as unknown as { env: { ALBERT_WEBGPU_BUILDS?: string } }).env.ALBERT_WEBGPU_BUILDS || 'jsep,webgpu'
  ).split(',') as WebGpuBuild[];
  for (const build of order) {
    it(`${build} build`, { timeout: 600_000 }, async () => {
      expect(consistencyCases().length).toBeGreaterThan(0);
      const backend = webgpuBackend({ build });
      let started = performance.now();
      expect(await backend.probe()).toEqual({ available: true });
      const probeMs = performance.now() - started;
      const graph = buildConsistencyGraph('AlbertForMaskedLM') as NonNullable<ReturnType<typeof buildConsistencyGraph>>;
      started = performance.now();
      const session = await backend.load(graph);
      const loadMs = performance.now() - started;
      const lines = [`${build}: probe ${probeMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms`];
      for (const [batch, sequence] of [
        [1, 32],
        [1, 128],
        [8, 128],
      ] as const) {
        const input = feeds(batch, sequence);
        started = performance.now();
        await session.run(input);
        const firstMs = performance.now() - started;
        const times: number[] = [];
        for (let repeat = 0; repeat < 3; repeat += 1) {
          started = performance.now();
          await session.run(input);
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        lines.push(
          `  [${batch}, ${sequence}]: first run ${firstMs.toFixed(0)} ms, median of 3 steady runs ${(times[1] as number).toFixed(0)} ms`,
        );
      }
      await session.dispose();
      console.log(lines.join('\n'));
    });
  }
});

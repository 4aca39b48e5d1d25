import type { AlbertGraph, Tensor } from '@albert-ts/core';
import { nodeBackend } from '@albert-ts/backend-node';
import { describe, expect, it } from 'vitest';
import {
  buildConsistencyGraph,
  consistencyCases,
  CONSISTENCY_TOLERANCE,
  maxAbsoluteDifference,
} from './test-support/consistency-model.js';
import { wasmBackend } from './wasm-backend.js';

describe('node-wasm agrees with node-cpu on a randomized albert-base-like model', () => {
  const cpu = nodeBackend({ device: 'cpu' });
  const wasm = wasmBackend();

  for (const [flavour, testCase] of (['plain', 'fused'] as const).flatMap((flavour) =>
    consistencyCases().map((entry) => [flavour, entry] as const),
  )) {
    it(`${testCase.name} (${flavour} graph on node-wasm)`, async () => {
      const reference = buildConsistencyGraph(testCase.head) as AlbertGraph;
      const graph = buildConsistencyGraph(testCase.head, flavour, wasm);
      expect(graph, 'core builds a fused graph for wasm').toBeDefined();
      const [cpuSession, wasmSession] = await Promise.all([cpu.load(reference), wasm.load(graph as AlbertGraph)]);
      const started = performance.now();
      const expected = await cpuSession.run(testCase.feeds);
      const cpuTime = performance.now() - started;
      const actual = await wasmSession.run(testCase.feeds);
      const wasmTime = performance.now() - started - cpuTime;
      for (const name of reference.outputNames) {
        const difference = maxAbsoluteDifference(actual[name] as Tensor, expected[name] as Tensor);
        console.log(
          `${flavour} ${testCase.name} ${name}: max |node-wasm - node-cpu| = ${difference.toExponential(2)} (cpu ${cpuTime.toFixed(0)} ms, wasm ${wasmTime.toFixed(0)} ms)`,
        );
        expect(difference).toBeLessThanOrEqual(CONSISTENCY_TOLERANCE);
      }
      await Promise.all([cpuSession.dispose(), wasmSession.dispose()]);
    });
  }
});

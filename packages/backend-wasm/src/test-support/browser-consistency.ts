/**
 * Test support (browser side) of the consistency tests: runs the randomized model on a backend and
 * compares with the node-cpu outputs that `consistency-global-setup.ts` wrote. Not part of the API.
 */
import { createTensor, type Backend, type Tensor } from '@albert-ts/core';
import { expect, it } from 'vitest';
import { fetchFile, testDirectories } from './browser-files.js';
import {
  buildConsistencyGraph,
  consistencyCases,
  CONSISTENCY_TOLERANCE,
  maxAbsoluteDifference,
} from './consistency-model.js';

/** Defines one test per consistency case for `backend`, reported as `label` (e.g. `browser-wasm`). */
export function defineBrowserConsistencyTests(
  label: string,
  createBackend: () => Backend,
  options: { readonly required: boolean },
): void {
  const backend = createBackend();
  const directory = `${testDirectories.generated}/consistency`;
  let manifest: Record<string, Record<string, number[]>> | undefined | null = null;
  const readManifest = async () => {
    if (manifest === null) {
      const bytes = await fetchFile(`${directory}/manifest.json`);
      manifest =
        bytes === undefined
          ? undefined
          : (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, Record<string, number[]>>);
    }
    return manifest;
  };

  for (const [flavour, testCase] of (['plain', 'fused'] as const).flatMap((flavour) =>
    consistencyCases().map((entry) => [flavour, entry] as const),
  )) {
    it(`${label} (${flavour}) agrees with node-cpu: ${testCase.name}`, async (context) => {
      const probe = await backend.probe();
      if (!probe.available) {
        if (options.required)
          throw new Error(`${label} is required (ALBERT_REQUIRE_BACKENDS) but unavailable: ${probe.reason}`);
        console.warn(`skipped: ${label} unavailable: ${probe.reason}`);
        context.skip(`${label} unavailable: ${probe.reason}`);
        return;
      }
      const references = (await readManifest())?.[testCase.name];
      if (references === undefined) {
        console.warn(`skipped: no node-cpu reference outputs (the globalSetup could not run node-cpu)`);
        context.skip('no node-cpu reference outputs');
        return;
      }
      const graph = buildConsistencyGraph(testCase.head, flavour, backend);
      if (graph === undefined) {
        console.warn(`skipped: ${label} has no fused flavour (core builds plain graphs for it)`);
        context.skip(`${label} has no fused flavour`);
        return;
      }
      const session = await backend.load(graph);
      const started = performance.now();
      const outputs = await session.run(testCase.feeds);
      const elapsed = performance.now() - started;
      await session.dispose();
      for (const [name, shape] of Object.entries(references)) {
        const bytes = await fetchFile(`${directory}/${testCase.name}.${name}.f32`);
        expect(bytes, `reference ${name}`).toBeDefined();
        const data = new Float32Array((bytes as Uint8Array).slice().buffer);
        const expected: Tensor = createTensor('float32', shape, data);
        const difference = maxAbsoluteDifference(outputs[name] as Tensor, expected);
        console.log(
          `${label} ${flavour} ${testCase.name} ${name}: max |${label} - node-cpu| = ${difference.toExponential(2)} (run ${elapsed.toFixed(0)} ms)`,
        );
        expect(difference, `${testCase.name} ${name}`).toBeLessThanOrEqual(CONSISTENCY_TOLERANCE);
      }
    });
  }
}

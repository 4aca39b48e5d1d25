import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, BackendProbeResult } from '@albert-ts/core';
import { parsePipelineCases, runPipelineCases, type PipelineCasesReport } from '@albert-ts/pipelines';
import { fixtureSource, type ReadFixture } from './fixture-source.js';

/**
 * The case ids of `fixtures/pipelines/cases.json`. Tests are declared from this list; one test checks
 * that the file holds exactly these, so no stored case is ever silently left out.
 */
export const PIPELINE_CASE_IDS: readonly string[] = [
  'fill-demo-0',
  'fill-random-0',
  'fill-demo-1',
  'fill-random-1',
  'fill-demo-2',
  'fill-random-2',
  'fill-demo-3',
  'fill-random-3',
  'fill-demo-targets',
  'fill-demo-batch',
  'cls-0',
  'cls-all-0',
  'cls-multi-0',
  'cls-regression-0',
  'cls-1',
  'cls-all-1',
  'cls-multi-1',
  'cls-regression-1',
  'cls-2',
  'cls-all-2',
  'cls-multi-2',
  'cls-regression-2',
  'cls-none',
  'cls-sigmoid',
  'cls-pair-0',
  'cls-pair-1',
  'cls-batch',
  'ner-none-0',
  'ner-none-all-0',
  'ner-simple-0',
  'ner-first-0',
  'ner-average-0',
  'ner-max-0',
  'ner-slow-simple-0',
  'ner-none-1',
  'ner-none-all-1',
  'ner-simple-1',
  'ner-first-1',
  'ner-average-1',
  'ner-max-1',
  'ner-slow-simple-1',
  'ner-none-2',
  'ner-none-all-2',
  'ner-simple-2',
  'ner-first-2',
  'ner-average-2',
  'ner-max-2',
  'ner-slow-simple-2',
  'qa-0',
  'qa-top3-0',
  'qa-short-0',
  'qa-impossible-0',
  'qa-1',
  'qa-top3-1',
  'qa-short-1',
  'qa-impossible-1',
  'qa-long',
  'qa-long-question-limit',
  'features-0',
  'features-1',
  'zero-0',
  'zero-multi-0',
  'zero-1',
  'zero-template',
];

/** Options of {@link definePipelineParitySuite}. */
export interface PipelineParitySuiteOptions {
  /** Name the backend is reported under (`node-cpu`, `browser-wasm`, ...). */
  readonly backendName: string;
  /** Creates the backend value under test. */
  readonly createBackend: () => Backend;
  /**
   * Reads a file of the repository's `fixtures/` directory (`pipelines/cases.json`); the demo model is
   * read as `../apps/cli/demo-model/<file>`.
   */
  readonly readFixture: ReadFixture;
  /** Backend names that must run (default: `ALBERT_REQUIRE_BACKENDS`). */
  readonly requiredBackends?: readonly string[];
  /** Receives the report after the run (e.g. to write it as JSON). */
  readonly onReport?: (report: PipelineCasesReport) => void | Promise<void>;
}

/** The first case's test waits for the whole run (all cases, once): slow backends (SwiftShader WebGPU) need minutes. */
const RUN_TIMEOUT_MS = 900_000;

function requiredFromEnvironment(): string[] {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return (environment?.['ALBERT_REQUIRE_BACKENDS'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Declares the pipeline parity suite for one backend: every case of `fixtures/pipelines/cases.json`
 * (Python's `pipeline()` outputs) run through `runPipelineCases`, one test per case: scores within
 * 1e-4, everything else identical. When the backend's `probe()` fails, its tests are skipped with the
 * reason, or fail when the backend is required (`ALBERT_REQUIRE_BACKENDS`). Runs unchanged in browsers.
 */
export function definePipelineParitySuite(options: PipelineParitySuiteOptions): void {
  const required = (options.requiredBackends ?? requiredFromEnvironment()).includes(options.backendName);
  let probe: BackendProbeResult = { available: false, reason: 'not probed yet' };
  let report: Promise<PipelineCasesReport> | undefined;
  let backend: Backend | undefined;

  const source = (name: string) =>
    name === 'demo'
      ? fixtureSource(options.readFixture, '../apps/cli/demo-model')
      : fixtureSource(options.readFixture, `pipelines/${name}`);
  const run = (): Promise<PipelineCasesReport> => {
    report ??= options.readFixture('pipelines/cases.json').then((bytes) =>
      runPipelineCases(parsePipelineCases(new TextDecoder().decode(bytes), 'fixtures/pipelines/cases.json'), {
        backend: backend as Backend,
        source,
      }),
    );
    return report;
  };

  describe(`pipeline parity: ${options.backendName}`, () => {
    beforeAll(async () => {
      backend = options.createBackend();
      probe = await backend.probe();
      if (!probe.available)
        console.warn(
          `[pipelines] ${options.backendName} unavailable: ${probe.reason}${required ? ' (required by ALBERT_REQUIRE_BACKENDS: failing)' : ' (skipping)'}`,
        );
    });

    afterAll(async () => {
      if (report === undefined) return;
      const done = await report;
      console.log(`[pipelines] ${options.backendName}: ${done.passed}/${done.total} cases passed`);
      await options.onReport?.(done);
    });

    it(`backend ${options.backendName} is available`, (context) => {
      if (!probe.available) {
        if (required)
          expect.fail(`${options.backendName} is required (ALBERT_REQUIRE_BACKENDS) but unavailable: ${probe.reason}`);
        context.skip(`${options.backendName} unavailable: ${probe.reason}`);
      }
    });

    it('cases.json holds exactly the cases under test', async () => {
      const cases = parsePipelineCases(new TextDecoder().decode(await options.readFixture('pipelines/cases.json')));
      expect(cases.cases.map((item) => item.id)).toEqual([...PIPELINE_CASE_IDS]);
    });

    for (const id of PIPELINE_CASE_IDS) {
      it(
        id,
        async (context) => {
          if (!probe.available) context.skip(`${options.backendName} unavailable: ${probe.reason}`);
          const result = (await run()).results.find((entry) => entry.id === id);
          expect(result, `case ${id}`).toBeDefined();
          expect(result?.differences, `${id} on ${options.backendName}`).toEqual([]);
        },
        RUN_TIMEOUT_MS,
      );
    }
  });
}

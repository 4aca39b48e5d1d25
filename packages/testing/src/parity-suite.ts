import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadAlbertModel,
  parseReferenceCases,
  referenceHeadOf,
  REFERENCE_TOLERANCE,
  runReferenceCase,
  type AlbertGraphFlavour,
  type AnyAlbertModel,
  type Backend,
  type BackendProbeResult,
  type ReferenceCases,
} from '@albert-ts/core';
import { fixtureSource, type ReadFixture } from './fixture-source.js';

/** The fixture models every backend must reproduce (`fixtures/models/<name>`). */
export const PARITY_MODELS = ['tiny', 'grouped', 'relu-relkey'] as const;

/**
 * The (checkpoint key, case) pairs of the fixture format (see `fixtures/models/README.md`). Tests are
 * declared from this list; a test per model checks that `cases.json` holds exactly these pairs, so
 * no stored case is ever silently left out.
 */
export const PARITY_CASES: Readonly<Record<string, readonly string[]>> = {
  AlbertModel: ['padded_batch', 'position_ids', 'input_ids_only', 'head_mask'],
  AlbertForPreTraining: ['padded_batch', 'position_ids', 'input_ids_only'],
  AlbertForMaskedLM: ['padded_batch', 'position_ids', 'input_ids_only'],
  AlbertForSequenceClassification: ['padded_batch', 'position_ids', 'input_ids_only'],
  'AlbertForSequenceClassification-regression': ['padded_batch', 'position_ids', 'input_ids_only'],
  AlbertForTokenClassification: ['padded_batch', 'position_ids', 'input_ids_only'],
  AlbertForQuestionAnswering: ['padded_batch', 'position_ids', 'input_ids_only'],
  AlbertForMultipleChoice: ['multiple_choice'],
};

/** One compared output in the parity report. */
export interface ParityRow {
  /** Backend name as reported (`node-cpu`, `browser-webgpu`, ...). */
  readonly backend: string;
  /** Graph flavour. */
  readonly flavour: AlbertGraphFlavour;
  /** Fixture model. */
  readonly model: string;
  /** Checkpoint key. */
  readonly checkpoint: string;
  /** Case name. */
  readonly case: string;
  /** Output name. */
  readonly output: string;
  /** Max abs difference from the PyTorch reference. */
  readonly maxAbsDiff: number;
  /** Within {@link REFERENCE_TOLERANCE}. */
  readonly pass: boolean;
}

/** Options of {@link defineParitySuite}. */
export interface ParitySuiteOptions {
  /** Name the backend is reported under (`node-cpu`, `node-wasm`, `browser-webgpu`, ...). */
  readonly backendName: string;
  /** Creates the backend value under test. */
  readonly createBackend: () => Backend;
  /** Reads a file of the repository's `fixtures/` directory (`models/tiny/cases.json`). */
  readonly readFixture: ReadFixture;
  /** Graph flavours to run (default `['plain']`). */
  readonly graphFlavours?: readonly AlbertGraphFlavour[];
  /** Fixture models (default {@link PARITY_MODELS}). */
  readonly models?: readonly string[];
  /**
   * Backend names that must run: an unavailable one fails instead of being skipped. Default: the
   * comma-separated `ALBERT_REQUIRE_BACKENDS` environment variable where there is one.
   */
  readonly requiredBackends?: readonly string[];
  /** Receives every compared output after the suite ran (e.g. to write a JSON report). */
  readonly onReport?: (rows: readonly ParityRow[]) => void | Promise<void>;
}

/** `ALBERT_REQUIRE_BACKENDS`, read without Node APIs (absent in browsers unless injected). */
function requiredFromEnvironment(): string[] {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = environment?.['ALBERT_REQUIRE_BACKENDS'] ?? '';
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function formatDiff(value: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toExponential(2);
}

/** A text table of the largest difference per model / checkpoint / output over all cases. */
export function formatParityTable(rows: readonly ParityRow[]): string {
  const worst = new Map<string, { row: ParityRow; max: number; pass: boolean }>();
  for (const row of rows) {
    const key = `${row.model}\t${row.checkpoint}\t${row.output}\t${row.flavour}`;
    const entry = worst.get(key);
    const max = Number.isNaN(row.maxAbsDiff) ? Number.POSITIVE_INFINITY : row.maxAbsDiff;
    if (entry === undefined) worst.set(key, { row, max, pass: row.pass });
    else worst.set(key, { row, max: Math.max(entry.max, max), pass: entry.pass && row.pass });
  }
  const lines = [
    'model        checkpoint                                   output                              max abs diff  ok',
  ];
  for (const { row, max, pass } of worst.values()) {
    lines.push(
      `${row.model.padEnd(12)} ${row.checkpoint.padEnd(44)} ${row.output.padEnd(35)} ${formatDiff(max).padStart(12)}  ${pass ? 'yes' : 'NO'}`,
    );
  }
  return lines.join('\n');
}

/**
 * Declares the parity suite for one backend: every fixture model × checkpoint (head) × case × stored
 * output (hidden states, attentions and losses included) must be within 1e-4 of the PyTorch reference.
 * Fixture reading is injected, so the same suite runs in Node and in a browser. When the backend's
 * `probe()` fails, its tests are skipped with the reason, or fail when the backend is required.
 */
export function defineParitySuite(options: ParitySuiteOptions): void {
  const flavours = options.graphFlavours ?? ['plain'];
  const models = options.models ?? PARITY_MODELS;
  const required = (options.requiredBackends ?? requiredFromEnvironment()).includes(options.backendName);
  const rows: ParityRow[] = [];
  let backend: Backend | undefined;
  let probe: BackendProbeResult = { available: false, reason: 'not probed yet' };
  const casesByModel = new Map<string, Promise<ReferenceCases>>();
  const loadedModels = new Map<string, Promise<AnyAlbertModel>>();

  const casesOf = (model: string): Promise<ReferenceCases> => {
    let pending = casesByModel.get(model);
    if (pending === undefined) {
      pending = options
        .readFixture(`models/${model}/cases.json`)
        .then((bytes) => parseReferenceCases(new TextDecoder().decode(bytes), `fixtures/models/${model}/cases.json`));
      casesByModel.set(model, pending);
    }
    return pending;
  };

  describe(`parity: ${options.backendName}`, () => {
    beforeAll(async () => {
      backend = options.createBackend();
      probe = await backend.probe();
      if (!probe.available)
        console.warn(
          `[parity] ${options.backendName} unavailable: ${probe.reason}${required ? ' (required by ALBERT_REQUIRE_BACKENDS: failing)' : ' (skipping)'}`,
        );
    });

    afterAll(async () => {
      for (const pending of loadedModels.values()) {
        try {
          await (await pending).dispose();
        } catch {
          // a model that failed to load has nothing to dispose
        }
      }
      if (rows.length > 0) {
        console.log(
          `[parity] ${options.backendName}: ${rows.filter((row) => row.pass).length}/${rows.length} outputs within ${REFERENCE_TOLERANCE}\n${formatParityTable(rows)}`,
        );
      }
      await options.onReport?.(rows);
    });

    it(`backend ${options.backendName} is available`, (context) => {
      if (!probe.available) {
        if (required)
          expect.fail(`${options.backendName} is required (ALBERT_REQUIRE_BACKENDS) but unavailable: ${probe.reason}`);
        context.skip(`${options.backendName} unavailable: ${probe.reason}`);
      }
    });

    for (const flavour of flavours) {
      for (const model of models) {
        describe(`${model} (${flavour})`, () => {
          it('cases.json holds exactly the checkpoint/case pairs under test', async () => {
            const cases = await casesOf(model);
            const stored: string[] = [];
            for (const testCase of cases.cases)
              for (const checkpoint of Object.keys(testCase.outputs)) stored.push(`${checkpoint}/${testCase.name}`);
            const declared = Object.entries(PARITY_CASES).flatMap(([checkpoint, names]) =>
              names.map((name) => `${checkpoint}/${name}`),
            );
            expect(stored.sort()).toEqual(declared.sort());
          });

          for (const [checkpoint, caseNames] of Object.entries(PARITY_CASES)) {
            const modelOf = async (): Promise<AnyAlbertModel> => {
              const key = `${flavour}/${model}/${checkpoint}`;
              let pending = loadedModels.get(key);
              if (pending === undefined) {
                pending = casesOf(model).then((cases) => {
                  const subDirectory = cases.checkpoints[checkpoint] ?? checkpoint;
                  const directory = subDirectory === '.' ? `models/${model}` : `models/${model}/${subDirectory}`;
                  return loadAlbertModel(referenceHeadOf(checkpoint), fixtureSource(options.readFixture, directory), {
                    backend: backend as Backend,
                    flavour,
                  });
                });
                loadedModels.set(key, pending);
              }
              return pending;
            };
            for (const caseName of caseNames) {
              it(`${checkpoint} · ${caseName}`, async (context) => {
                if (!probe.available) context.skip(`${options.backendName} unavailable: ${probe.reason}`);
                const cases = await casesOf(model);
                const testCase = cases.cases.find((entry) => entry.name === caseName);
                expect(testCase, `case ${caseName} in fixtures/models/${model}/cases.json`).toBeDefined();
                if (testCase === undefined) return;
                const comparisons = await runReferenceCase(await modelOf(), checkpoint, testCase);
                expect(comparisons.length, 'stored outputs compared').toBeGreaterThan(0);
                for (const comparison of comparisons) {
                  const pass = comparison.problem === undefined && comparison.maxAbsDiff <= REFERENCE_TOLERANCE;
                  rows.push({
                    backend: options.backendName,
                    flavour,
                    model,
                    checkpoint,
                    case: caseName,
                    output: comparison.output,
                    maxAbsDiff: comparison.maxAbsDiff,
                    pass,
                  });
                }
                for (const comparison of comparisons) {
                  expect(comparison.problem, `${comparison.output}: ${comparison.problem ?? ''}`).toBeUndefined();
                  expect(
                    comparison.maxAbsDiff,
                    `${model}/${checkpoint}/${caseName}: ${comparison.output} max abs diff`,
                  ).toBeLessThanOrEqual(REFERENCE_TOLERANCE);
                }
              });
            }
          }
        });
      }
    }
  });
}

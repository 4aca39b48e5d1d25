import type { Backend, BackendProbeResult } from '@albert-ts/core';
import { fixtureSource, type ReadFixture } from '@albert-ts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TRAINING_TOLERANCE,
  verifyTrainingHead,
  type TrainingFixture,
  type TrainingHeadReport,
  type VerifyTrainingHeadOptions,
} from './verify/verify-training-head.js';

// The training parity suite, written once and run on every backend (as @albert-ts/testing's inference
// parity suite): for each fixture model and head of `fixtures/training/`, the loss and every gradient
// (|ours − ref| ≤ 1e-5 + 1e-4·|ref|), one AdamW step from the reference gradients (1e-6 absolute) and
// the losses before three full steps (1e-4 relative), as the fixture README states.

/** The fixture models. */
export const TRAINING_PARITY_MODELS = ['tiny', 'grouped', 'relu-relkey'] as const;

/** The heads of `training.json`, in its order. */
export const TRAINING_PARITY_HEADS = [
  'AlbertForPreTraining',
  'AlbertForMaskedLM',
  'AlbertForSequenceClassification',
  'AlbertForSequenceClassification-multi-label',
  'AlbertForSequenceClassification-regression',
  'AlbertForTokenClassification',
  'AlbertForQuestionAnswering',
  'AlbertForMultipleChoice',
] as const;

/** One row of the training parity report. */
export interface TrainingParityRow extends TrainingHeadReport {
  /** Backend name. */
  readonly backend: string;
  /** Fixture model. */
  readonly model: string;
}

/** Options of {@link defineTrainingParitySuite}. */
export interface TrainingParitySuiteOptions {
  readonly backendName: string;
  readonly createBackend: () => Backend;
  readonly readFixture: ReadFixture;
  readonly models?: readonly string[];
  readonly heads?: readonly string[];
  readonly requiredBackends?: readonly string[];
  readonly onReport?: (rows: readonly TrainingParityRow[]) => void | Promise<void>;
  /** Where the optimizer runs (default `typescript`; `graph`: the AdamW update graph and the fused step graph). */
  readonly optimizerPlacement?: 'typescript' | 'graph';
  /** With `optimizerPlacement: 'graph'`: whether the fused step keeps its state on the device (default `false`). */
  readonly keepStateOnDevice?: boolean;
}

function requiredFromEnvironment(): string[] {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return (environment?.['ALBERT_REQUIRE_BACKENDS'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** A text table of the rows. */
export function formatTrainingParityTable(rows: readonly TrainingParityRow[]): string {
  const lines = [
    'model        head                                          loss diff  max grad diff  grad/tol  1-step diff  3-step loss rel  ok',
  ];
  for (const row of rows) {
    lines.push(
      `${row.model.padEnd(12)} ${row.head.padEnd(45)} ${row.lossDiff.toExponential(2).padStart(9)}  ${row.maxGradDiff.toExponential(2).padStart(13)}  ${row.worstGradToleranceRatio.toFixed(3).padStart(8)}  ${row.oneStepMaxDiff.toExponential(2).padStart(11)}  ${row.threeStepLossMaxRelDiff.toExponential(2).padStart(15)}  ${row.pass ? 'yes' : 'NO'}`,
    );
  }
  return lines.join('\n');
}

/**
 * Declares the training parity suite for one backend. When the backend's `probe()` fails, its tests are
 * skipped with the reason printed, or fail when `ALBERT_REQUIRE_BACKENDS` names the backend.
 */
export function defineTrainingParitySuite(options: TrainingParitySuiteOptions): void {
  const models = options.models ?? TRAINING_PARITY_MODELS;
  const heads = options.heads ?? TRAINING_PARITY_HEADS;
  const required = (options.requiredBackends ?? requiredFromEnvironment()).includes(options.backendName);
  const rows: TrainingParityRow[] = [];
  let backend: Backend | undefined;
  let probe: BackendProbeResult = { available: false, reason: 'not probed yet' };
  const json = new Map<string, Promise<unknown>>();
  const readJson = (path: string): Promise<unknown> => {
    let pending = json.get(path);
    if (pending === undefined) {
      pending = options.readFixture(path).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown);
      json.set(path, pending);
    }
    return pending;
  };

  const placement = options.optimizerPlacement ?? 'typescript';
  const state =
    options.keepStateOnDevice === undefined
      ? ''
      : options.keepStateOnDevice
        ? ', state on the device'
        : ', state in JavaScript';
  const title =
    placement === 'typescript' ? options.backendName : `${options.backendName}, optimizer in the graph${state}`;
  describe(`training parity: ${title}`, () => {
    beforeAll(async () => {
      backend = options.createBackend();
      probe = await backend.probe();
      if (!probe.available)
        console.warn(
          `[training parity] ${options.backendName} unavailable: ${probe.reason}${required ? ' (required by ALBERT_REQUIRE_BACKENDS: failing)' : ' (skipping)'}`,
        );
    });
    afterAll(async () => {
      if (rows.length > 0)
        console.log(
          `[training parity] ${title}: ${rows.filter((row) => row.pass).length}/${rows.length} heads pass\n${formatTrainingParityTable(rows)}`,
        );
      await options.onReport?.(rows);
    });

    for (const model of models) {
      for (const key of heads) {
        it(`${model} ${key}`, async (context) => {
          if (!probe.available) {
            if (required) throw new Error(`${options.backendName} is required but unavailable: ${probe.reason}`);
            context.skip(`${options.backendName} unavailable: ${probe.reason}`);
            return;
          }
          const fixture = (await readJson(`training/${model}/training.json`)) as TrainingFixture;
          const cases = (await readJson(`models/${model}/cases.json`)) as VerifyTrainingHeadOptions['cases'];
          const report = await verifyTrainingHead({
            backend: backend as Backend,
            modelSource: (checkpoint) =>
              fixtureSource(
                options.readFixture,
                checkpoint === '.' ? `models/${model}` : `models/${model}/${checkpoint}`,
              ),
            trainingSource: fixtureSource(options.readFixture, `training/${model}`),
            fixture,
            cases,
            head: key,
            optimizerPlacement: placement,
            ...(options.keepStateOnDevice === undefined ? {} : { keepStateOnDevice: options.keepStateOnDevice }),
          });
          rows.push({ backend: options.backendName, model, ...report });
          expect(report.problems).toEqual([]);
          expect(report.lossDiff, `loss ${report.loss} vs ${report.referenceLoss}`).toBeLessThanOrEqual(
            TRAINING_TOLERANCE.gradient.absolute +
              TRAINING_TOLERANCE.gradient.relative * Math.abs(report.referenceLoss),
          );
          expect(
            report.worstGradToleranceRatio,
            `worst gradient element ${report.worstGradElement}`,
          ).toBeLessThanOrEqual(1);
          expect(report.oneStepMaxDiff, 'one AdamW step from the reference gradients').toBeLessThanOrEqual(
            TRAINING_TOLERANCE.oneStep,
          );
          expect(
            report.threeStepLossMaxRelDiff,
            `losses before steps ${report.lossesBeforeSteps.join(', ')}`,
          ).toBeLessThanOrEqual(TRAINING_TOLERANCE.threeStepLoss);
        });
      }
    }
  });
}

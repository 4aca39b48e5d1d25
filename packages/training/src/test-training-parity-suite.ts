import { AlbertConfig } from '@albert-ts/config';
import { createTensor, loadPretrainedWeights, readSafetensors, type Backend, type BackendProbeResult, type Tensor } from '@albert-ts/core';
import { fixtureSource, type ReadFixture } from '@albert-ts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlbertTrainingGraph, type TrainableHeadName } from './graph/albert-training-graph.js';
import { AdamW } from './optim/adamw.js';
import { clipGradNorm } from './optim/clip-grad-norm.js';
import type { ParameterSet } from './optim/parameter-set.js';
import { GradientSession } from './session/gradient-session.js';

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
export interface TrainingParityRow {
  readonly backend: string;
  readonly model: string;
  readonly head: string;
  /** |loss − reference loss|. */
  readonly lossDiff: number;
  /** The largest |gradient − reference| over every element of every parameter. */
  readonly maxGradDiff: number;
  /** The largest ratio of an element's difference to its tolerance (≤ 1 passes). */
  readonly worstGradToleranceRatio: number;
  /** The largest |parameter − reference| after one AdamW step from the reference gradients. */
  readonly oneStepMaxDiff: number;
  /** The largest relative difference of the losses before each of three full steps. */
  readonly threeStepLossMaxRelDiff: number;
  /** The median and 99th percentile |parameter − reference| after three steps (for inspection only). */
  readonly threeStepParameterDiff: { readonly median: number; readonly p99: number };
  readonly pass: boolean;
}

interface HeadSpec {
  readonly checkpoint: string;
  readonly case: string;
  readonly labels: Record<string, unknown>;
  readonly loss: number;
  readonly grad_norm: number;
  readonly losses_before_steps: readonly number[];
  readonly parameters: readonly string[];
  readonly parameters_without_gradient: readonly string[];
}

interface TrainingJson {
  readonly optimizer: { readonly lr: number; readonly betas: [number, number]; readonly eps: number; readonly weight_decay: number; readonly clip_grad_norm: number; readonly steps: number };
  readonly heads: Record<string, HeadSpec>;
}

interface CaseJson {
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** Flattens a nested number array; returns its shape and elements. */
export function flattenNested(value: unknown): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const values = (value as unknown[]).flat(Infinity) as number[];
  return { shape, values };
}

function int64Tensor(value: unknown): Tensor {
  const { shape, values } = flattenNested(value);
  return createTensor('int64', shape, BigInt64Array.from(values, (item) => BigInt(item)));
}

function float32Tensor(value: unknown): Tensor {
  const { shape, values } = flattenNested(value);
  return createTensor('float32', shape, Float32Array.from(values));
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
}

function requiredFromEnvironment(): string[] {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return (environment?.['ALBERT_REQUIRE_BACKENDS'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

const withinGradTolerance = (ours: number, reference: number): number => Math.abs(ours - reference) / (1e-5 + 1e-4 * Math.abs(reference));

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * (sorted.length - 1)))] as number;
}

/** A text table of the rows. */
export function formatTrainingParityTable(rows: readonly TrainingParityRow[]): string {
  const lines = ['model        head                                          loss diff  max grad diff  grad/tol  1-step diff  3-step loss rel  ok'];
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
  const readTensors = async (path: string): Promise<ReadonlyMap<string, Tensor<'float32'>>> => readSafetensors(await options.readFixture(path), path);

  describe(`training parity: ${options.backendName}`, () => {
    beforeAll(async () => {
      backend = options.createBackend();
      probe = await backend.probe();
      if (!probe.available) console.warn(`[training parity] ${options.backendName} unavailable: ${probe.reason}${required ? ' (required by ALBERT_REQUIRE_BACKENDS: failing)' : ' (skipping)'}`);
    });
    afterAll(async () => {
      if (rows.length > 0) console.log(`[training parity] ${options.backendName}: ${rows.filter((row) => row.pass).length}/${rows.length} heads pass\n${formatTrainingParityTable(rows)}`);
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
          const training = (await readJson(`training/${model}/training.json`)) as TrainingJson;
          const spec = training.heads[key];
          if (spec === undefined) throw new Error(`training/${model}/training.json has no head ${key}`);
          const cases = (await readJson(`models/${model}/cases.json`)) as { cases: CaseJson[] };
          const testCase = cases.cases.find((candidate) => candidate.name === spec.case);
          if (testCase === undefined) throw new Error(`models/${model}/cases.json has no case ${spec.case}`);
          const head = key.split('-')[0] as TrainableHeadName;
          const directory = spec.checkpoint === '.' ? `models/${model}` : `models/${model}/${spec.checkpoint}`;
          const source = fixtureSource(options.readFixture, directory);
          let config = AlbertConfig.parse(await source.readText('config.json'), { file: `${directory}/config.json` });
          if (key.endsWith('-multi-label')) config = config.with({ problemType: 'multi_label_classification' });
          const { weights } = await loadPretrainedWeights(source, head, { config });
          const graph = buildAlbertTrainingGraph(config, weights, { head });
          const initial: ParameterSet = new Map(weights.keys.map((name) => [name, Float32Array.from(weights.get(name).data)]));
          const shapes = new Map(weights.keys.map((name) => [name, weights.get(name).shape]));

          // inputs and labels
          const feeds: Record<string, Tensor> = {};
          for (const name of graph.modelInputs) {
            const value = testCase.inputs[name];
            if (value !== null && value !== undefined) feeds[name] = int64Tensor(value);
          }
          if (graph.modelInputs.includes('position_ids') && feeds['position_ids'] === undefined) {
            const ids = feeds['input_ids'] as Tensor;
            const length = ids.shape[ids.shape.length - 1] as number;
            feeds['position_ids'] = createTensor('int64', ids.shape, BigInt64Array.from({ length: ids.data.length }, (_, index) => BigInt(index % length)));
          }
          for (const label of graph.labelInputs) feeds[label.name] = label.elementType === 'int64' ? int64Tensor(spec.labels[label.name]) : float32Tensor(spec.labels[label.name]);

          // parameters with and without gradient
          const expectedWithGradient = spec.parameters.filter((name) => !spec.parameters_without_gradient.includes(name));
          expect([...graph.gradients.keys()].sort()).toEqual([...expectedWithGradient].sort());

          const session = await GradientSession.load(backend as Backend, graph, shapes);
          try {
            // loss and gradients
            const result = await session.run(initial, feeds);
            const lossDiff = Math.abs(result.loss - spec.loss);
            const referenceGrads = await readTensors(`training/${model}/${key}.grads.safetensors`);
            let maxGradDiff = 0;
            let worstRatio = 0;
            let worstName = '';
            for (const name of expectedWithGradient) {
              const reference = referenceGrads.get(name)?.data as Float32Array;
              const ours = result.gradients.get(name) as Float32Array;
              expect(ours.length, name).toBe(reference.length);
              for (let index = 0; index < reference.length; index += 1) {
                maxGradDiff = Math.max(maxGradDiff, Math.abs((ours[index] as number) - (reference[index] as number)));
                const ratio = withinGradTolerance(ours[index] as number, reference[index] as number);
                if (!(ratio <= worstRatio)) {
                  worstRatio = ratio;
                  worstName = `${name}[${index}] ours ${ours[index]} ref ${reference[index]}`;
                }
              }
            }

            // one AdamW step from the reference gradients
            const optimizerOptions = { lr: training.optimizer.lr, betas: training.optimizer.betas, eps: training.optimizer.eps, weightDecay: training.optimizer.weight_decay };
            const oneStep: ParameterSet = new Map([...initial].map(([name, data]) => [name, Float32Array.from(data)]));
            const grads: ParameterSet = new Map(expectedWithGradient.map((name) => [name, Float32Array.from(referenceGrads.get(name)?.data as Float32Array)]));
            clipGradNorm(grads, { maxNorm: training.optimizer.clip_grad_norm });
            new AdamW(optimizerOptions).step(oneStep, grads);
            const afterOne = await readTensors(`training/${model}/${key}.after-1-step.safetensors`);
            let oneStepMaxDiff = 0;
            let oneStepWorst = '';
            for (const name of spec.parameters) {
              const reference = afterOne.get(name)?.data as Float32Array;
              const ours = oneStep.get(name) as Float32Array;
              for (let index = 0; index < reference.length; index += 1) {
                const difference = Math.abs((ours[index] as number) - (reference[index] as number));
                if (difference > oneStepMaxDiff) {
                  oneStepMaxDiff = difference;
                  oneStepWorst = `${name}[${index}]`;
                }
              }
            }

            // three full steps
            const parameters: ParameterSet = new Map([...initial].map(([name, data]) => [name, Float32Array.from(data)]));
            const optimizer = new AdamW(optimizerOptions);
            const losses: number[] = [];
            for (let step = 0; step < training.optimizer.steps; step += 1) {
              const run = step === 0 ? result : await session.run(parameters, feeds);
              losses.push(run.loss);
              const stepGrads: ParameterSet = new Map([...run.gradients].map(([name, data]) => [name, Float32Array.from(data)]));
              clipGradNorm(stepGrads, { maxNorm: training.optimizer.clip_grad_norm });
              optimizer.step(parameters, stepGrads);
            }
            const threeStepLossMaxRelDiff = Math.max(...losses.map((loss, index) => Math.abs(loss - (spec.losses_before_steps[index] as number)) / Math.abs(spec.losses_before_steps[index] as number)));
            const afterThree = await readTensors(`training/${model}/${key}.after-3-steps.safetensors`);
            const differences: number[] = [];
            for (const name of spec.parameters) {
              const reference = afterThree.get(name)?.data as Float32Array;
              const ours = parameters.get(name) as Float32Array;
              for (let index = 0; index < reference.length; index += 1) differences.push(Math.abs((ours[index] as number) - (reference[index] as number)));
            }
            differences.sort((a, b) => a - b);

            const lossOk = lossDiff <= 1e-5 + 1e-4 * Math.abs(spec.loss);
            const pass = lossOk && worstRatio <= 1 && oneStepMaxDiff <= 1e-6 && threeStepLossMaxRelDiff <= 1e-4;
            rows.push({
              backend: options.backendName,
              model,
              head: key,
              lossDiff,
              maxGradDiff,
              worstGradToleranceRatio: worstRatio,
              oneStepMaxDiff,
              threeStepLossMaxRelDiff,
              threeStepParameterDiff: { median: percentile(differences, 0.5), p99: percentile(differences, 0.99) },
              pass,
            });
            expect(lossDiff, `loss ${result.loss} vs ${spec.loss}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(spec.loss));
            expect(worstRatio, `worst gradient element ${worstName}`).toBeLessThanOrEqual(1);
            expect(oneStepMaxDiff, `one AdamW step, worst ${oneStepWorst}`).toBeLessThanOrEqual(1e-6);
            expect(threeStepLossMaxRelDiff, `losses before steps ${losses.join(', ')} vs ${spec.losses_before_steps.join(', ')}`).toBeLessThanOrEqual(1e-4);
          } finally {
            await session.dispose();
          }
        });
      }
    }
  });
}

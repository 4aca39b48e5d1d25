import { AlbertConfig } from '@albert-ts/config';
import {
  createTensor,
  loadPretrainedWeights,
  readSafetensors,
  type Backend,
  type ModelFileSource,
  type Tensor,
} from '@albert-ts/core';
import { buildAlbertTrainingGraph, TRAINABLE_HEADS, type TrainableHeadName } from '../graph/albert-training-graph.js';
import { AdamW } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip-grad-norm.js';
import type { ParameterSet } from '../optim/parameter-set.js';
import { AdamWUpdateSession } from '../session/adamw-update-session.js';
import { buildAlbertTrainingStepGraph } from '../session/albert-training-step-graph.js';
import { GradientSession } from '../session/gradient-session.js';
import { TrainingStepSession } from '../session/training-step-session.js';
import { TrainingError } from '../training-error.js';

/** The tolerances of the training fixtures (see `fixtures/training/README.md`). */
export const TRAINING_TOLERANCE = {
  /** Loss and gradients: |ours − ref| ≤ absolute + relative·|ref| per element. */
  gradient: {
    /** The absolute part. */
    absolute: 1e-5,
    /** The part relative to |ref|. */
    relative: 1e-4,
  },
  /** One optimizer step from the reference gradients: absolute, per element. */
  oneStep: 1e-6,
  /** The losses before each of three full steps: relative. */
  threeStepLoss: 1e-4,
} as const;

/** The result of one head of a training fixture. */
export interface TrainingHeadReport {
  /** The key of `training.json` (`AlbertForSequenceClassification-multi-label`, ...). */
  readonly head: string;
  /** Our loss and the reference. */
  readonly loss: number;
  /** The reference loss. */
  readonly referenceLoss: number;
  /** |loss − reference loss|. */
  readonly lossDiff: number;
  /** The largest |gradient − reference| over every element of every parameter. */
  readonly maxGradDiff: number;
  /** The largest ratio of an element's gradient difference to its tolerance (≤ 1 passes), and where. */
  readonly worstGradToleranceRatio: number;
  /** Where the worst gradient ratio is (`name[index] ours … ref …`). */
  readonly worstGradElement: string;
  /** The largest |parameter − reference| after one AdamW step from the reference gradients. */
  readonly oneStepMaxDiff: number;
  /** The losses before each of the full steps. */
  readonly lossesBeforeSteps: readonly number[];
  /** The largest relative difference of {@link TrainingHeadReport.lossesBeforeSteps} from the reference. */
  readonly threeStepLossMaxRelDiff: number;
  /** The median and 99th-percentile |parameter − reference| after the full steps (for inspection only). */
  readonly threeStepParameterDiff: {
    /** The median difference. */
    readonly median: number;
    /** The 99th-percentile difference. */
    readonly p99: number;
  };
  /** Problems besides the numbers (a gradient for a parameter PyTorch has none for, ...). */
  readonly problems: readonly string[];
  /** Everything within {@link TRAINING_TOLERANCE}. */
  readonly pass: boolean;
}

/** One head of `training.json` (its snake_case keys as the fixture writes them). */
export interface HeadSpec {
  /** The checkpoint sub-directory. */
  readonly checkpoint: string;
  /** The case of the model's `cases.json`. */
  readonly case: string;
  /** The labels fed to the head. */
  readonly labels: Record<string, unknown>;
  /** PyTorch's loss. */
  readonly loss: number;
  /** PyTorch's losses before each of the full steps. */
  readonly losses_before_steps: readonly number[];
  /** Every parameter, HF names. */
  readonly parameters: readonly string[];
  /** The parameters the loss does not reach. */
  readonly parameters_without_gradient: readonly string[];
}

/** The optimizer settings of `training.json`. */
export interface OptimizerSpec {
  /** Learning rate. */
  readonly lr: number;
  /** Adam's betas. */
  readonly betas: [number, number];
  /** Adam's epsilon. */
  readonly eps: number;
  /** Decoupled weight decay. */
  readonly weight_decay: number;
  /** The max norm of the gradient clipping before each step. */
  readonly clip_grad_norm: number;
  /** The number of full steps. */
  readonly steps: number;
}

/** `training.json` of a training fixture directory. */
export interface TrainingFixture {
  /** The optimizer settings. */
  readonly optimizer: OptimizerSpec;
  /** The heads by key. */
  readonly heads: Readonly<Record<string, HeadSpec>>;
}

/** Flattens a nested number array into its shape and elements. */
export function flattenNested(value: unknown): {
  /** The length of each level. */
  shape: number[];
  /** The elements, row-major. */
  values: number[];
} {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return { shape, values: (Array.isArray(value) ? value.flat(Infinity) : [value]) as number[] };
}

const int64Tensor = (value: unknown): Tensor => {
  const { shape, values } = flattenNested(value);
  return createTensor(
    'int64',
    shape,
    BigInt64Array.from(values, (item) => BigInt(item)),
  );
};
const float32Tensor = (value: unknown): Tensor => {
  const { shape, values } = flattenNested(value);
  return createTensor('float32', shape, Float32Array.from(values));
};

/** Options of {@link verifyTrainingHead}. */
export interface VerifyTrainingHeadOptions {
  /** The backend to run on. */
  readonly backend: Backend;
  /** The model directory's files for a checkpoint sub-directory of `training.json` (`.` = the model directory). */
  readonly modelSource: (checkpoint: string) => ModelFileSource;
  /** The training fixture directory (training.json, `<head>.grads.safetensors`, ...). */
  readonly trainingSource: ModelFileSource;
  /** The parsed `training.json`. */
  readonly fixture: TrainingFixture;
  /** The model's `cases.json`, parsed. */
  readonly cases: {
    /** The cases. */
    readonly cases: readonly {
      /** The case name. */
      readonly name: string;
      /** The case's inputs. */
      readonly inputs: Readonly<Record<string, unknown>>;
    }[];
  };
  /** The head key. */
  readonly head: string;
  /**
   * Where the optimizer runs (default `typescript`): `graph` checks the one step from the reference
   * gradients with the AdamW update graph and the full steps with the fused training-step graph.
   */
  readonly optimizerPlacement?: 'typescript' | 'graph';
  /**
   * With `optimizerPlacement: 'graph'`: keep the fused step's weights and moments on the backend's device between
   * the full steps (default `false`, see `TrainingStepSession.load`).
   */
  readonly keepStateOnDevice?: boolean;
}

/**
 * Runs one head of a training fixture (the format of `fixtures/training/<model>`): loss and every
 * gradient, one AdamW step from the reference gradients, and the losses before each full step, each
 * compared with PyTorch's within {@link TRAINING_TOLERANCE}.
 *
 * @throws {@link TrainingError} `TRAINING_BAD_STATE` when the fixture lacks the head or its case.
 *
 * @example
 * ```ts
 * const trainingSource = directorySource('fixtures/training/tiny');
 * const fixture = JSON.parse(await trainingSource.readText('training.json'));
 * const cases = JSON.parse(await directorySource('fixtures/models').readText('cases.json'));
 * const modelSource = (checkpoint: string) => directorySource(`fixtures/models/${checkpoint}`);
 * const report = await verifyTrainingHead({
 *   backend: nodeBackend(), modelSource, trainingSource, fixture, cases, head: 'AlbertForMaskedLM',
 * });
 * console.log(report.lossDiff, report.maxGradDiff);
 * ```
 */
export async function verifyTrainingHead(options: VerifyTrainingHeadOptions): Promise<TrainingHeadReport> {
  const { fixture, head: key } = options;
  const spec = fixture.heads[key];
  if (spec === undefined)
    throw new TrainingError('TRAINING_BAD_STATE', `training.json has no head ${key}`, { field: 'heads', value: key });
  const testCase = options.cases.cases.find((candidate) => candidate.name === spec.case);
  if (testCase === undefined)
    throw new TrainingError('TRAINING_BAD_STATE', `cases.json has no case ${spec.case} (head ${key})`, {
      field: 'case',
      value: spec.case,
    });
  const head = key.split('-')[0] as TrainableHeadName;
  if (!TRAINABLE_HEADS.includes(head))
    throw new TrainingError('TRAINING_BAD_STATE', `training.json head ${key} is not a trainable ALBERT head`, {
      field: 'heads',
      value: key,
    });
  const source = options.modelSource(spec.checkpoint);
  let config = AlbertConfig.parse(await source.readText('config.json'), { file: `${source.description}/config.json` });
  if (key.endsWith('-multi-label')) config = config.with({ problemType: 'multi_label_classification' });
  const { weights } = await loadPretrainedWeights(source, head, { config });
  const graph = buildAlbertTrainingGraph(config, weights, { head });
  const initial: ParameterSet = new Map(weights.keys.map((name) => [name, Float32Array.from(weights.get(name).data)]));
  const shapes = new Map(weights.keys.map((name) => [name, weights.get(name).shape]));
  const copy = (set: ParameterSet): ParameterSet =>
    new Map([...set].map(([name, data]) => [name, Float32Array.from(data)]));
  const readTensors = async (name: string): Promise<ReadonlyMap<string, Tensor<'float32'>>> =>
    readSafetensors(await options.trainingSource.read(name), `${options.trainingSource.description}/${name}`);

  const feeds: Record<string, Tensor> = {};
  for (const name of graph.modelInputs) {
    const value = testCase.inputs[name];
    if (value !== null && value !== undefined) feeds[name] = int64Tensor(value);
  }
  if (graph.modelInputs.includes('position_ids') && feeds['position_ids'] === undefined) {
    const ids = feeds['input_ids'] as Tensor;
    const length = ids.shape[ids.shape.length - 1] as number;
    feeds['position_ids'] = createTensor(
      'int64',
      ids.shape,
      BigInt64Array.from({ length: ids.data.length }, (_, index) => BigInt(index % length)),
    );
  }
  for (const label of graph.labelInputs)
    feeds[label.name] =
      label.elementType === 'int64' ? int64Tensor(spec.labels[label.name]) : float32Tensor(spec.labels[label.name]);

  const problems: string[] = [];
  const expectedWithGradient = spec.parameters.filter((name) => !spec.parameters_without_gradient.includes(name));
  const ours = new Set(graph.gradients.keys());
  for (const name of expectedWithGradient)
    if (!ours.has(name)) problems.push(`no gradient for ${name} (PyTorch has one)`);
  for (const name of ours)
    if (!expectedWithGradient.includes(name)) problems.push(`a gradient for ${name} (PyTorch has none)`);

  const session = await GradientSession.load(options.backend, graph, shapes);
  try {
    const result = await session.run(initial, feeds);
    const lossDiff = Math.abs(result.loss - spec.loss);
    const referenceGrads = await readTensors(`${key}.grads.safetensors`);
    let maxGradDiff = 0;
    let worstRatio = 0;
    let worstGradElement = '';
    for (const name of expectedWithGradient) {
      const reference = referenceGrads.get(name)?.data;
      const gradient = result.gradients.get(name);
      if (reference === undefined || gradient === undefined || reference.length !== gradient.length) continue;
      for (let index = 0; index < reference.length; index += 1) {
        const difference = Math.abs((gradient[index] as number) - (reference[index] as number));
        maxGradDiff = Math.max(maxGradDiff, difference);
        const ratio =
          difference /
          (TRAINING_TOLERANCE.gradient.absolute +
            TRAINING_TOLERANCE.gradient.relative * Math.abs(reference[index] as number));
        if (!(ratio <= worstRatio)) {
          worstRatio = ratio;
          worstGradElement = `${name}[${index}] ours ${gradient[index]} ref ${reference[index]}`;
        }
      }
    }

    const optimizerOptions = {
      lr: fixture.optimizer.lr,
      betas: fixture.optimizer.betas,
      eps: fixture.optimizer.eps,
      weightDecay: fixture.optimizer.weight_decay,
    };
    const oneStep = copy(initial);
    const grads: ParameterSet = new Map(
      expectedWithGradient.map((name) => [name, Float32Array.from(referenceGrads.get(name)?.data ?? [])]),
    );
    const inGraph = options.optimizerPlacement === 'graph';
    if (inGraph) {
      const optimizer = new AdamW(optimizerOptions);
      const gradientShapes = new Map(expectedWithGradient.map((name) => [name, shapes.get(name) ?? []]));
      const update = await AdamWUpdateSession.load(options.backend, gradientShapes, optimizer, {
        maxGradNorm: fixture.optimizer.clip_grad_norm,
      });
      try {
        await update.step(oneStep, grads, optimizer.lr);
      } finally {
        await update.dispose();
      }
    } else {
      clipGradNorm(grads, { maxNorm: fixture.optimizer.clip_grad_norm });
      new AdamW(optimizerOptions).step(oneStep, grads);
    }
    const afterOne = await readTensors(`${key}.after-1-step.safetensors`);
    let oneStepMaxDiff = 0;
    for (const name of spec.parameters) {
      const reference = afterOne.get(name)?.data;
      const parameter = oneStep.get(name);
      if (reference === undefined || parameter === undefined) {
        problems.push(`after one step: ${name} missing`);
        continue;
      }
      for (let index = 0; index < reference.length; index += 1)
        oneStepMaxDiff = Math.max(
          oneStepMaxDiff,
          Math.abs((parameter[index] as number) - (reference[index] as number)),
        );
    }

    const parameters = copy(initial);
    const optimizer = new AdamW(optimizerOptions);
    const losses: number[] = [];
    if (inGraph) {
      const stepGraph = buildAlbertTrainingStepGraph(config, weights, {
        head,
        optimizer: {
          betas: optimizerOptions.betas,
          eps: optimizerOptions.eps,
          weightDecay: optimizerOptions.weightDecay,
          maxGradNorm: fixture.optimizer.clip_grad_norm,
        },
      });
      const stepSession = await TrainingStepSession.load(
        options.backend,
        stepGraph,
        shapes,
        {},
        options.keepStateOnDevice === undefined ? {} : { keepStateOnDevice: options.keepStateOnDevice },
      );
      try {
        for (let step = 0; step < fixture.optimizer.steps; step += 1)
          losses.push((await stepSession.step(parameters, optimizer, optimizer.lr, feeds)).loss);
        await stepSession.download(parameters, optimizer); // the weights after the steps, when the device kept them
      } finally {
        await stepSession.dispose();
      }
    } else {
      for (let step = 0; step < fixture.optimizer.steps; step += 1) {
        const run = step === 0 ? result : await session.run(parameters, feeds);
        losses.push(run.loss);
        const stepGrads = copy(run.gradients);
        clipGradNorm(stepGrads, { maxNorm: fixture.optimizer.clip_grad_norm });
        optimizer.step(parameters, stepGrads);
      }
    }
    const threeStepLossMaxRelDiff = Math.max(
      ...losses.map(
        (loss, index) =>
          Math.abs(loss - (spec.losses_before_steps[index] as number)) /
          Math.abs(spec.losses_before_steps[index] as number),
      ),
    );
    const afterThree = await readTensors(`${key}.after-${fixture.optimizer.steps}-steps.safetensors`);
    const differences: number[] = [];
    for (const name of spec.parameters) {
      const reference = afterThree.get(name)?.data;
      const parameter = parameters.get(name);
      if (reference === undefined || parameter === undefined) continue;
      for (let index = 0; index < reference.length; index += 1)
        differences.push(Math.abs((parameter[index] as number) - (reference[index] as number)));
    }
    differences.sort((a, b) => a - b);
    const percentile = (fraction: number): number =>
      differences.length === 0
        ? 0
        : (differences[Math.min(differences.length - 1, Math.floor(fraction * (differences.length - 1)))] as number);
    const pass =
      problems.length === 0 &&
      lossDiff <= TRAINING_TOLERANCE.gradient.absolute + TRAINING_TOLERANCE.gradient.relative * Math.abs(spec.loss) &&
      worstRatio <= 1 &&
      oneStepMaxDiff <= TRAINING_TOLERANCE.oneStep &&
      threeStepLossMaxRelDiff <= TRAINING_TOLERANCE.threeStepLoss;
    return {
      head: key,
      loss: result.loss,
      referenceLoss: spec.loss,
      lossDiff,
      maxGradDiff,
      worstGradToleranceRatio: worstRatio,
      worstGradElement,
      oneStepMaxDiff,
      lossesBeforeSteps: losses,
      threeStepLossMaxRelDiff,
      threeStepParameterDiff: { median: percentile(0.5), p99: percentile(0.99) },
      problems,
      pass,
    };
  } finally {
    await session.dispose();
  }
}

import type { AlbertConfig, ProblemType } from '@albert-ts/config';
import {
  createTensor,
  readSafetensors,
  type Backend,
  type BackendLoadOptions,
  type ModelFileSource,
  type Tensor,
} from '@albert-ts/core';
import { encodeSafetensors, type NamedFloatTensor } from '../checkpoint/encode-safetensors.js';
import { hfCheckpointKeys } from '../checkpoint/hf-checkpoint-keys.js';
import { collateBatch } from '../data/collate-batch.js';
import { dropoutMaskFeeds } from '../dropout/dropout-masks.js';
import {
  batchesOf,
  seededRandom,
  shuffled,
  type TrainingData,
  type TrainingExample,
} from '../data/training-example.js';
import {
  buildAlbertTrainingGraph,
  type AlbertTrainingGraph,
  type TrainableHeadName,
  type TrainingWeights,
} from '../graph/albert-training-graph.js';
import { accuracy, argmaxRows, f1Score } from '../metrics/classification-metrics.js';
import { AdamW, checkOptionKeys, type AdamWOptions } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip-grad-norm.js';
import { learningRateSchedule } from '../optim/learning-rate-schedule.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { ParameterSet } from '../optim/parameter-set.js';
import { AdamWUpdateSession } from '../session/adamw-update-session.js';
import { buildAlbertTrainingStepGraph } from '../session/albert-training-step-graph.js';
import { GradientSession } from '../session/gradient-session.js';
import { TrainingStepSession } from '../session/training-step-session.js';
import { TrainingError } from '../training-error.js';
import { epochShuffleSeed } from './epoch-shuffle-seed.js';
import { encodeTrainerState, parseTrainerState } from './trainer-state.js';

/** `weights` without `albert.pooler.*` when HF's class for `head` has no pooler (see {@link hfCheckpointKeys}). */
function withoutUnusedPooler(weights: TrainingWeights, config: AlbertConfig, head: TrainableHeadName): TrainingWeights {
  const kept = new Set(hfCheckpointKeys(config, head));
  const dropped = (key: string): boolean => key.startsWith('albert.pooler.') && !kept.has(key);
  if (!weights.keys.some(dropped)) return weights;
  return {
    get: (key) => weights.get(key),
    has: (key) => !dropped(key) && weights.has(key),
    keys: weights.keys.filter((key) => !dropped(key)),
  };
}

/** What evaluation reads of a forward run: the loss and the head's outputs. */
type EvaluatedBatch = { readonly loss: number; readonly outputs: Readonly<Record<string, Tensor>> };
/**
 * Where the optimizer runs (see docs/architecture.md, Training): `typescript` — gradients out of the
 * training graph, clipping and the optimizer in TypeScript; `update-graph` — gradients out, clipping and
 * AdamW as a second ONNX graph on the backend; `fused` — one graph per step (forward, backward, clipping,
 * AdamW: weights and moments in, loss and the updated weights and moments out).
 */
export type OptimizerPlacement = 'typescript' | 'update-graph' | 'fused';

/** Built-in metrics of {@link Trainer.evaluate}. */
export type TrainingMetricName = 'accuracy' | 'f1-macro' | 'f1-micro';

/** Options of {@link Trainer.create}. */
export interface TrainerOptions {
  /** The backend the training graph runs on. */
  readonly backend: Backend;
  /** The model's config. */
  readonly config: AlbertConfig;
  /**
   * The starting weights (every parameter of the head; for a new head, core's `loadPretrainedWeights(source, head,
   * { config, initializeMissingHead: true, seed })`). A base checkpoint's `albert.pooler.*` is left out for the heads
   * whose HF class has no pooler (masked LM, token classification, question answering), as HF's class has none.
   */
  readonly weights: TrainingWeights;
  /** The head to train. */
  readonly head: TrainableHeadName;
  /** Sequence classification: the loss (HF's `problem_type`). */
  readonly problemType?: ProblemType;
  /** AdamW hyper-parameters (default lr 5e-5, weight decay 0.01 without biases and LayerNorm weights). */
  readonly optimizer?: AdamWOptions;
  /** Any optimizer instead of AdamW (e.g. `new SGD({ momentum: 0.9 })`). */
  readonly customOptimizer?: Optimizer;
  /** Clip the total gradient norm to this before each step (default 1, as HF's Trainer; `Infinity` to skip). */
  readonly maxGradNorm?: number;
  /** Micro-batches summed into one optimizer step (default 1); the loss of each is divided by it. */
  readonly gradientAccumulationSteps?: number;
  /** Learning-rate warmup steps (default 0). */
  readonly warmupSteps?: number;
  /** Decay after warmup (default `linear`; needs the total step count, which `fit` knows for arrays). */
  readonly decay?: 'linear' | 'cosine' | 'constant';
  /**
   * Seed of the shuffling and of the dropout masks (default 0), as HF's `TrainingArguments.seed`: a non-negative
   * integer below 2⁵³. {@link Trainer.loadOptimizerState} replaces it with the saved run's seed (as HF's Trainer
   * restores its RNG states on resume), so a resumed run draws what the uninterrupted run drew.
   */
  readonly seed?: number;
  /**
   * Training mode (HF's `model.train()`, which HF's Trainer sets for every training step): `step`/`fit` apply
   * HF's dropouts at the config's probabilities, with masks drawn from `seed` (the same seed gives the same run;
   * every step and micro-batch draws new masks). `evaluate` always runs without dropout (`model.eval()`).
   * Default `true`; `false` trains with dropout off, as the training fixtures were made. Without a non-zero
   * dropout probability in the config the two are the same.
   *
   * @example
   * ```ts
   * const trainer = await Trainer.create({ backend, config, weights, head, seed: 42 }); // dropout on, reproducible
   * const noDropout = await Trainer.create({ backend, config, weights, head, dropout: false });
   * ```
   */
  readonly dropout?: boolean;
  /** Backend session options. */
  readonly loadOptions?: BackendLoadOptions;
  /**
   * Where the optimizer runs (default `typescript`). `update-graph` and `fused` run AdamW (not a
   * `customOptimizer`); `fused` takes one micro-batch per step (no gradient accumulation).
   */
  readonly optimizerPlacement?: OptimizerPlacement;
  /**
   * With `optimizerPlacement: 'fused'`: keep the weights and AdamW moments on the backend's device between steps
   * (backends with device tensors: WebGPU; `true` elsewhere is a typed error). Default `false` for now (opt-in: see
   * `TrainingStepSessionOptions.keepStateOnDevice` for the known onnxruntime-web issue). Then
   * {@link Trainer.parameters} and `optimizer.stateDict()` are current after {@link Trainer.synchronize} (which
   * `save`, `checkpointFiles` and `evaluate` call), not after every step.
   */
  readonly keepStateOnDevice?: boolean;
}

/** Options of {@link Trainer.fit}. */
export interface FitOptions {
  /** Passes over the data (default 1). */
  readonly epochs?: number;
  /** Examples per micro-batch (default 8). */
  readonly batchSize?: number;
  /** Evaluated after each epoch. */
  readonly evalData?: TrainingData;
  /** Metrics of the evaluation (default `['accuracy']` for classification heads). */
  readonly metrics?: readonly TrainingMetricName[];
  /** Called after each optimizer step and each evaluation. */
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Stops the run between steps (a `TRAINING_ABORTED` error). */
  readonly signal?: AbortSignal;
  /** Shuffle array data each epoch (default true). */
  readonly shuffle?: boolean;
  /** Total optimizer steps, for the schedule, when the data is an async iterable. */
  readonly totalSteps?: number;
}

/** A progress report of {@link Trainer.fit}. */
export interface TrainingProgress {
  /** `step` after an optimizer step, `evaluation` after an evaluation. */
  readonly kind: 'step' | 'evaluation';
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Optimizer steps done. */
  readonly step: number;
  /** Total optimizer steps, when known. */
  readonly totalSteps?: number;
  /** Mean loss of the step's micro-batches, or of the evaluation. */
  readonly loss: number;
  /** Learning rate of the step. */
  readonly lr?: number;
  /** Total gradient norm before clipping. */
  readonly gradNorm?: number;
  /** Examples per second over the step. */
  readonly examplesPerSecond?: number;
  /** Evaluation metrics. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** What {@link Trainer.step} returns. */
export interface StepResult {
  /** Mean loss over the micro-batches. */
  readonly loss: number;
  /** Total gradient norm before clipping. */
  readonly gradNorm: number;
  /** The learning rate used. */
  readonly lr: number;
}

/** What {@link Trainer.evaluate} returns. */
export interface EvaluationResult {
  /** Mean loss over the batches (weighted by batch size). */
  readonly loss: number;
  /** Metric values by name. */
  readonly metrics: Readonly<Record<string, number>>;
}

const TRAINER_OPTION_KEYS = new Set([
  'backend',
  'config',
  'weights',
  'head',
  'problemType',
  'optimizer',
  'customOptimizer',
  'maxGradNorm',
  'gradientAccumulationSteps',
  'warmupSteps',
  'decay',
  'seed',
  'dropout',
  'loadOptions',
  'optimizerPlacement',
  'keepStateOnDevice',
]);
const FIT_OPTION_KEYS = new Set([
  'epochs',
  'batchSize',
  'evalData',
  'metrics',
  'onProgress',
  'signal',
  'shuffle',
  'totalSteps',
]);

/** The files of a saved optimizer state (beside the model files). */
export const OPTIMIZER_STATE_FILES: {
  /** The state tensors (`<parameter>.exp_avg`, ...). */
  readonly tensors: 'optimizer.safetensors';
  /**
   * The trainer's state (see {@link TrainerState}): the head, the step and epoch counts, the seed and the dropout
   * mode (what fixes the rest of the run's random draws), and the optimizer's type, hyper-parameters and steps.
   */
  readonly scalars: 'trainer_state.json';
} = { tensors: 'optimizer.safetensors', scalars: 'trainer_state.json' };

/** What {@link Trainer.fit} returns. */
export interface FitResult {
  /** Optimizer steps done in total. */
  readonly steps: number;
  /** The evaluation after each epoch (when `evalData` was given). */
  readonly evaluations: readonly EvaluationResult[];
}

/**
 * Fine-tunes (or pretrains) one ALBERT head: the training graph runs forward + backward on the backend,
 * the optimizer updates the fp32 master weights in TypeScript (or in a graph: `optimizerPlacement`).
 *
 * @example
 * ```ts
 * const trainer = await Trainer.create({ backend: nodeBackend(), config, weights, head: 'AlbertForSequenceClassification' });
 * await trainer.fit(examples, { epochs: 3, batchSize: 16, evalData, metrics: ['accuracy'], onProgress: console.log });
 * await trainer.save('fine-tuned', { tokenizerSource: directorySource('albert-base-v2') });
 * ```
 */
export class Trainer {
  /**
   * The fp32 master weights, by HF name: updated in place by each step with the TypeScript optimizer;
   * with the optimizer in a graph, each step replaces the entries with the graph's output arrays. With the
   * state on the device (`keepStateOnDevice`), the entries are replaced at {@link Trainer.synchronize} only.
   */
  readonly parameters: ParameterSet;
  /** The optimizer. */
  readonly optimizer: Optimizer;
  /** Optimizer steps done. */
  stepCount = 0;
  /** Epochs {@link Trainer.fit} completed: its shuffle of the next epoch is drawn from `(seed, epochCount)`. */
  epochCount = 0;
  private runSeed: number;
  private schedule: ((step: number) => number) | undefined;
  private readonly baseLr: number;
  /** The eval-mode (dropout-free) session of a training-mode graph with dropout, built on first use. */
  private evaluationSession: Promise<GradientSession> | undefined;

  private constructor(
    private readonly options: TrainerOptions,
    /** The training graph. */
    readonly graph: AlbertTrainingGraph,
    private readonly session: GradientSession | TrainingStepSession,
    parameters: ParameterSet,
    optimizer: Optimizer,
    private readonly updateSession: AdamWUpdateSession | undefined,
  ) {
    this.parameters = parameters;
    this.optimizer = optimizer;
    this.baseLr = this.optimizer.lr;
    this.runSeed = options.seed ?? 0;
  }

  /** The seed of the dropout masks and of `fit`'s shuffling: the `seed` option, or the resumed run's. */
  get seed(): number {
    return this.runSeed;
  }

  /** Whether the training steps apply dropout masks (training mode with a non-zero dropout probability). */
  get dropout(): boolean {
    return this.graph.dropoutMasks.length > 0;
  }

  /**
   * Builds the training graph and loads it on the backend.
   *
   * @throws {@link TrainingError} `TRAINING_BAD_OPTIONS` for an unknown option key.
   */
  static async create(trainerOptions: TrainerOptions): Promise<Trainer> {
    checkOptionKeys('Trainer', trainerOptions, TRAINER_OPTION_KEYS);
    const seed = trainerOptions.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `Trainer: seed must be an integer from 0 to 2⁵³ − 1, not ${String(seed)}`,
        { field: 'seed', value: seed },
      );
    // the parameters of HF's class for the head: no pooler where it builds AlbertModel without one
    const options: TrainerOptions = {
      ...trainerOptions,
      weights: withoutUnusedPooler(trainerOptions.weights, trainerOptions.config, trainerOptions.head),
    };
    const accumulation = options.gradientAccumulationSteps ?? 1;
    if (!Number.isInteger(accumulation) || accumulation < 1)
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `Trainer: gradientAccumulationSteps must be an integer ≥ 1, not ${accumulation}`,
        { field: 'gradientAccumulationSteps', value: accumulation },
      );
    if (options.dropout !== undefined && typeof options.dropout !== 'boolean')
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `Trainer: dropout must be a boolean, not ${String(options.dropout)}`,
        {
          field: 'dropout',
          value: String(options.dropout),
        },
      );
    const placement = options.optimizerPlacement ?? 'typescript';
    if (!['typescript', 'update-graph', 'fused'].includes(placement))
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `Trainer: optimizerPlacement must be typescript, update-graph or fused, not ${String(placement)}`,
        { field: 'optimizerPlacement', value: placement },
      );
    if (placement !== 'typescript' && options.customOptimizer !== undefined)
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPTION',
        `Trainer: optimizerPlacement ${placement} runs AdamW in a graph; a customOptimizer needs optimizerPlacement typescript`,
        { field: 'customOptimizer' },
      );
    if (placement !== 'fused' && options.keepStateOnDevice === true)
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPTION',
        `Trainer: keepStateOnDevice keeps the fused step's state on the device; it needs optimizerPlacement fused, not ${placement}`,
        { field: 'keepStateOnDevice' },
      );
    if (placement === 'fused' && accumulation !== 1)
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPTION',
        'Trainer: the fused training step takes one micro-batch per step; use optimizerPlacement update-graph for gradient accumulation',
        { field: 'gradientAccumulationSteps', value: accumulation },
      );
    const graphOptions = {
      head: options.head,
      ...(options.problemType === undefined ? {} : { problemType: options.problemType }),
      dropout: options.dropout !== false,
    };
    const shapes = new Map(options.weights.keys.map((key) => [key, options.weights.get(key).shape]));
    const optimizer = options.customOptimizer ?? new AdamW({ lr: 5e-5, ...options.optimizer });
    const maxGradNorm = options.maxGradNorm ?? 1;
    let graph: AlbertTrainingGraph;
    let session: GradientSession | TrainingStepSession;
    let updateSession: AdamWUpdateSession | undefined;
    if (placement === 'fused') {
      const { betas, eps, weightDecay, decays } = (optimizer as AdamW).hyperParameters;
      const stepGraph = buildAlbertTrainingStepGraph(options.config, options.weights, {
        ...graphOptions,
        optimizer: { betas, eps, weightDecay, decays, maxGradNorm },
      });
      graph = stepGraph;
      session = await TrainingStepSession.load(
        options.backend,
        stepGraph,
        shapes,
        options.loadOptions,
        options.keepStateOnDevice === undefined ? {} : { keepStateOnDevice: options.keepStateOnDevice },
      );
    } else {
      graph = buildAlbertTrainingGraph(options.config, options.weights, graphOptions);
      session = await GradientSession.load(options.backend, graph, shapes, options.loadOptions);
      if (placement === 'update-graph') {
        const gradientShapes = new Map([...graph.gradients.keys()].map((key) => [key, shapes.get(key) ?? []]));
        updateSession = await AdamWUpdateSession.load(options.backend, gradientShapes, optimizer as AdamW, {
          maxGradNorm,
          ...(options.loadOptions === undefined ? {} : { loadOptions: options.loadOptions }),
        });
      }
    }
    const parameters: ParameterSet = new Map(
      options.weights.keys.map((key) => [key, Float32Array.from(options.weights.get(key).data)]),
    );
    return new Trainer(options, graph, session, parameters, optimizer, updateSession);
  }

  /**
   * Copies the weights and optimizer state that the fused step keeps on the device (`keepStateOnDevice`) into
   * {@link Trainer.parameters} and the optimizer, so that they can be read (`weights()`, `optimizer.stateDict()`).
   * `save`, `checkpointFiles` and `evaluate` call it; nothing to do on other placements.
   */
  async synchronize(): Promise<void> {
    if (this.session instanceof TrainingStepSession)
      await this.session.download(this.parameters, this.optimizer as AdamW);
  }

  /**
   * The current weights as tensors by HF name (views of {@link Trainer.parameters}; with the state on the device,
   * as of the last {@link Trainer.synchronize}).
   */
  weights(): Map<string, Tensor<'float32'>> {
    const shapes = new Map(this.options.weights.keys.map((key) => [key, this.options.weights.get(key).shape]));
    return new Map(
      [...this.parameters].map(([key, data]) => [key, createTensor('float32', shapes.get(key) ?? [data.length], data)]),
    );
  }

  /**
   * One optimizer step over `batch` (split into `gradientAccumulationSteps` micro-batches): forward,
   * backward, gradient clipping, optimizer update.
   */
  async step(batch: readonly TrainingExample[] | readonly (readonly TrainingExample[])[]): Promise<StepResult> {
    const microBatches = (Array.isArray(batch[0]) ? batch : [batch]) as readonly (readonly TrainingExample[])[];
    const padTokenId = this.options.config.padTokenId ?? 0;
    if (this.session instanceof TrainingStepSession) {
      if (microBatches.length !== 1)
        throw new TrainingError(
          'TRAINING_UNSUPPORTED_OPTION',
          `the fused training step takes one micro-batch per step, not ${microBatches.length}`,
          { field: 'batch', value: microBatches.length },
        );
      const lr = this.schedule === undefined ? this.optimizer.lr : this.schedule(this.stepCount);
      this.optimizer.lr = lr;
      const feeds = collateBatch(this.graph, microBatches[0] as readonly TrainingExample[], { padTokenId });
      const masks = dropoutMaskFeeds(this.graph.dropoutMasks, feeds, {
        seed: this.seed,
        step: this.stepCount,
        microBatch: 0,
      });
      const result = await this.session.step(this.parameters, this.optimizer as AdamW, lr, { ...feeds, ...masks });
      this.stepCount += 1;
      return { loss: result.loss, gradNorm: result.gradNorm, lr };
    }
    const scale = 1 / microBatches.length;
    let gradients: ParameterSet | undefined;
    let loss = 0;
    for (const [microBatch, micro] of microBatches.entries()) {
      const feeds = collateBatch(this.graph, micro, { padTokenId });
      const masks = dropoutMaskFeeds(this.graph.dropoutMasks, feeds, {
        seed: this.seed,
        step: this.stepCount,
        microBatch,
      });
      const result = await this.session.run(this.parameters, { ...feeds, ...masks });
      loss += result.loss * scale;
      if (gradients === undefined) {
        gradients = result.gradients;
        if (scale !== 1)
          for (const gradient of gradients.values())
            for (let index = 0; index < gradient.length; index += 1)
              gradient[index] = Math.fround((gradient[index] as number) * scale);
      } else {
        for (const [name, gradient] of result.gradients) {
          const sum = gradients.get(name) as Float32Array;
          for (let index = 0; index < sum.length; index += 1)
            sum[index] = Math.fround((sum[index] as number) + Math.fround((gradient[index] as number) * scale));
        }
      }
    }
    const grads = gradients as ParameterSet;
    const maxNorm = this.options.maxGradNorm ?? 1;
    const lr = this.schedule === undefined ? this.optimizer.lr : this.schedule(this.stepCount);
    this.optimizer.lr = lr;
    let gradNorm: number;
    if (this.updateSession !== undefined) gradNorm = await this.updateSession.step(this.parameters, grads, lr);
    else {
      gradNorm = Number.isFinite(maxNorm) ? clipGradNorm(grads, { maxNorm }) : Number.NaN;
      this.optimizer.step(this.parameters, grads);
    }
    this.stepCount += 1;
    return { loss, gradNorm, lr };
  }

  /** Loss and metrics over `data` (forward only: the backward outputs are not computed). */
  async evaluate(
    data: TrainingData,
    options: { batchSize?: number; metrics?: readonly TrainingMetricName[] } = {},
  ): Promise<EvaluationResult> {
    let loss = 0;
    let count = 0;
    const predictions: number[] = [];
    const references: number[] = [];
    const classification =
      this.graph.head === 'AlbertForSequenceClassification' || this.graph.head === 'AlbertForMultipleChoice';
    const evaluateBatch = await this.evalMode();
    for await (const batch of batchesOf(data, options.batchSize ?? 16)) {
      const feeds = collateBatch(this.graph, batch, { padTokenId: this.options.config.padTokenId ?? 0 });
      const result = await evaluateBatch(feeds);
      loss += result.loss * batch.length;
      count += batch.length;
      if (
        classification &&
        this.graph.problemType !== 'regression' &&
        this.graph.problemType !== 'multi_label_classification'
      ) {
        const logits = result.outputs['logits'] as Tensor<'float32'>;
        predictions.push(...argmaxRows(logits.data, logits.shape[logits.shape.length - 1] as number));
        references.push(...batch.map((example) => example.label as number));
      }
    }
    const metrics: Record<string, number> = {};
    for (const name of options.metrics ?? (predictions.length > 0 ? ['accuracy'] : [])) {
      if (predictions.length === 0)
        throw new TrainingError(
          'TRAINING_UNSUPPORTED_OPTION',
          `metric ${name} needs single-label classification predictions (${this.graph.head})`,
          { field: 'metrics', value: name },
        );
      metrics[name] =
        name === 'accuracy'
          ? accuracy(predictions, references)
          : f1Score(predictions, references, name === 'f1-macro' ? 'macro' : 'micro');
    }
    return { loss: loss / count, metrics };
  }

  /** Evaluates a batch in eval mode: dropout off (a dropout-free graph, built on first use, when training uses it). */
  private async evalMode(): Promise<(feeds: Readonly<Record<string, Tensor>>) => Promise<EvaluatedBatch>> {
    const { session } = this;
    if (this.graph.dropoutMasks.length === 0)
      return session instanceof TrainingStepSession
        ? (feeds) => session.evaluate(this.parameters, this.optimizer as AdamW, feeds)
        : (feeds) => session.evaluate(this.parameters, feeds);
    this.evaluationSession ??= (async () => {
      const { options } = this;
      const graph = buildAlbertTrainingGraph(options.config, options.weights, {
        head: options.head,
        ...(options.problemType === undefined ? {} : { problemType: options.problemType }),
      });
      const shapes = new Map(options.weights.keys.map((key) => [key, options.weights.get(key).shape]));
      return GradientSession.load(options.backend, graph, shapes, options.loadOptions);
    })();
    const evaluation = await this.evaluationSession;
    await this.synchronize(); // the twin session reads the weights from JavaScript
    return (feeds) => evaluation.evaluate(this.parameters, feeds);
  }

  /** Trains for `epochs` over `trainData` (shuffled each epoch when it is an array), evaluating after each epoch. */
  async fit(trainData: TrainingData, options: FitOptions = {}): Promise<FitResult> {
    checkOptionKeys('Trainer.fit', options, FIT_OPTION_KEYS);
    const epochs = options.epochs ?? 1;
    const batchSize = options.batchSize ?? 8;
    if (!Number.isInteger(epochs) || epochs < 1)
      throw new TrainingError('TRAINING_BAD_OPTIONS', `fit: epochs must be an integer ≥ 1, not ${epochs}`, {
        field: 'epochs',
        value: epochs,
      });
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new TrainingError('TRAINING_BAD_OPTIONS', `fit: batchSize must be an integer ≥ 1, not ${batchSize}`, {
        field: 'batchSize',
        value: batchSize,
      });
    const accumulation = this.options.gradientAccumulationSteps ?? 1;
    const array = Array.isArray(trainData) ? (trainData as readonly TrainingExample[]) : undefined;
    const totalSteps =
      options.totalSteps ??
      (array === undefined
        ? undefined
        : this.stepCount + epochs * Math.ceil(Math.ceil(array.length / batchSize) / accumulation));
    const warmupSteps = this.options.warmupSteps ?? 0;
    if (totalSteps !== undefined || this.options.decay === 'constant' || warmupSteps > 0) {
      this.schedule = learningRateSchedule({
        lr: this.baseLr,
        warmupSteps,
        totalSteps: totalSteps ?? Number.MAX_SAFE_INTEGER,
        decay: totalSteps === undefined ? 'constant' : (this.options.decay ?? 'linear'),
      });
    }
    const evaluations: EvaluationResult[] = [];
    const checkAbort = (): void => {
      if (options.signal?.aborted === true)
        throw new TrainingError('TRAINING_ABORTED', `training aborted after ${this.stepCount} steps`, {
          step: this.stepCount,
        });
    };
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      // the order of an epoch is a pure function of (seed, epoch of the run): a resumed run shuffles alike
      const data =
        array !== undefined && options.shuffle !== false
          ? shuffled(array, seededRandom(epochShuffleSeed(this.seed, this.epochCount)))
          : trainData;
      let pending: TrainingExample[][] = [];
      const flush = async (): Promise<void> => {
        checkAbort();
        const started = performance.now();
        const result = await this.step(pending);
        const examples = pending.reduce((sum, micro) => sum + micro.length, 0);
        pending = [];
        options.onProgress?.({
          kind: 'step',
          epoch,
          step: this.stepCount,
          ...(totalSteps === undefined ? {} : { totalSteps }),
          loss: result.loss,
          lr: result.lr,
          gradNorm: result.gradNorm,
          examplesPerSecond: (examples * 1000) / Math.max(performance.now() - started, 1e-3),
        });
      };
      for await (const batch of batchesOf(data, batchSize)) {
        pending.push(batch);
        if (pending.length === accumulation) await flush();
      }
      if (pending.length > 0) await flush();
      this.epochCount += 1;
      if (options.evalData !== undefined) {
        checkAbort();
        const evaluation = await this.evaluate(options.evalData, {
          batchSize,
          ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
        });
        evaluations.push(evaluation);
        options.onProgress?.({
          kind: 'evaluation',
          epoch,
          step: this.stepCount,
          loss: evaluation.loss,
          metrics: evaluation.metrics,
        });
      }
    }
    return { steps: this.stepCount, evaluations };
  }

  /**
   * The files of an HF-layout checkpoint, as `save_pretrained` writes them for the head's class:
   * - `config.json`: `architectures` = the head, `id2label`/`label2id` where they are not HF's defaults,
   *   `problem_type` for sequence classification (HF sets it at the first forward with labels), `dtype` float32.
   * - `model.safetensors`: the tensors of HF's `state_dict()` for the class, by HF name, sorted as safetensors
   *   sorts them ({@link hfCheckpointKeys}): no pooler for masked LM, token classification and question
   *   answering; the tied MLM decoder stored once (the word embeddings and `predictions.bias`).
   * - the tokenizer files copied from `tokenizerSource`;
   * - with `optimizerState` (default true): `optimizer.safetensors` (the moments) and `trainer_state.json`
   *   ({@link TrainerState}: step, epoch, seed, dropout mode, optimizer scalars) for
   *   {@link Trainer.loadOptimizerState}.
   *
   * @example
   * ```ts
   * const files = await trainer.checkpointFiles({ tokenizerSource, optimizerState: false }); // in a browser
   * const model = await AlbertForSequenceClassification.fromPretrained(memorySource(Object.fromEntries(files)), { backend });
   * ```
   */
  async checkpointFiles(
    options: { tokenizerSource?: ModelFileSource; optimizerState?: boolean } = {},
  ): Promise<Map<string, Uint8Array>> {
    await this.synchronize();
    const files = new Map<string, Uint8Array>();
    const config = this.options.config.with({
      architectures: [this.graph.head],
      ...(this.graph.problemType === null ? {} : { problemType: this.graph.problemType }),
    });
    // the weights are float32: save_pretrained writes `dtype` (older transformers: `torch_dtype`) from them
    const configJson: Record<string, unknown> = { ...config.toJSON(), dtype: 'float32' };
    delete configJson['torch_dtype'];
    const sortedConfig = Object.fromEntries(
      Object.keys(configJson)
        .sort()
        .map((key) => [key, configJson[key]]),
    );
    files.set('config.json', new TextEncoder().encode(`${JSON.stringify(sortedConfig, null, 2)}\n`));
    files.set('model.safetensors', encodeSafetensors(this.checkpointTensors()));
    if (options.tokenizerSource !== undefined) {
      for (const name of ['spiece.model', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
        if (await options.tokenizerSource.has(name)) files.set(name, await options.tokenizerSource.read(name));
      }
    }
    if (options.optimizerState !== false) {
      const state = this.optimizer.stateDict();
      const shapes = new Map([...state.tensors].map(([key, data]) => [key, { shape: [data.length], data }]));
      files.set(OPTIMIZER_STATE_FILES.tensors, encodeSafetensors(shapes));
      const trainerState = encodeTrainerState({
        head: this.graph.head,
        step: this.stepCount,
        epoch: this.epochCount,
        seed: this.seed,
        dropout: this.dropout,
        optimizerPlacement: this.options.optimizerPlacement ?? 'typescript',
        gradientAccumulationSteps: this.options.gradientAccumulationSteps ?? 1,
        optimizerType: state.type,
        optimizerScalars: state.scalars,
      });
      files.set(OPTIMIZER_STATE_FILES.scalars, new TextEncoder().encode(trainerState));
    }
    return files;
  }

  /** The tensors of `model.safetensors`: HF's names for the head, in safetensors' order. */
  private checkpointTensors(): Map<string, NamedFloatTensor> {
    const weights = this.weights();
    const names = hfCheckpointKeys(this.options.config, this.graph.head);
    // a parameter HF's class does not list would be lost otherwise (none from core's weights)
    for (const key of weights.keys()) if (!names.includes(key)) names.push(key);
    const tensors = new Map<string, NamedFloatTensor>();
    for (const name of names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      // untied decoder: HF (transformers 5) keeps its bias as a tensor of its own, equal to predictions.bias
      const tensor =
        weights.get(name) ?? (name === 'predictions.decoder.bias' ? weights.get('predictions.bias') : undefined);
      // absent: an optional tensor the source lacked (the unused absolute position table of a relative model)
      if (tensor !== undefined) tensors.set(name, { shape: tensor.shape, data: tensor.data });
    }
    return tensors;
  }

  /**
   * Writes {@link Trainer.checkpointFiles} into `directory` (Node; created if needed). Each file is written
   * to a temporary name first and renamed, so a crash never leaves a half-written file.
   */
  async save(
    directory: string,
    options: { tokenizerSource?: ModelFileSource; optimizerState?: boolean } = {},
  ): Promise<void> {
    // `#node-builtins` (package.json "imports"): Node's modules in Node, a typed error elsewhere (bundlers never see `node:`).
    const builtins = await import('#node-builtins');
    const { mkdir, rename, writeFile } = builtins.fsPromises;
    const { join } = builtins.path;
    await mkdir(directory, { recursive: true });
    for (const [name, bytes] of await this.checkpointFiles(options)) {
      const path = join(directory, name);
      await writeFile(`${path}.partial`, bytes);
      await rename(`${path}.partial`, path);
    }
  }

  /**
   * Resumes a saved run: restores the optimizer state (`optimizer.safetensors`), the step and epoch counts and the
   * seed (`trainer_state.json`), so the following steps draw the dropout masks and `fit` the shuffles of the
   * uninterrupted run — as HF's Trainer restores its RNG states on resume, the saved seed replaces this trainer's
   * `seed` option. The weights come with the trainer (load them from the checkpoint with core's
   * `loadPretrainedWeights`); the learning-rate schedule and the other hyper-parameters are this trainer's.
   *
   * Nothing changes unless the whole state loads.
   *
   * @throws {@link TrainingError} `TRAINING_BAD_STATE` naming the file and the field: a missing field, a wrong type,
   * a count that is not an integer in [0, 2⁵³), a state of another head, optimizer or dropout mode (with both
   * values), a moment that belongs to no parameter or has another size.
   *
   * @example
   * ```ts
   * const source = directorySource('out/checkpoint-500');
   * const { weights } = await loadPretrainedWeights(source, 'AlbertForSequenceClassification');
   * const trainer = await Trainer.create({ backend, config, weights, head: 'AlbertForSequenceClassification' });
   * await trainer.loadOptimizerState(source); // trainer.stepCount === 500, trainer.seed === the run's
   * ```
   */
  async loadOptimizerState(source: ModelFileSource): Promise<void> {
    // The loaded state replaces JavaScript's copy: the device's goes first (the weights come back from it;
    // moving the state to JavaScript changes no value).
    if (this.session instanceof TrainingStepSession)
      await this.session.release(this.parameters, this.optimizer as AdamW);
    const stateFile = OPTIMIZER_STATE_FILES.scalars;
    const state = parseTrainerState(await source.read(stateFile), source.description);
    const refuse = (field: string, saved: unknown, current: unknown, hint: string): never => {
      throw new TrainingError(
        'TRAINING_BAD_STATE',
        `${stateFile} in ${source.description}: ${field} of the saved run is ${JSON.stringify(saved)}, this trainer's is ${JSON.stringify(current)} (${hint})`,
        { file: stateFile, field, saved, current },
      );
    };
    if (state.head !== this.graph.head)
      refuse('head', state.head, this.graph.head, 'an optimizer state of another head');
    if (state.dropout !== this.dropout)
      refuse(
        'dropout',
        state.dropout,
        this.dropout,
        "whether dropout masks apply: create the trainer with the run's dropout option and config",
      );
    const current = this.optimizer.stateDict();
    if (state.optimizerType !== current.type)
      refuse('type', state.optimizerType, current.type, "the optimizer: create the trainer with the run's");

    const tensorsFile = OPTIMIZER_STATE_FILES.tensors;
    const tensors = new Map<string, Float32Array>();
    for (const [name, tensor] of readSafetensors(await source.read(tensorsFile), tensorsFile)) {
      const parameter = this.parameters.get(name.slice(0, Math.max(name.lastIndexOf('.'), 0)));
      const problem =
        parameter === undefined
          ? `is the state of no parameter of this ${this.graph.head}`
          : tensor.dtype !== 'float32' || tensor.data.length !== parameter.length
            ? `has ${tensor.data.length} ${tensor.dtype} elements, its parameter ${parameter.length} float32`
            : undefined;
      if (problem !== undefined)
        throw new TrainingError('TRAINING_BAD_STATE', `${tensorsFile} in ${source.description}: ${name} ${problem}`, {
          file: tensorsFile,
          field: name,
        });
      tensors.set(name, tensor.data as Float32Array);
    }
    try {
      this.optimizer.loadStateDict({ type: state.optimizerType, scalars: state.optimizerScalars, tensors });
    } catch (error) {
      this.optimizer.loadStateDict(current);
      if (!(error instanceof TrainingError)) throw error;
      throw new TrainingError(error.code, `${stateFile} in ${source.description}: ${error.message}`, {
        ...error.details,
        file: stateFile,
      });
    }
    this.stepCount = state.step;
    this.epochCount = state.epoch;
    this.runSeed = state.seed;
  }

  /** Frees the backend sessions. */
  async dispose(): Promise<void> {
    await this.session.dispose();
    await this.updateSession?.dispose();
    if (this.evaluationSession !== undefined) await (await this.evaluationSession).dispose();
  }
}

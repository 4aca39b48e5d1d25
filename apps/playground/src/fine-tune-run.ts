import { AlbertConfig } from '@albert-ts/config';
import { loadPretrainedWeights, memorySource, type Backend, type ModelFileSource } from '@albert-ts/core';
import { pipeline, type Pipeline } from '@albert-ts/pipelines';
import { AlbertTokenizer } from '@albert-ts/tokenizer';
import {
  learningRateSchedule,
  OPTIMIZER_STATE_FILES,
  seededRandom,
  shuffled,
  Trainer,
  TrainingError,
  type TrainingExample,
} from '@albert-ts/training';
import type { LabelledExample } from './labelled-examples.js';

/** The hyper-parameters the fine-tune tab asks for. */
export interface FineTuneSettings {
  /** Passes over the training examples (an integer, 1 to 100). */
  readonly epochs: number;
  /** AdamW's peak learning rate (linear warmup over the first 10 % of the steps, then linear decay to 0). */
  readonly learningRate: number;
  /** Examples per optimizer step (an integer, 1 to 256). */
  readonly batchSize: number;
}

/** Options of {@link fineTune}. */
export interface FineTuneOptions extends FineTuneSettings {
  /** The backend the training graph (and then the fine-tuned classifier) runs on. */
  readonly backend: Backend;
  /** The base model: `config.json`, weights and `spiece.model` (the demo model, by default). */
  readonly model: ModelFileSource;
  /** Label names by class index. */
  readonly labels: readonly string[];
  /** The training examples. */
  readonly train: readonly LabelledExample[];
  /** The held-out examples, evaluated before training and after each epoch (may be empty). */
  readonly heldOut: readonly LabelledExample[];
  /** Seed of the head's initialization and of the shuffling (default 42). */
  readonly seed?: number;
  /** Tokens per example at most (longer texts are truncated; default 64). */
  readonly maxLength?: number;
  /** Stops training between two steps; the weights trained so far are kept. */
  readonly signal?: AbortSignal;
  /** Called after each optimizer step and each held-out evaluation. */
  readonly onProgress?: (progress: FineTuneProgress) => void;
}

/** A report of {@link fineTune}: one optimizer step, or one held-out evaluation. */
export type FineTuneProgress =
  | {
      readonly kind: 'step';
      /** Epoch (1-based). */
      readonly epoch: number;
      /** Optimizer steps done. */
      readonly step: number;
      /** Optimizer steps of the whole run. */
      readonly totalSteps: number;
      /** The step's training loss. */
      readonly loss: number;
      /** The step's learning rate. */
      readonly learningRate: number;
      /** Optimizer steps per second since the first step (UI time included). */
      readonly stepsPerSecond: number;
    }
  | {
      readonly kind: 'evaluation';
      /** 0 before training, then the epoch just done (1-based). */
      readonly epoch: number;
      /** Mean held-out loss. */
      readonly loss: number;
      /** Held-out examples classified right. */
      readonly correct: number;
      /** Held-out examples. */
      readonly count: number;
    };

/** What {@link fineTune} returns. */
export interface FineTuneResult {
  /** Optimizer steps done. */
  readonly steps: number;
  /** Whether the run was cancelled before its last step. */
  readonly cancelled: boolean;
  /** The checkpoint in Hugging Face layout: `config.json`, `model.safetensors`, tokenizer files, optimizer state. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** The fine-tuned model as a text-classification pipeline on the same backend (dispose it when done). */
  readonly classifier: Pipeline<'text-classification'>;
}

/**
 * Checks the tab's hyper-parameters.
 *
 * @throws {@link TrainingError} `TRAINING_BAD_OPTIONS` naming the field and the value.
 */
export function checkFineTuneSettings(settings: FineTuneSettings): void {
  const fail = (field: string, value: number, expected: string): never => {
    throw new TrainingError('TRAINING_BAD_OPTIONS', `${field} must be ${expected}, not ${value}`, { field, value });
  };
  if (!Number.isInteger(settings.epochs) || settings.epochs < 1 || settings.epochs > 100)
    fail('epochs', settings.epochs, 'an integer from 1 to 100');
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1 || settings.batchSize > 256)
    fail('batch size', settings.batchSize, 'an integer from 1 to 256');
  if (!Number.isFinite(settings.learningRate) || settings.learningRate <= 0 || settings.learningRate > 1)
    fail('learning rate', settings.learningRate, 'a number above 0 and at most 1');
}

/**
 * Lets the page draw and handle clicks between two training steps: waits for the next frame (the page paints
 * the new status and plot, queued input runs) and a task after it; at most 100 ms where frames do not come (a
 * hidden tab) and a plain task where there are no frames (Node).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 0),
    );
  });
}

/**
 * Fine-tunes a sequence classifier on the model in `options.model` in the page: a new head for the labels,
 * AdamW with warmup and linear decay, one step at a time with the event loop free in between, the held-out
 * accuracy before training and after each epoch. Cancelling (`signal`) keeps the steps done.
 *
 * @example
 * ```ts
 * const result = await fineTune({ backend, model: urlSource('./demo-model/'), labels, train, heldOut,
 *   epochs: 3, learningRate: 5e-4, batchSize: 8, onProgress: console.log });
 * console.log(await result.classifier('The rocket flew to the moon.'));
 * ```
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  checkFineTuneSettings(options);
  const seed = options.seed ?? 42;
  const maxLength = options.maxLength ?? 64;
  const baseConfig = AlbertConfig.parse(await options.model.readText('config.json'), { file: 'config.json' });
  const config = baseConfig.with({
    numLabels: options.labels.length,
    id2label: Object.fromEntries(options.labels.map((name, index) => [index, name])),
  });
  const tokenizer = await AlbertTokenizer.fromFiles(options.model);
  const encode = (example: LabelledExample): TrainingExample => {
    const encoding = tokenizer.encode(example.text, {
      truncation: true,
      maxLength,
      ...(example.textPair === undefined ? {} : { textPair: example.textPair }),
    });
    return { inputIds: encoding.inputIds, tokenTypeIds: encoding.tokenTypeIds, label: example.label };
  };
  const train = options.train.map(encode);
  const heldOut = options.heldOut.map(encode);
  // core's HF-style initialization of the new classifier head, seeded
  const { weights } = await loadPretrainedWeights(options.model, 'AlbertForSequenceClassification', {
    config,
    initializeMissingHead: true,
    ignoreMismatchedSizes: true,
    seed,
  });
  const trainer = await Trainer.create({
    backend: options.backend,
    config,
    weights,
    head: 'AlbertForSequenceClassification',
    optimizer: { lr: options.learningRate },
    seed,
  });
  let cancelled = false;
  try {
    const evaluate = async (epoch: number): Promise<void> => {
      if (heldOut.length === 0) return;
      await yieldToEventLoop();
      const result = await trainer.evaluate(heldOut, { batchSize: options.batchSize, metrics: ['accuracy'] });
      const correct = Math.round((result.metrics['accuracy'] ?? 0) * heldOut.length);
      options.onProgress?.({ kind: 'evaluation', epoch, loss: result.loss, correct, count: heldOut.length });
    };
    const stepsPerEpoch = Math.ceil(train.length / options.batchSize);
    const totalSteps = stepsPerEpoch * options.epochs;
    const learningRateAt = learningRateSchedule({
      lr: options.learningRate,
      warmupSteps: Math.round(totalSteps / 10),
      totalSteps,
    });
    const random = seededRandom(seed);
    await evaluate(0);
    let started: number | undefined;
    training: for (let epoch = 1; epoch <= options.epochs; epoch += 1) {
      const order = shuffled(train, random);
      for (let first = 0; first < order.length; first += options.batchSize) {
        await yieldToEventLoop();
        if (options.signal?.aborted === true) {
          cancelled = true;
          break training;
        }
        started ??= performance.now();
        trainer.optimizer.lr = learningRateAt(trainer.stepCount);
        const { loss, lr } = await trainer.step(order.slice(first, first + options.batchSize));
        const seconds = (performance.now() - started) / 1000;
        options.onProgress?.({
          kind: 'step',
          epoch,
          step: trainer.stepCount,
          totalSteps,
          loss,
          learningRate: lr,
          stepsPerSecond: seconds > 0 ? trainer.stepCount / seconds : 0,
        });
      }
      await evaluate(epoch);
    }
    const files = await trainer.checkpointFiles({ tokenizerSource: options.model });
    const modelFiles = Object.fromEntries(
      [...files].filter(([name]) => name !== OPTIMIZER_STATE_FILES.tensors && name !== OPTIMIZER_STATE_FILES.scalars),
    );
    const classifier = await pipeline('text-classification', memorySource(modelFiles, 'the fine-tuned model'), {
      backend: options.backend,
    });
    return { steps: trainer.stepCount, cancelled, files, classifier };
  } finally {
    await trainer.dispose();
  }
}

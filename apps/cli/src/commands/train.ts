import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AlbertConfig } from '@albert-ts/config';
import { directorySource, loadPretrainedWeights, type ModelFileSource } from '@albert-ts/core';
import { loadTokenizer } from '@albert-ts/tokenizer';
import {
  GradientSession,
  learningRateSchedule,
  parseTrainerState,
  seededRandom,
  shuffled,
  Trainer,
  TRAINER_STATE_FILE,
  TrainingError,
  type TrainingExample,
} from '@albert-ts/training';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import { backendByName } from '../backend-by-name.js';
import type { CliCommand } from '../cli-command.js';
import type { CliContext } from '../cli-context.js';
import { defaultModelDirectory } from '../default-model.js';
import { UsageError } from '../usage-error.js';
import { HUB_FLAGS, resolveModelLocation } from './model-location.js';
import {
  HEAD_OF_TASK,
  readTrainRecords,
  trainDataSet,
  trainLabels,
  TRAIN_FORMATS,
  TRAIN_TASKS,
  type TrainDataSettings,
  type TrainTask,
} from './train-data.js';
import { evaluateTask } from './train-evaluation.js';
import { TrainProgress } from './train-progress.js';

const FLAGS = {
  task: { type: 'string', description: 'the head to train', valueName: 'TASK', choices: TRAIN_TASKS },
  model: {
    type: 'string',
    short: 'm',
    description: 'model directory or Hugging Face Hub id to start from (default: the embedded demo model)',
    valueName: 'DIR|ID',
  },
  tokenizer: {
    type: 'string',
    description: "directory of the tokenizer files (default: the model's)",
    valueName: 'DIR',
  },
  train: { type: 'string', description: 'the training data (formats below)', valueName: 'FILE' },
  eval: {
    type: 'string',
    description: 'data evaluated after each epoch (and every --eval-every steps)',
    valueName: 'FILE',
  },
  out: {
    type: 'string',
    description: 'directory the trained model is written to (Hugging Face layout)',
    valueName: 'DIR',
  },
  format: {
    type: 'string',
    description: 'the data format when the file extension does not tell (.csv → csv, .tsv → tsv, .jsonl → jsonl)',
    valueName: 'FORMAT',
    choices: TRAIN_FORMATS,
  },
  epochs: { type: 'number', description: 'passes over the training data (default 3)', valueName: 'N' },
  batchSize: { type: 'number', description: 'examples per optimizer step (default 8)', valueName: 'N' },
  lr: { type: 'number', description: 'peak learning rate (default 5e-5)', valueName: 'X' },
  warmup: { type: 'number', description: 'linear warmup steps, then linear decay to 0 (default 0)', valueName: 'N' },
  weightDecay: {
    type: 'number',
    description: 'AdamW weight decay, not on biases and LayerNorm weights (default 0)',
    valueName: 'X',
  },
  seed: {
    type: 'number',
    description: 'seed of the new head, the shuffling, the masking and dropout (default 42; --resume: the run’s)',
    valueName: 'N',
  },
  maxLength: {
    type: 'number',
    description:
      'longest sequence in tokens (default 128; QA 384): longer texts are truncated, QA contexts split into windows',
    valueName: 'N',
  },
  docStride: {
    type: 'number',
    description: 'question answering: tokens shared by consecutive windows (default 128)',
    valueName: 'N',
  },
  evalEvery: { type: 'number', description: 'also evaluate every N optimizer steps', valueName: 'N' },
  saveEvery: {
    type: 'number',
    description: 'write OUT/checkpoint-<step>/ every N steps (model, tokenizer and optimizer state)',
    valueName: 'N',
  },
  resume: {
    type: 'string',
    description: 'continue from a checkpoint-<step>/ directory (its model, optimizer state and settings)',
    valueName: 'DIR',
  },
  textColumn: { type: 'string', description: 'CSV: the text column (default text)', valueName: 'NAME' },
  textPairColumn: { type: 'string', description: 'CSV: the second-text column (default text_pair)', valueName: 'NAME' },
  labelColumn: { type: 'string', description: 'CSV: the label column (default label)', valueName: 'NAME' },
  backend: {
    type: 'string',
    short: 'b',
    description: 'node-cpu (default), node-wasm, node-webgpu, node-cuda',
    valueName: 'NAME',
  },
  threads: { type: 'number', description: 'intra-op threads of the backend (default: the runtime’s)', valueName: 'N' },
  json: {
    type: 'boolean',
    description: 'print one JSON object per step, evaluation and save on stdout, no progress bar',
  },
  ...HUB_FLAGS,
} as const;

/** The settings a checkpoint remembers (`training_args.json`), so that `--resume` continues the same run. */
interface TrainingArguments {
  readonly task: TrainTask;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly warmup: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly maxLength: number;
  readonly docStride: number;
}

/** The file in a checkpoint that holds {@link TrainingArguments}. */
const TRAINING_ARGUMENTS_FILE = 'training_args.json';

const positiveInteger = (flag: string, value: number | undefined, minimum = 1): void => {
  if (value !== undefined && (!Number.isInteger(value) || value < minimum))
    throw new UsageError(`--${flag} must be an integer ≥ ${minimum}, got ${value}`, { flag: `--${flag}`, value });
};

const readArguments = async (source: ModelFileSource): Promise<Partial<TrainingArguments>> => {
  if (!(await source.has(TRAINING_ARGUMENTS_FILE))) return {};
  try {
    const value = JSON.parse(await source.readText(TRAINING_ARGUMENTS_FILE)) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Partial<TrainingArguments>;
  } catch {
    // reported below
  }
  throw new TrainingError(
    'TRAINING_BAD_STATE',
    `${TRAINING_ARGUMENTS_FILE} in ${source.description} is not a JSON object`,
    {
      file: TRAINING_ARGUMENTS_FILE,
    },
  );
};

/** Hooks for tests. */
export interface TrainCommandHooks {
  /** Called with the trainer after the last step, before the final save and disposal. */
  readonly onTrained?: (trainer: Trainer) => Promise<void>;
}

/**
 * `albert train --task TASK --train FILE --out DIR`: fine-tunes (or pretrains) a head and saves it in the
 * Hugging Face layout. {@link createTrainCommand} with hooks is for tests.
 */
export function createTrainCommand(hooks: TrainCommandHooks = {}): CliCommand {
  return {
    name: 'train',
    summary: 'fine-tune or pretrain a model on your data and save it in Hugging Face layout',
    usage:
      'train --task TASK --train FILE --out DIR [--model DIR|ID] [--eval FILE] [--epochs N] [--batch-size N] [--lr X] [--json]',
    help: [
      'Trains one head and saves it where `albert classify/ner/qa/choose/fill-mask` and Python transformers',
      'load it. Tasks and data formats:',
      '  sequence-classification  JSON Lines {"text", "text_pair"?, "label"} or CSV/TSV with a header (text, text_pair, label);',
      '                           labels are names, class indices, numbers (regression) or "labels": [...] (multi-label)',
      '  token-classification     CoNLL: one "word ... tag" per line, a blank line between sentences',
      '  question-answering       SQuAD JSON (v1.1, or v2 with is_impossible)',
      '  multiple-choice          JSON Lines {"context"?, "question"?, "choices": [...], "label"} or CSV/TSV (choice0, …)',
      '  masked-lm                plain text, one example per line (15 % of the tokens masked, 80/10/10)',
      '  pretraining              plain text, documents separated by blank lines (n-gram masking + sentence order)',
      'Sequences longer than --max-length are truncated; question answering splits long contexts into windows',
      'that overlap by --doc-stride tokens. Labels come from the training file when the model has only the',
      "default LABEL_0… labels; otherwise every label must be one of the model's. The progress bar (stderr,",
      'terminal only) shows loss, learning rate and examples/s; each epoch prints its loss and the eval metrics.',
      '',
      'options:',
      formatFlagHelp(FLAGS),
      '',
      'examples:',
      '  albert train --task sequence-classification --model albert/albert-base-v2 --train train.csv --eval dev.csv --out topics',
      '  albert train --task token-classification --model ./albert --train train.conll --out ner --save-every 500',
      '  albert train --task sequence-classification --train train.csv --out topics --resume topics/checkpoint-500',
    ].join('\n'),
    async run(argv, context) {
      const { flags } = parseArguments(argv, { flags: FLAGS, maxPositionals: 0 });
      for (const [flag, value] of [
        ['epochs', flags.epochs],
        ['batch-size', flags.batchSize],
        ['max-length', flags.maxLength],
        ['eval-every', flags.evalEvery],
        ['save-every', flags.saveEvery],
        ['threads', flags.threads],
      ] as const)
        positiveInteger(flag, value);
      positiveInteger('warmup', flags.warmup, 0);
      positiveInteger('doc-stride', flags.docStride, 0);
      for (const [flag, value] of [
        ['lr', flags.lr],
        ['weight-decay', flags.weightDecay],
      ] as const)
        if (value !== undefined && !(Number.isFinite(value) && value >= 0))
          throw new UsageError(`--${flag} must be a number ≥ 0, got ${value}`, { flag: `--${flag}`, value });
      if (flags.train === undefined) throw new UsageError('train: --train FILE is required', { flag: '--train' });
      if (flags.out === undefined) throw new UsageError('train: --out DIR is required', { flag: '--out' });
      const resumeSource = flags.resume === undefined ? undefined : directorySource(resolve(context.cwd, flags.resume));
      const saved = resumeSource === undefined ? {} : await readArguments(resumeSource);
      // the resumed run's seed (trainer_state.json) fixes its dropout masks, shuffles and masking: it is kept
      const savedState =
        resumeSource === undefined
          ? undefined
          : parseTrainerState(await resumeSource.read(TRAINER_STATE_FILE), resumeSource.description);
      if (savedState !== undefined && flags.seed !== undefined && flags.seed !== savedState.seed)
        throw new UsageError(
          `train: --seed ${flags.seed} is not the seed of the resumed run (${savedState.seed}, in ${TRAINER_STATE_FILE}); a resumed run keeps its seed: leave --seed out`,
          { flag: '--seed', value: flags.seed },
        );
      const task = (flags.task ?? saved.task) as TrainTask | undefined;
      if (task === undefined)
        throw new UsageError(`train: --task is required (${TRAIN_TASKS.join(', ')})`, { flag: '--task' });
      if (saved.task !== undefined && saved.task !== task)
        throw new UsageError(`train: the checkpoint was trained for ${saved.task}, not ${task}`, { flag: '--resume' });
      const settings: TrainingArguments = {
        task,
        epochs: flags.epochs ?? saved.epochs ?? 3,
        batchSize: flags.batchSize ?? saved.batchSize ?? 8,
        lr: flags.lr ?? saved.lr ?? 5e-5,
        warmup: flags.warmup ?? saved.warmup ?? 0,
        weightDecay: flags.weightDecay ?? saved.weightDecay ?? 0,
        seed: flags.seed ?? savedState?.seed ?? saved.seed ?? 42,
        maxLength: flags.maxLength ?? saved.maxLength ?? (task === 'question-answering' ? 384 : 128),
        docStride: flags.docStride ?? saved.docStride ?? 128,
      };
      const head = HEAD_OF_TASK[task];
      const modelSource =
        resumeSource ??
        (flags.model === undefined
          ? directorySource(defaultModelDirectory())
          : await resolveModelLocation(flags.model, flags, context, { json: flags.json }));
      const tokenizerSource =
        flags.tokenizer === undefined ? modelSource : directorySource(resolve(context.cwd, flags.tokenizer));
      const baseConfig = AlbertConfig.parse(await modelSource.readText('config.json'), { file: 'config.json' });
      if (settings.maxLength > baseConfig.maxPositionEmbeddings)
        throw new UsageError(
          `--max-length ${settings.maxLength} is more than the model's ${baseConfig.maxPositionEmbeddings} positions (max_position_embeddings)`,
          { flag: '--max-length', value: settings.maxLength },
        );
      const tokenizer = await loadTokenizer(tokenizerSource);
      const dataSettings = (config: AlbertConfig): TrainDataSettings => ({
        task,
        config,
        tokenizer,
        maxLength: settings.maxLength,
        docStride: settings.docStride,
        seed: settings.seed,
        format: flags.format,
        cwd: context.cwd,
        columns: {
          ...(flags.textColumn === undefined ? {} : { text: flags.textColumn }),
          ...(flags.textPairColumn === undefined ? {} : { textPair: flags.textPairColumn }),
          ...(flags.labelColumn === undefined ? {} : { label: flags.labelColumn }),
        },
      });
      const trainRecords = await readTrainRecords(flags.train, dataSettings(baseConfig));
      const labels = trainLabels(trainRecords, baseConfig, resumeSource === undefined);
      const config = labels.fromData
        ? baseConfig.with({
            id2label: Object.fromEntries(labels.labels.map((name, index) => [index, name])),
            ...(labels.problemType === undefined ? {} : { problemType: labels.problemType }),
          })
        : labels.problemType !== undefined && baseConfig.problemType === null
          ? baseConfig.with({ problemType: labels.problemType })
          : baseConfig;
      const train = await trainDataSet(trainRecords, labels, dataSettings(config));
      const evalData =
        flags.eval === undefined
          ? undefined
          : await trainDataSet(await readTrainRecords(flags.eval, dataSettings(config)), labels, dataSettings(config));
      // a new head (or one whose label count changed) is initialized as HF does, seeded
      const loaded = await loadPretrainedWeights(modelSource, head, {
        config,
        initializeMissingHead: true,
        ignoreMismatchedSizes: true,
        seed: settings.seed,
      });
      // (the Trainer leaves a base checkpoint's pooler out for the heads whose HF class has none)
      const weights = loaded.weights;
      const backend = backendByName(flags.backend ?? context.env['ALBERT_BACKEND'] ?? 'node-cpu');
      const loadOptions = flags.threads === undefined ? {} : { loadOptions: { intraOpNumThreads: flags.threads } };
      const trainer = await Trainer.create({
        backend,
        config,
        weights,
        head,
        ...(labels.problemType === undefined ? {} : { problemType: labels.problemType }),
        optimizer: { lr: settings.lr, weightDecay: settings.weightDecay },
        seed: settings.seed,
        ...loadOptions,
      });
      const shapes = new Map([...trainer.weights()].map(([key, tensor]) => [key, tensor.shape]));
      let evalSession: GradientSession | undefined;
      try {
        // a second session on the same training graph: the weights are its inputs, so it holds no copy of them
        if (evalData !== undefined)
          evalSession = await GradientSession.load(backend, trainer.graph, shapes, loadOptions.loadOptions);
        const session = evalSession;
        if (resumeSource !== undefined) await trainer.loadOptimizerState(resumeSource);
        await runTraining(trainer, {
          context,
          settings,
          train: train.examples,
          ...(train.examplesOfEpoch === undefined ? {} : { examplesOfEpoch: train.examplesOfEpoch }),
          evaluate:
            evalData === undefined || session === undefined
              ? undefined
              : () =>
                  evaluateTask(session, trainer.graph, trainer.parameters, evalData, {
                    batchSize: settings.batchSize,
                    padTokenId: config.padTokenId ?? 0,
                  }),
          out: resolve(context.cwd, flags.out),
          saveEvery: flags.saveEvery,
          evalEvery: flags.evalEvery,
          tokenizerSource,
          json: flags.json,
          labels: labels.labels,
        });
        await hooks.onTrained?.(trainer);
      } finally {
        await evalSession?.dispose();
        await trainer.dispose();
      }
      return 0;
    },
  };
}

/** `albert train`. */
export const trainCommand: CliCommand = createTrainCommand();

/** The training loop of `albert train`: seeded shuffling per epoch, the linear schedule, evaluations and checkpoints. */
async function runTraining(
  trainer: Trainer,
  run: {
    readonly context: CliContext;
    readonly settings: TrainingArguments;
    readonly train: readonly TrainingExample[];
    readonly examplesOfEpoch?: (epoch: number) => readonly TrainingExample[];
    readonly evaluate: (() => Promise<{ loss: number; metrics: Readonly<Record<string, number>> }>) | undefined;
    readonly out: string;
    readonly saveEvery: number | undefined;
    readonly evalEvery: number | undefined;
    readonly tokenizerSource: ModelFileSource;
    readonly json: boolean;
    readonly labels: readonly string[];
  },
): Promise<void> {
  const { settings, context } = run;
  const stepsPerEpoch = Math.ceil(run.train.length / settings.batchSize);
  const totalSteps = settings.epochs * stepsPerEpoch;
  const schedule = learningRateSchedule({ lr: settings.lr, warmupSteps: settings.warmup, totalSteps, decay: 'linear' });
  const progress = new TrainProgress(context, run.json, settings.epochs);
  const startStep = trainer.stepCount;
  if (startStep > totalSteps)
    throw new TrainingError(
      'TRAINING_BAD_STATE',
      `the checkpoint is at step ${startStep}, past the ${totalSteps} steps of ${settings.epochs} epochs`,
      { step: startStep },
    );
  // the shuffle of epoch e is the e-th draw of one seeded source, so a resumed run replays the same order
  const random = seededRandom(settings.seed);
  const indices = run.train.map((_, index) => index);
  const evaluate = async (epoch: number): Promise<void> => {
    if (run.evaluate === undefined) return;
    const result = await run.evaluate();
    progress.report({
      event: 'evaluation',
      epoch,
      step: trainer.stepCount,
      loss: result.loss,
      metrics: result.metrics,
    });
  };
  for (let epoch = 0; epoch < settings.epochs; epoch += 1) {
    const order = shuffled(indices, random);
    if ((epoch + 1) * stepsPerEpoch <= startStep) continue;
    // masked LM: the epoch's own masks
    const examples = run.examplesOfEpoch?.(epoch) ?? run.train;
    for (let index = 0; index < stepsPerEpoch; index += 1) {
      if (epoch * stepsPerEpoch + index < startStep) continue;
      if (context.signal?.aborted === true)
        throw new TrainingError('TRAINING_ABORTED', `training aborted after ${trainer.stepCount} steps`, {
          step: trainer.stepCount,
        });
      const batch = order
        .slice(index * settings.batchSize, (index + 1) * settings.batchSize)
        .map((position) => examples[position] as TrainingExample);
      trainer.optimizer.lr = schedule(trainer.stepCount);
      const started = performance.now();
      const result = await trainer.step(batch);
      // epochs completed (trainer_state.json's `epoch`)
      trainer.epochCount = Math.floor(trainer.stepCount / stepsPerEpoch);
      if (!Number.isFinite(result.loss))
        throw new TrainingError(
          'TRAINING_BAD_STATE',
          `the loss is ${result.loss} at step ${trainer.stepCount} (lower --lr, or check the labels)`,
          { step: trainer.stepCount },
        );
      progress.report({
        event: 'step',
        epoch,
        step: trainer.stepCount,
        totalSteps,
        loss: result.loss,
        learningRate: result.lr,
        gradNorm: result.gradNorm,
        examplesPerSecond: (batch.length * 1000) / Math.max(performance.now() - started, 1e-3),
      });
      // the last step of an epoch is evaluated by the epoch's evaluation
      if (run.evalEvery !== undefined && trainer.stepCount % run.evalEvery === 0 && index < stepsPerEpoch - 1)
        await evaluate(epoch);
      if (run.saveEvery !== undefined && trainer.stepCount % run.saveEvery === 0) {
        const path = join(run.out, `checkpoint-${trainer.stepCount}`);
        await saveCheckpoint(trainer, path, run.tokenizerSource, settings);
        progress.report({ event: 'save', step: trainer.stepCount, path });
      }
    }
    progress.endEpoch(epoch);
    await evaluate(epoch);
  }
  await mkdir(run.out, { recursive: true });
  await trainer.save(run.out, { tokenizerSource: run.tokenizerSource, optimizerState: false });
  progress.report({ event: 'done', out: run.out, steps: trainer.stepCount, labels: run.labels });
}

/** Writes a checkpoint into a temporary directory beside `path`, then renames it: never a half-written checkpoint. */
async function saveCheckpoint(
  trainer: Trainer,
  path: string,
  tokenizerSource: ModelFileSource,
  settings: TrainingArguments,
): Promise<void> {
  const partial = `${path}.partial`;
  await rm(partial, { recursive: true, force: true });
  await trainer.save(partial, { tokenizerSource, optimizerState: true });
  await writeFile(join(partial, TRAINING_ARGUMENTS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
  await rm(path, { recursive: true, force: true });
  await rename(partial, path);
}

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AlbertConfig } from '@albert-ts/config';
import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { AlbertTokenizer } from '@albert-ts/tokenizer';
import {
  parseTextClassificationLines,
  Trainer,
  TrainingError,
  type TextClassificationLine,
  type TrainingExample,
} from '@albert-ts/training';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import { backendByName } from '../backend-by-name.js';
import type { CliCommand } from '../cli-command.js';
import { defaultModelDirectory } from '../default-model.js';
import { UsageError } from '../usage-error.js';

const TASKS = ['sequence-classification'] as const;

const FLAGS = {
  task: {
    type: 'string',
    description: 'what to train (sequence-classification; the other heads are available in @albert-ts/training)',
    valueName: 'TASK',
    choices: TASKS,
  },
  model: {
    type: 'string',
    description: 'model directory to start from (default: the embedded demo model)',
    valueName: 'DIR',
  },
  train: { type: 'string', description: 'JSON Lines {text, text_pair?, label}', valueName: 'FILE' },
  eval: {
    type: 'string',
    description: 'JSON Lines evaluated after each epoch (accuracy, F1 macro)',
    valueName: 'FILE',
  },
  out: { type: 'string', description: 'directory to write the fine-tuned model to (HF layout)', valueName: 'DIR' },
  epochs: { type: 'number', description: 'passes over the data (default 3)' },
  batchSize: { type: 'number', description: 'examples per step (default 16)', valueName: 'N' },
  lr: { type: 'number', description: 'peak learning rate (default 5e-5)' },
  warmup: { type: 'number', description: 'warmup steps (default 0)', valueName: 'N' },
  weightDecay: { type: 'number', description: 'AdamW weight decay (default 0.01)' },
  seed: { type: 'number', description: 'seed of the head initialization and shuffling (default 42)' },
  maxLength: { type: 'number', description: 'truncate examples to this many tokens (default 128)', valueName: 'N' },
  backend: { type: 'string', description: 'node-cpu (default), node-webgpu, node-cuda, node-wasm', valueName: 'NAME' },
  json: { type: 'boolean', description: 'machine-readable progress lines on stderr' },
} as const;

/** `albert train --task sequence-classification --train FILE --out DIR`: fine-tunes a classifier. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'fine-tune a model on labelled data and save it in Hugging Face layout',
  usage:
    'train --task sequence-classification --train FILE --out DIR [--model DIR] [--eval FILE] [--epochs N] [--batch-size N] [--lr X]',
  help: [
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'example:',
    '  albert train --task sequence-classification --train train.jsonl --eval dev.jsonl --out fine-tuned --epochs 3',
  ].join('\n'),
  async run(argv, context) {
    const { flags } = parseArguments(argv, { flags: FLAGS, maxPositionals: 0 });
    if (flags.task === undefined) throw new UsageError('train: --task is required (sequence-classification)');
    if (flags.train === undefined) throw new UsageError('train: --train FILE is required');
    if (flags.out === undefined) throw new UsageError('train: --out DIR is required');
    const modelDirectory = flags.model === undefined ? defaultModelDirectory() : resolve(context.cwd, flags.model);
    const read = async (path: string): Promise<TextClassificationLine[]> => {
      const file = resolve(context.cwd, path);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new TrainingError('TRAINING_BAD_BATCH', `cannot read ${file} (${(error as Error).message})`, { file });
      }
      return parseTextClassificationLines(text, path);
    };
    const trainLines = await read(flags.train);
    const evalLines = flags.eval === undefined ? undefined : await read(flags.eval);
    const source = directorySource(modelDirectory);
    const baseConfig = AlbertConfig.parse(await source.readText('config.json'), { file: 'config.json' });
    // labels: names from the training file (sorted), or class indices
    const names = [...new Set(trainLines.map((line) => line.label))];
    const named = names.every((name) => typeof name === 'string');
    const labels = named
      ? (names as string[]).sort()
      : Array.from({ length: Math.max(...(names as number[])) + 1 }, (_, index) => `LABEL_${index}`);
    const label2id = new Map(labels.map((name, index) => [name, index]));
    const config = baseConfig.with({
      numLabels: labels.length,
      id2label: Object.fromEntries(labels.map((name, index) => [index, name])),
    });
    const tokenizer = await AlbertTokenizer.fromFiles(source);
    const maxLength = flags.maxLength ?? 128;
    const encode = (line: TextClassificationLine, file: string): TrainingExample => {
      const label = typeof line.label === 'number' ? line.label : label2id.get(line.label);
      if (label === undefined || label >= labels.length)
        throw new TrainingError(
          'TRAINING_BAD_LABELS',
          `${file}:${line.line}: label ${JSON.stringify(line.label)} is not one of the training labels (${labels.join(', ')})`,
          { file, line: line.line, value: line.label },
        );
      const encoding = tokenizer.encode(line.text, {
        truncation: true,
        maxLength,
        ...(line.textPair === undefined ? {} : { textPair: line.textPair }),
      });
      return { inputIds: encoding.inputIds, tokenTypeIds: encoding.tokenTypeIds, label };
    };
    const train = trainLines.map((line) => encode(line, flags.train as string));
    const evalData = evalLines?.map((line) => encode(line, flags.eval as string));
    const seed = flags.seed ?? 42;
    // core's HF-style initialization of the head the checkpoint lacks (or whose label count differs), seeded
    const { weights } = await loadPretrainedWeights(source, 'AlbertForSequenceClassification', {
      config,
      initializeMissingHead: true,
      ignoreMismatchedSizes: true,
      seed,
    });
    const trainer = await Trainer.create({
      backend: backendByName(flags.backend ?? context.env['ALBERT_BACKEND'] ?? 'node-cpu'),
      config,
      weights,
      head: 'AlbertForSequenceClassification',
      optimizer: { lr: flags.lr ?? 5e-5, weightDecay: flags.weightDecay ?? 0.01 },
      warmupSteps: flags.warmup ?? 0,
      seed,
    });
    try {
      const result = await trainer.fit(train, {
        epochs: flags.epochs ?? 3,
        batchSize: flags.batchSize ?? 16,
        ...(evalData === undefined ? {} : { evalData, metrics: ['accuracy', 'f1-macro'] as const }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
        onProgress: (progress) => {
          if (flags.json) context.stderr.write(`${JSON.stringify(progress)}\n`);
          else if (progress.kind === 'step')
            context.stderr.write(
              `epoch ${progress.epoch + 1} step ${progress.step}/${progress.totalSteps ?? '?'} loss ${progress.loss.toFixed(4)} lr ${(progress.lr ?? 0).toExponential(2)} ${(progress.examplesPerSecond ?? 0).toFixed(1)} ex/s\n`,
            );
          else
            context.stderr.write(
              `epoch ${progress.epoch + 1} eval loss ${progress.loss.toFixed(4)} ${Object.entries(
                progress.metrics ?? {},
              )
                .map(([name, value]) => `${name} ${value.toFixed(4)}`)
                .join(' ')}\n`,
            );
        },
      });
      const out = resolve(context.cwd, flags.out);
      await trainer.save(out, { tokenizerSource: source });
      context.stdout.write(
        `${JSON.stringify({ out, steps: result.steps, labels, evaluations: result.evaluations }, null, 2)}\n`,
      );
    } finally {
      await trainer.dispose();
    }
    return 0;
  },
};

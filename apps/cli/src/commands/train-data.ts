import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { AlbertConfig, ProblemType } from '@albert-ts/config';
import type { AlbertTokenizerFast } from '@albert-ts/tokenizer';
import {
  classificationCsvRecords,
  classificationExample,
  classificationJsonLines,
  collectLabelNames,
  conllSentences,
  isDefaultLabelNames,
  maskTokens,
  multipleChoiceCsvRecords,
  multipleChoiceExample,
  multipleChoiceJsonLines,
  pretrainingExamples,
  questionAnsweringFeatures,
  readSquad,
  resolveLabel,
  seededRandom,
  textDocuments,
  textLines,
  tokenClassificationExample,
  TrainingError,
  type ClassificationColumns,
  type ClassificationRecord,
  type ConllSentence,
  type DataChunks,
  type QuestionAnsweringFeature,
  type SquadQuestion,
  type TrainableHeadName,
  type TrainingExample,
} from '@albert-ts/training';

/** The tasks of `albert train`. */
export const TRAIN_TASKS = [
  'sequence-classification',
  'token-classification',
  'question-answering',
  'multiple-choice',
  'masked-lm',
  'pretraining',
] as const;

/** One task of `albert train`. */
export type TrainTask = (typeof TRAIN_TASKS)[number];

/** The file formats `albert train` reads. */
export const TRAIN_FORMATS = ['jsonl', 'csv', 'tsv', 'conll', 'squad', 'text'] as const;

/** One file format of `albert train`. */
export type TrainFormat = (typeof TRAIN_FORMATS)[number];

/** The head each task trains. */
export const HEAD_OF_TASK: Readonly<Record<TrainTask, TrainableHeadName>> = {
  'sequence-classification': 'AlbertForSequenceClassification',
  'token-classification': 'AlbertForTokenClassification',
  'question-answering': 'AlbertForQuestionAnswering',
  'multiple-choice': 'AlbertForMultipleChoice',
  'masked-lm': 'AlbertForMaskedLM',
  pretraining: 'AlbertForPreTraining',
};

const FORMATS_OF_TASK: Readonly<Record<TrainTask, readonly TrainFormat[]>> = {
  'sequence-classification': ['jsonl', 'csv', 'tsv'],
  'token-classification': ['conll'],
  'question-answering': ['squad'],
  'multiple-choice': ['jsonl', 'csv', 'tsv'],
  'masked-lm': ['text'],
  pretraining: ['text'],
};

/** The format of `file` for `task`: `--format`, else from the extension (`.csv`, `.tsv`, `.jsonl`), else the task's usual one. */
export function formatOf(task: TrainTask, file: string, explicit: string | undefined): TrainFormat {
  const allowed = FORMATS_OF_TASK[task];
  const extension = extname(file).toLowerCase();
  const guess: TrainFormat | undefined =
    extension === '.csv'
      ? 'csv'
      : extension === '.tsv'
        ? 'tsv'
        : extension === '.jsonl' || extension === '.ndjson'
          ? 'jsonl'
          : undefined;
  const format = (explicit ?? (guess !== undefined && allowed.includes(guess) ? guess : allowed[0])) as TrainFormat;
  if (!allowed.includes(format))
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `--task ${task} reads ${allowed.join(' or ')}, not ${format} (${file})`,
      { field: 'format', value: format },
    );
  return format;
}

/** What the data of one task needs from the model and the flags. */
export interface TrainDataSettings {
  /** The task. */
  readonly task: TrainTask;
  /** The model's config (its labels and `problem_type`). */
  readonly config: AlbertConfig;
  /** The tokenizer. */
  readonly tokenizer: AlbertTokenizerFast;
  /** Longest sequence (special tokens included). */
  readonly maxLength: number;
  /** QA: tokens shared by consecutive windows. */
  readonly docStride: number;
  /** Seed of the masking (masked-lm, pretraining). */
  readonly seed: number;
  /** `--format` when given. */
  readonly format?: string | undefined;
  /** CSV column names. */
  readonly columns?: ClassificationColumns;
  /** Resolves a file name against the working directory. */
  readonly cwd: string;
}

/** The evaluation side of a data file: what the task's metrics need besides the examples. */
export type EvaluationReferences =
  | { readonly kind: 'classification'; readonly problemType: ProblemType }
  | { readonly kind: 'tokens'; readonly labels: readonly string[] }
  | {
      readonly kind: 'question-answering';
      readonly questions: readonly SquadQuestion[];
      /** The question of each feature (window). */
      readonly questionOfFeature: readonly number[];
    }
  | { readonly kind: 'multiple-choice' }
  | { readonly kind: 'language-modeling' }
  | { readonly kind: 'pretraining' };

/** Examples of one file, tokenized for the head. */
export interface TrainDataSet {
  /** The examples (QA: one per window; masked LM: masked once, for evaluation). */
  readonly examples: readonly TrainingExample[];
  /** What evaluation needs. */
  readonly references: EvaluationReferences;
  /**
   * Masked LM: the examples of training epoch `epoch`, masked afresh each epoch (HF's collator masks each
   * batch anew) from a source seeded by the seed and the epoch, so a resumed run masks as the original did.
   */
  readonly examplesOfEpoch?: (epoch: number) => readonly TrainingExample[];
}

/** The labels and loss the task trains with, decided from the model's config and the training file. */
export interface TrainLabels {
  /** Label names by class index (empty for tasks without labels). */
  readonly labels: readonly string[];
  /** Sequence classification: the loss. */
  readonly problemType?: ProblemType;
  /** Whether the labels come from the training file (the model had only default labels): the head is new. */
  readonly fromData: boolean;
}

/** A read file, before tokenization. */
export type TrainRecords =
  | {
      readonly task: 'sequence-classification';
      readonly file: string;
      readonly records: ClassificationRecord[];
      readonly csv: boolean;
    }
  | { readonly task: 'token-classification'; readonly file: string; readonly records: ConllSentence[] }
  | { readonly task: 'question-answering'; readonly file: string; readonly records: SquadQuestion[] }
  | { readonly task: 'other'; readonly file: string; readonly examples: () => Promise<TrainDataSet> };

const open = async (file: string, path: string): Promise<DataChunks> => {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
  } catch (error) {
    throw new TrainingError('TRAINING_BAD_DATA', `cannot read ${file} (${(error as Error).message})`, { file });
  }
  return createReadStream(path);
};

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
};

/** Reads `file` for the task (streamed; the records are kept for label collection and shuffling). */
export async function readTrainRecords(file: string, settings: TrainDataSettings): Promise<TrainRecords> {
  const format = formatOf(settings.task, file, settings.format);
  const chunks = await open(file, resolve(settings.cwd, file));
  const { tokenizer, maxLength } = settings;
  switch (settings.task) {
    case 'sequence-classification':
      return {
        task: settings.task,
        file,
        csv: format !== 'jsonl',
        records: await collect(
          format !== 'jsonl'
            ? classificationCsvRecords(chunks, {
                file,
                ...(settings.columns === undefined ? {} : { columns: settings.columns }),
                ...(format === 'tsv' ? { delimiter: '\t' } : {}),
              })
            : classificationJsonLines(chunks, { file }),
        ),
      };
    case 'token-classification':
      return { task: settings.task, file, records: await collect(conllSentences(chunks, { file })) };
    case 'question-answering':
      return { task: settings.task, file, records: await readSquad(chunks, { file }) };
    case 'multiple-choice': {
      const records = await collect(
        format === 'jsonl'
          ? multipleChoiceJsonLines(chunks, { file })
          : multipleChoiceCsvRecords(chunks, { file, ...(format === 'tsv' ? { delimiter: '\t' } : {}) }),
      );
      return {
        task: 'other',
        file,
        examples: async () => ({
          examples: records.map((record) => multipleChoiceExample(record, tokenizer, { maxLength })),
          references: { kind: 'multiple-choice' },
        }),
      };
    }
    case 'masked-lm':
      return {
        task: 'other',
        file,
        examples: async () => {
          const encodings: { inputIds: number[]; tokenTypeIds: number[] }[] = [];
          for await (const { text } of textLines(chunks, { file })) {
            if (text.trim() === '') continue;
            const { inputIds, tokenTypeIds } = tokenizer.encode(text, { truncation: true, maxLength });
            encodings.push({ inputIds, tokenTypeIds });
          }
          if (encodings.length === 0)
            throw new TrainingError('TRAINING_BAD_DATA', `${file}: no text (the file is empty)`, { file });
          const masking = {
            maskTokenId: tokenizer.maskTokenId,
            vocabSize: tokenizer.length,
            specialIds: new Set(tokenizer.allSpecialIds),
          };
          const masked = (random: () => number): TrainingExample[] =>
            encodings.map((encoding) => ({
              ...maskTokens(encoding.inputIds, { ...masking, random }),
              tokenTypeIds: encoding.tokenTypeIds,
            }));
          return {
            examples: masked(seededRandom(settings.seed + 1)),
            references: { kind: 'language-modeling' },
            examplesOfEpoch: (epoch) => masked(seededRandom(settings.seed * 1_000_003 + epoch + 2)),
          };
        },
      };
    case 'pretraining':
      return {
        task: 'other',
        file,
        examples: async () => {
          const random = seededRandom(settings.seed + 1);
          const examples: TrainingExample[] = [];
          const special = {
            cls: tokenizer.clsTokenId,
            sep: tokenizer.sepTokenId,
            mask: tokenizer.maskTokenId,
            pad: tokenizer.padTokenId,
          };
          const adapter = {
            encodeIds: (text: string) => tokenizer.encodeIds(text, { addSpecialTokens: false }),
            specialTokenId: (name: 'cls' | 'sep' | 'mask' | 'pad') => special[name],
          };
          for await (const document of textDocuments(chunks, { file }))
            examples.push(
              ...pretrainingExamples(document.text, adapter, {
                maxLength,
                vocabSize: settings.config.vocabSize,
                random,
              }),
            );
          if (examples.length === 0)
            throw new TrainingError(
              'TRAINING_BAD_DATA',
              `${file}: no sentence pair (pretraining needs documents of at least two sentences, separated by blank lines)`,
              { file },
            );
          return { examples, references: { kind: 'pretraining' } };
        },
      };
  }
}

const labelNamesOf = (config: AlbertConfig): string[] =>
  Array.from({ length: config.numLabels }, (_, index) => config.id2label[index] ?? `LABEL_${index}`);

/**
 * The labels of the task: the model's own, or — when its config has only the default `LABEL_i` labels and
 * `fresh` — the ones the training file uses (sorted names, as HF's example scripts do).
 */
export function trainLabels(records: TrainRecords, config: AlbertConfig, fresh: boolean): TrainLabels {
  const modelLabels = labelNamesOf(config);
  const canCollect = fresh && isDefaultLabelNames(modelLabels);
  if (records.task === 'sequence-classification') {
    const problemType: ProblemType =
      config.problemType ??
      (records.records.some((record) => Array.isArray(record.label))
        ? 'multi_label_classification'
        : records.records.some((record) => typeof record.label === 'number' && !Number.isInteger(record.label)) ||
            (config.numLabels === 1 && !canCollect)
          ? 'regression'
          : 'single_label_classification');
    if (problemType === 'regression')
      return config.numLabels === 1
        ? { labels: modelLabels, problemType, fromData: false }
        : { labels: ['LABEL_0'], problemType, fromData: true };
    if (!canCollect) return { labels: modelLabels, problemType, fromData: false };
    // CSV cells are strings: class indices written as digits count as indices
    const normalized = records.csv
      ? records.records.map((record) => ({
          line: record.line,
          label: (Array.isArray(record.label) ? record.label : [record.label]).map((label: string | number) =>
            typeof label === 'string' && /^\d+$/.test(label) ? Number(label) : label,
          ),
        }))
      : records.records;
    return { labels: collectLabelNames(normalized, records.file), problemType, fromData: true };
  }
  if (records.task === 'token-classification') {
    if (!canCollect) return { labels: modelLabels, fromData: false };
    return {
      labels: collectLabelNames(
        records.records.flatMap((sentence) =>
          sentence.tags.map((tag, index) => ({ label: tag, line: sentence.lines[index] as number })),
        ),
        records.file,
      ),
      fromData: true,
    };
  }
  return { labels: [], fromData: false };
}

/** Tokenizes read records into the head's examples (labels checked against `labels`, naming the file and line). */
export async function trainDataSet(
  records: TrainRecords,
  labels: TrainLabels,
  settings: TrainDataSettings,
): Promise<TrainDataSet> {
  const { tokenizer, maxLength } = settings;
  switch (records.task) {
    case 'sequence-classification': {
      const problemType = labels.problemType ?? 'single_label_classification';
      return {
        examples: records.records.map((record) =>
          classificationExample(record, tokenizer, {
            labels: labels.labels,
            problemType,
            maxLength,
            file: records.file,
            indexStrings: records.csv,
          }),
        ),
        references: { kind: 'classification', problemType },
      };
    }
    case 'token-classification':
      return {
        examples: records.records.map((sentence) =>
          tokenClassificationExample(sentence, tokenizer, {
            maxLength,
            labelIds: sentence.tags.map((tag, index) =>
              resolveLabel(tag, labels.labels, { file: records.file, line: sentence.lines[index] as number }),
            ),
          }),
        ),
        references: { kind: 'tokens', labels: labels.labels },
      };
    case 'question-answering': {
      const examples: QuestionAnsweringFeature[] = [];
      const questionOfFeature: number[] = [];
      records.records.forEach((question, index) => {
        for (const feature of questionAnsweringFeatures(question, tokenizer, {
          maxLength,
          docStride: settings.docStride,
        })) {
          examples.push(feature);
          questionOfFeature.push(index);
        }
      });
      return { examples, references: { kind: 'question-answering', questions: records.records, questionOfFeature } };
    }
    case 'other':
      return records.examples();
  }
}

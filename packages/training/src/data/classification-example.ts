import type { ProblemType } from '@albert-ts/config';
import type { AlbertTokenizerFast } from '@albert-ts/tokenizer';
import type { ClassificationRecord } from './classification-records.js';
import { classificationTarget } from './classification-labels.js';
import type { TrainingExample } from './training-example.js';

/** Options of {@link classificationExample}. */
export interface ClassificationExampleOptions {
  /** The model's label names, by class index. */
  readonly labels: readonly string[];
  /** The loss (HF's `problem_type`). */
  readonly problemType: ProblemType;
  /** Longest sequence, special tokens included: longer texts are truncated (`longest_first`). */
  readonly maxLength: number;
  /** The file's name, for errors. */
  readonly file: string;
  /** Accept class indices written as strings (CSV cells). */
  readonly indexStrings?: boolean;
}

/**
 * A sequence-classification training example: `[CLS] text [SEP] (text_pair [SEP])` truncated to
 * `maxLength`, with the label as {@link classificationTarget} maps it.
 *
 * @example
 * ```ts
 * const example = classificationExample({ text: 'Great game!', label: 'sports', line: 1 }, tokenizer, {
 *   labels: ['cooking', 'sports'], problemType: 'single_label_classification', maxLength: 128, file: 'train.jsonl',
 * }); // { inputIds: [2, …, 3], tokenTypeIds: [0, …], label: 1 }
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_LABELS` naming the file and line of a label the model does not have.
 */
export function classificationExample(
  record: ClassificationRecord,
  tokenizer: AlbertTokenizerFast,
  options: ClassificationExampleOptions,
): TrainingExample {
  const label = classificationTarget(
    record.label,
    options.labels,
    options.problemType,
    { file: options.file, line: record.line },
    options.indexStrings === true ? { indexStrings: true } : {},
  );
  const encoding = tokenizer.encode(record.text, {
    truncation: true,
    maxLength: options.maxLength,
    ...(record.textPair === undefined ? {} : { textPair: record.textPair }),
  });
  return { inputIds: encoding.inputIds, tokenTypeIds: encoding.tokenTypeIds, label };
}

import { TrainingError } from '../training-error.js';
import { csvField, csvRecords } from './csv-records.js';
import type { DataChunks } from './data-chunks.js';
import { jsonLines, stringField } from './json-lines.js';
import { emptyFileError } from './text-lines.js';

/** A raw sequence-classification label as a file gives it: a name, a class index, a number (regression) or a list (multi-label). */
export type RawClassificationLabel = string | number | readonly (string | number)[];

/** One example of a sequence-classification file. */
export interface ClassificationRecord {
  /** The text. */
  readonly text: string;
  /** The second text of a pair. */
  readonly textPair?: string;
  /** The label (`label`, or `labels` for multi-label). */
  readonly label: RawClassificationLabel;
  /** 1-based line number. */
  readonly line: number;
}

/** Column names of a classification CSV file. */
export interface ClassificationColumns {
  /** The text column (default `text`). */
  readonly text?: string;
  /** The optional second-text column (default `text_pair`). */
  readonly textPair?: string;
  /** The label column (default `label`). */
  readonly label?: string;
}

/**
 * Sequence-classification examples from JSON Lines: `{"text": ..., "label": ...}`, with `"text_pair"` for
 * pairs; `"label"` is a label name, a class index or (regression) a number; multi-label examples give
 * `"labels": [names or indices]`. Streamed.
 *
 * @example
 * ```ts
 * for await (const record of classificationJsonLines(createReadStream('train.jsonl'), { file: 'train.jsonl' }))
 *   console.log(record.line, record.text, record.label);
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file and line (not JSON, no text, no label,
 *   a label that is neither a name nor a number), or for an empty file.
 */
export async function* classificationJsonLines(
  chunks: DataChunks,
  options: { readonly file: string; readonly maxLineLength?: number },
): AsyncGenerator<ClassificationRecord> {
  const { file } = options;
  let count = 0;
  for await (const object of jsonLines(chunks, options)) {
    const text = stringField(object, 'text', file) as string;
    const textPair = stringField(object, 'text_pair', file, true);
    const single = object.value['label'];
    const multiple = object.value['labels'];
    let label: RawClassificationLabel;
    if (single !== undefined) {
      if (typeof single !== 'string' && !(typeof single === 'number' && Number.isFinite(single)))
        throw new TrainingError(
          'TRAINING_BAD_DATA',
          `${file} line ${object.line}: "label" must be a label name or a number, not ${JSON.stringify(single)}`,
          { file, line: object.line, field: 'label' },
        );
      label = single;
    } else if (multiple !== undefined) {
      if (
        !Array.isArray(multiple) ||
        !multiple.every((item) => typeof item === 'string' || (typeof item === 'number' && Number.isInteger(item)))
      )
        throw new TrainingError(
          'TRAINING_BAD_DATA',
          `${file} line ${object.line}: "labels" must be a list of label names or class indices`,
          { file, line: object.line, field: 'labels' },
        );
      label = multiple as (string | number)[];
    } else
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${file} line ${object.line}: no "label" (or "labels" for multi-label)`,
        {
          file,
          line: object.line,
          field: 'label',
        },
      );
    count += 1;
    yield { text, ...(textPair === undefined ? {} : { textPair }), label, line: object.line };
  }
  if (count === 0) throw emptyFileError(file, 'examples');
}

/**
 * Sequence-classification examples from a CSV file with a header row: columns `text`, `label` and
 * optionally `text_pair` (other names through `columns`; `delimiter: '\t'` for TSV). The label cell is a label name, a class index or
 * (regression) a number; several labels (multi-label) are separated by `|`. Streamed.
 *
 * @example
 * ```ts
 * const records = classificationCsvRecords(createReadStream('train.csv'), { file: 'train.csv', columns: { text: 'sentence' } });
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file and line: bad quoting, a missing column,
 *   an empty file.
 */
export async function* classificationCsvRecords(
  chunks: DataChunks,
  options: {
    readonly file: string;
    readonly columns?: ClassificationColumns;
    readonly maxRecordLength?: number;
    readonly delimiter?: string;
  },
): AsyncGenerator<ClassificationRecord> {
  const { file } = options;
  const textColumn = options.columns?.text ?? 'text';
  const pairColumn = options.columns?.textPair ?? 'text_pair';
  const labelColumn = options.columns?.label ?? 'label';
  let count = 0;
  for await (const record of csvRecords(chunks, {
    file,
    ...(options.maxRecordLength === undefined ? {} : { maxRecordLength: options.maxRecordLength }),
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
  })) {
    const text = csvField(record, textColumn, file);
    const cell = csvField(record, labelColumn, file).trim();
    const textPair = record.fields[pairColumn];
    if (cell === '')
      throw new TrainingError('TRAINING_BAD_DATA', `${file} line ${record.line}: the "${labelColumn}" cell is empty`, {
        file,
        line: record.line,
        field: labelColumn,
      });
    const label: RawClassificationLabel = cell.includes('|') ? cell.split('|').map((part) => part.trim()) : cell;
    count += 1;
    yield { text, ...(textPair === undefined ? {} : { textPair }), label, line: record.line };
  }
  if (count === 0) throw emptyFileError(file, 'examples');
}

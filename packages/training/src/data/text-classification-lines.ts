import { TrainingError } from '../training-error.js';

/** One line of a JSON Lines text-classification file. */
export interface TextClassificationLine {
  /** The text. */
  readonly text: string;
  /** The second text of a pair, when given. */
  readonly textPair?: string;
  /** The label: a name (mapped through `label2id`) or a class index. */
  readonly label: string | number;
  /** 1-based line number in the file. */
  readonly line: number;
}

/**
 * Parses JSON Lines `{ "text": ..., "text_pair"?: ..., "label": ... }` (blank lines skipped).
 *
 * @throws {@link TrainingError} `TRAINING_BAD_BATCH` naming the file and line of a malformed line.
 * @deprecated Use {@link classificationJsonLines}: streamed, with multi-label and regression labels and
 *   `TRAINING_BAD_DATA` errors.
 */
export function parseTextClassificationLines(content: string, file: string): TextClassificationLine[] {
  const lines: TextClassificationLine[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      throw new TrainingError('TRAINING_BAD_BATCH', `${file}:${line}: not JSON (${(error as Error).message})`, {
        file,
        line,
      });
    }
    const record = value as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || typeof record['text'] !== 'string')
      throw new TrainingError('TRAINING_BAD_BATCH', `${file}:${line}: expected an object with a string "text"`, {
        file,
        line,
      });
    const label = record['label'];
    if (typeof label !== 'string' && !(typeof label === 'number' && Number.isInteger(label) && label >= 0)) {
      throw new TrainingError(
        'TRAINING_BAD_LABELS',
        `${file}:${line}: "label" must be a label name or a class index ≥ 0, not ${JSON.stringify(label)}`,
        { file, line, value: label },
      );
    }
    const pair = record['text_pair'];
    if (pair !== undefined && typeof pair !== 'string')
      throw new TrainingError('TRAINING_BAD_BATCH', `${file}:${line}: "text_pair" must be a string`, { file, line });
    lines.push({ text: record['text'] as string, ...(pair === undefined ? {} : { textPair: pair }), label, line });
  });
  return lines;
}

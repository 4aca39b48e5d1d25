import { TrainingError } from '../training-error.js';
import type { DataChunks } from './data-chunks.js';
import { textLines } from './text-lines.js';

/** One object of a JSON Lines file. */
export interface JsonLineObject {
  /** The parsed object. */
  readonly value: Readonly<Record<string, unknown>>;
  /** 1-based line number. */
  readonly line: number;
}

/**
 * The objects of a JSON Lines file, streamed (blank lines skipped).
 *
 * @example
 * ```ts
 * for await (const { value, line } of jsonLines(createReadStream('train.jsonl'), { file: 'train.jsonl' })) ...
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file and line of a line that is not a JSON
 *   object (or is too long).
 */
export async function* jsonLines(
  chunks: DataChunks,
  options: { readonly file: string; readonly maxLineLength?: number },
): AsyncGenerator<JsonLineObject> {
  const { file } = options;
  for await (const { text, line } of textLines(chunks, options)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      throw new TrainingError('TRAINING_BAD_DATA', `${file} line ${line}: not JSON (${(error as Error).message})`, {
        file,
        line,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${file} line ${line}: expected a JSON object, not ${JSON.stringify(value).slice(0, 40)}`,
        {
          file,
          line,
        },
      );
    yield { value: value as Record<string, unknown>, line };
  }
}

/**
 * `value[key]` when it is a string (or absent with `optional`).
 *
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file, line and field.
 */
export function stringField(
  object: JsonLineObject,
  key: string,
  file: string,
  optional: boolean = false,
): string | undefined {
  const value = object.value[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string')
    throw new TrainingError(
      'TRAINING_BAD_DATA',
      `${file} line ${object.line}: "${key}" must be a string${value === undefined ? ' (it is missing)' : `, not ${JSON.stringify(value).slice(0, 40)}`}`,
      { file, line: object.line, field: key },
    );
  return value;
}

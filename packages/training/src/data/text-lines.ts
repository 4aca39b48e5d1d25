import { TrainingError } from '../training-error.js';
import { decodeDataChunks, DEFAULT_MAX_LINE_LENGTH, type DataChunks } from './data-chunks.js';

/** One line of a text file. */
export interface TextLine {
  /** The line without its line break (`\n` or `\r\n`). */
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
}

/** Options of {@link textLines}. */
export interface TextLinesOptions {
  /** The file's name, for errors. */
  readonly file: string;
  /** The longest line accepted, in characters (default {@link DEFAULT_MAX_LINE_LENGTH}). */
  readonly maxLineLength?: number;
}

/** The typed error of a line longer than the bound. */
export function lineTooLongError(file: string, line: number, maxLineLength: number): TrainingError {
  return new TrainingError(
    'TRAINING_BAD_DATA',
    `${file} line ${line}: longer than ${maxLineLength} characters (is it the right file?)`,
    { file, line, maxLineLength },
  );
}

/**
 * The lines of a text file, streamed: only the current line is held, and a line longer than
 * `maxLineLength` is a typed error before it is read whole. A final line without a line break counts.
 *
 * @example
 * ```ts
 * for await (const { text, line } of textLines(createReadStream('corpus.txt'), { file: 'corpus.txt' })) ...
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` for a line that is too long or bytes that are not UTF-8.
 */
export async function* textLines(chunks: DataChunks, options: TextLinesOptions): AsyncGenerator<TextLine> {
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  let pending = '';
  let line = 1;
  for await (const text of decodeDataChunks(chunks, options.file)) {
    let start = 0;
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', start)) {
      let content = pending + text.slice(start, index);
      if (content.endsWith('\r')) content = content.slice(0, -1);
      if (content.length > maxLineLength) throw lineTooLongError(options.file, line, maxLineLength);
      yield { text: content, line };
      pending = '';
      line += 1;
      start = index + 1;
    }
    pending += text.slice(start);
    if (pending.length > maxLineLength + 1) throw lineTooLongError(options.file, line, maxLineLength);
  }
  if (pending.endsWith('\r')) pending = pending.slice(0, -1);
  if (pending.length > maxLineLength) throw lineTooLongError(options.file, line, maxLineLength);
  if (pending !== '') yield { text: pending, line };
}

/** The typed error of a file without any example. */
export function emptyFileError(file: string, what: string): TrainingError {
  return new TrainingError('TRAINING_BAD_DATA', `${file}: no ${what} (the file is empty)`, { file });
}

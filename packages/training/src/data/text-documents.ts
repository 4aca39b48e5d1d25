import { TrainingError } from '../training-error.js';
import type { DataChunks } from './data-chunks.js';
import { emptyFileError, textLines } from './text-lines.js';

/** One document of a plain-text corpus. */
export interface TextDocument {
  /** The document's lines joined with `\n`. */
  readonly text: string;
  /** 1-based line number of its first line. */
  readonly line: number;
}

/** Options of {@link textDocuments}. */
export interface TextDocumentsOptions {
  /** The file's name, for errors. */
  readonly file: string;
  /** The longest line, in characters (default 1 Mi). */
  readonly maxLineLength?: number;
  /** The longest document, in characters (default 16 Mi). */
  readonly maxDocumentLength?: number;
}

/**
 * The documents of a plain-text corpus (the format of ALBERT's and BERT's pretraining data): documents
 * separated by blank lines. Streamed: one document is held at a time, and it is bounded.
 *
 * @example
 * ```ts
 * for await (const document of textDocuments(createReadStream('corpus.txt'), { file: 'corpus.txt' }))
 *   examples.push(...pretrainingExamples(document.text, tokenizer, { vocabSize, random }));
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` for a line or document that is too long, or an empty file.
 */
export async function* textDocuments(chunks: DataChunks, options: TextDocumentsOptions): AsyncGenerator<TextDocument> {
  const maxDocumentLength = options.maxDocumentLength ?? 16 * 1024 * 1024;
  let lines: string[] = [];
  let length = 0;
  let first = 0;
  let count = 0;
  for await (const { text, line } of textLines(chunks, options)) {
    if (text.trim() === '') {
      if (lines.length > 0) {
        count += 1;
        yield { text: lines.join('\n'), line: first };
      }
      lines = [];
      length = 0;
      continue;
    }
    if (lines.length === 0) first = line;
    length += text.length + 1;
    if (length > maxDocumentLength)
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${options.file} line ${line}: the document that starts on line ${first} is longer than ${maxDocumentLength} characters (separate documents with a blank line)`,
        { file: options.file, line },
      );
    lines.push(text);
  }
  if (lines.length > 0) {
    count += 1;
    yield { text: lines.join('\n'), line: first };
  }
  if (count === 0) throw emptyFileError(options.file, 'text');
}

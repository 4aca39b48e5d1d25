import { TrainingError } from '../training-error.js';

/**
 * The content of a data file as it arrives: chunks of text or UTF-8 bytes, from a Node stream
 * (`createReadStream(path)`), a web `ReadableStream`, or an array (`['line 1\n', 'line 2\n']`).
 */
export type DataChunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** The default bound of one line (or one CSV record) in characters: 1 Mi. */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 20;

/**
 * Decodes `chunks` to text chunks: bytes as strict UTF-8 (a byte order mark at the start is dropped),
 * strings as they are.
 *
 * @example
 * ```ts
 * for await (const text of decodeDataChunks(createReadStream('train.jsonl'), 'train.jsonl')) process(text);
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` when the bytes are not UTF-8.
 */
export async function* decodeDataChunks(chunks: DataChunks, file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let first = true;
  const decode = (bytes?: Uint8Array): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw new TrainingError('TRAINING_BAD_DATA', `${file}: not UTF-8 text`, { file });
    }
  };
  for await (const chunk of chunks as AsyncIterable<string | Uint8Array>) {
    let text = typeof chunk === 'string' ? chunk : decode(chunk);
    if (first && text !== '') {
      if (typeof chunk === 'string' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text !== '') yield text;
  }
  const rest = decode();
  if (rest !== '') yield rest;
}

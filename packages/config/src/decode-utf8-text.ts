import { InvalidTextError } from './invalid-text-error.js';

/**
 * Decodes the bytes of a text file of a model as UTF-8: a leading byte order mark is dropped, an
 * invalid byte sequence is an error (never replaced by U+FFFD). The one rule for every JSON/text file
 * of a model, used by the checkpoint readers, the tokenizer loaders and the CLI.
 *
 * @example
 * ```ts
 * const config = AlbertConfig.parse(decodeUtf8Text(await readFile('config.json'), 'config.json'));
 * ```
 * @param bytes - the file's bytes.
 * @param file - the file's name, for the error.
 * @throws `InvalidTextError` (of `@albert-ts/config`) with the code `CHECKPOINT_INVALID_TEXT`, naming the file.
 */
export function decodeUtf8Text(bytes: Uint8Array | ArrayBuffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new InvalidTextError(`${file}: the file is not valid UTF-8 text`, { file }, { cause });
  }
}

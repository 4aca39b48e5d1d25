import { CheckpointError } from './checkpoint-error.js';

/**
 * Decodes the bytes of a text file of a model as UTF-8: a leading byte order mark is dropped, an
 * invalid byte sequence is an error. Used for every JSON file of a model, by the library and the CLI.
 *
 * @throws {@link CheckpointError} `CHECKPOINT_INVALID_TEXT` naming the file.
 */
export function decodeUtf8Text(bytes: Uint8Array | ArrayBuffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CheckpointError('CHECKPOINT_INVALID_TEXT', `${file}: the file is not valid UTF-8 text`, { file });
  }
}

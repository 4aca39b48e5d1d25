import { AlbertError } from './albert-error.js';

/** Structured context of an {@link InvalidTextError}. */
export interface InvalidTextErrorDetails {
  /** The file whose bytes are not UTF-8 text. */
  readonly file: string;
  /** Other context. */
  readonly [key: string]: unknown;
}

/**
 * A text file of a model (`config.json`, `tokenizer.json`, `tokenizer_config.json`, an index, a cases
 * file ...) is not valid UTF-8. Thrown by {@link decodeUtf8Text} for the library, the tokenizer and the
 * CLI alike, with the stable code `CHECKPOINT_INVALID_TEXT` and the file in `details.file`.
 */
export class InvalidTextError extends AlbertError {
  /** Always `CHECKPOINT_INVALID_TEXT`. */
  declare readonly code: 'CHECKPOINT_INVALID_TEXT';
  /** The file; see {@link InvalidTextErrorDetails}. */
  declare readonly details: InvalidTextErrorDetails;

  /**
   * @param message - human-readable message naming the file.
   * @param details - the file and other context.
   * @param options - standard error options (`cause`).
   */
  constructor(message: string, details: InvalidTextErrorDetails, options?: { cause?: unknown }) {
    super('CHECKPOINT_INVALID_TEXT', message, { ...details }, options);
  }
}

import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link TokenizerError}. */
export type TokenizerErrorCode =
  | 'TOKENIZER_MODEL_CORRUPT'
  | 'TOKENIZER_UNSUPPORTED_MODEL'
  | 'TOKENIZER_INVALID_INPUT'
  | 'TOKENIZER_INVALID_OPTION'
  | 'TOKENIZER_INVALID_CONFIG'
  | 'TOKENIZER_FILE_NOT_FOUND'
  | 'TOKENIZER_TRUNCATION_ERROR'
  | 'TOKENIZER_LIMIT_EXCEEDED'
  | 'TOKENIZER_NODE_ONLY';

/**
 * Error thrown by `@albert-ts/tokenizer`: a corrupt or unsupported vocabulary file, an input that is
 * not a string, an invalid option, a file or text past a documented limit (`TOKENIZER_LIMIT_EXCEEDED`:
 * nesting depth, pattern size, normalized-text growth; see docs/testing.md). `details` names the file and what is wrong (`file`, `field`,
 * `offset`, `value`, ...).
 */
export class TokenizerError extends AlbertError {
  declare readonly code: TokenizerErrorCode;

  /**
   * @param code - stable error code.
   * @param message - human-readable message naming the file / field / value.
   * @param details - structured context.
   * @param options - standard error options (`cause`).
   */
  constructor(
    code: TokenizerErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
  }
}

/**
 * Base class of every error albert-ts throws on purpose.
 *
 * Each error carries a stable machine-readable {@link AlbertError.code} (for example
 * `CONFIG_INVALID_FIELD` or `CHECKPOINT_MISSING_TENSOR`) and, in {@link AlbertError.details}, the
 * offending file, field, key or value, so that callers can react without parsing the message.
 * Subclasses in each package narrow the code.
 *
 * @example
 * ```ts
 * import { AlbertError } from '@albert-ts/config';
 * import { AlbertForMaskedLM } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 *
 * try {
 *   await AlbertForMaskedLM.fromPretrained('./not-a-model', { backend: nodeBackend() });
 * } catch (error) {
 *   if (error instanceof AlbertError) console.error(error.code, error.message); // a stable code, then what and where
 *   else throw error;
 * }
 * ```
 */
export class AlbertError extends Error {
  /** Stable error code, in SCREAMING_SNAKE_CASE, prefixed by the area (`CONFIG_`, `TOKENIZER_`, ...). */
  readonly code: string;
  /** Structured context: the file, field, key, expected and actual values where they apply. */
  readonly details: Readonly<Record<string, unknown>>;

  /**
   * @param code - stable error code.
   * @param message - human-readable message that names the file/field/value.
   * @param details - structured context.
   * @param options - standard error options (`cause`).
   */
  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Narrowing helper: is `error` an {@link AlbertError} (optionally with the given code)? */
export function isAlbertError(error: unknown, code?: string): error is AlbertError {
  return error instanceof AlbertError && (code === undefined || error.code === code);
}

import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link VerifyError}. */
export type VerifyErrorCode =
  | 'VERIFY_INVALID_CASES'
  | 'VERIFY_UNKNOWN_CHECKPOINT'
  | 'VERIFY_CASES_NOT_FOUND'
  /** A checkpoint failed with an error that carries no code of its own (reported, never thrown). */
  | 'VERIFY_RUN_FAILED'
  /** An output has another shape or kind than the reference (reported per output). */
  | 'VERIFY_OUTPUT_MISMATCH'
  /** An output differs from the reference by more than the tolerance (reported per output). */
  | 'VERIFY_TOLERANCE_EXCEEDED';

/** A reference `cases.json` is malformed or names something albert-ts does not know. */
export class VerifyError extends AlbertError {
  declare readonly code: VerifyErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming the file and field.
   * @param details - `file`, `field`, `value`.
   */
  constructor(code: VerifyErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

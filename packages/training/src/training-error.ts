import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link TrainingError}. */
export type TrainingErrorCode =
  | 'TRAINING_UNSUPPORTED_OPERATOR'
  | 'TRAINING_UNSUPPORTED_OPTION'
  | 'TRAINING_BAD_OPTIONS'
  | 'TRAINING_BAD_LABELS'
  | 'TRAINING_BAD_BATCH'
  | 'TRAINING_BAD_DATA'
  | 'TRAINING_BAD_STATE'
  | 'TRAINING_ABORTED'
  | 'TRAINING_NO_PARAMETERS';

/**
 * Training cannot go on: an unsupported operator or option, bad labels or batches, a bad optimizer state.
 *
 * @example
 * ```ts
 * try {
 *   await trainer.step(batch);
 * } catch (error) {
 *   if (error instanceof TrainingError && error.code === 'TRAINING_BAD_BATCH') console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class TrainingError extends AlbertError {
  declare readonly code: TrainingErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming the option, field, operator or value.
   * @param details - the offending `field`, `value`, `operator`, ...
   */
  constructor(code: TrainingErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

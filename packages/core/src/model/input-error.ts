import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link InputError}. */
export type InputErrorCode =
  | 'INPUT_MISSING'
  | 'INPUT_CONFLICT'
  | 'INPUT_RAGGED'
  | 'INPUT_RANK'
  | 'INPUT_SHAPE_MISMATCH'
  | 'INPUT_SHAPE_INVALID'
  | 'INPUT_NOT_NUMBER'
  | 'INPUT_EMPTY'
  | 'INPUT_NOT_INTEGER'
  | 'INPUT_NOT_FINITE'
  | 'INPUT_OUT_OF_RANGE'
  | 'INPUT_SEQUENCE_TOO_LONG'
  | 'INPUT_HEAD_MASK_SHAPE'
  | 'INPUT_LABEL_SHAPE'
  | 'INPUT_LABEL_OUT_OF_RANGE'
  | 'INPUT_NO_MASK_TOKEN';

/**
 * Inputs or labels given to a model are invalid for its config (out-of-range token id, ragged batch,
 * sequence longer than `max_position_embeddings`, ...). Raised before anything reaches the runtime.
 * `details` names the `field` (HF name, e.g. `input_ids`), the `value` and, where it applies, the
 * `index` of the offending element and the `expected` range or shape.
 */
export class InputError extends AlbertError {
  declare readonly code: InputErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming the field and value.
   * @param details - `field`, `value`, `index`, `expected`, `actual`.
   */
  constructor(code: InputErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

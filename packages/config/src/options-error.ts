import { AlbertError } from './albert-error.js';

/**
 * Stable codes of {@link OptionsError}:
 * - `OPTIONS_UNKNOWN_KEY`: an options object has a key the function does not take (often a Python
 *   keyword such as `top_k`; the message names the right spelling, `topK`).
 * - `OPTIONS_NOT_AN_OBJECT`: the options are not a plain object.
 */
export type OptionsErrorCode = 'OPTIONS_UNKNOWN_KEY' | 'OPTIONS_NOT_AN_OBJECT';

/**
 * An options object is not what the function takes. `details` holds `where` (the function, e.g.
 * `fromPretrained`), `key` (the unknown key), `suggestion` (the right spelling, when one is close) and
 * `allowed` (every accepted key).
 */
export class OptionsError extends AlbertError {
  declare readonly code: OptionsErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming the function and the key.
   * @param details - `where`, `key`, `suggestion`, `allowed`.
   */
  constructor(code: OptionsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

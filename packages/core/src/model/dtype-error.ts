import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link DtypeError}. */
export type DtypeErrorCode = 'DTYPE_UNKNOWN' | 'DTYPE_UNSUPPORTED_BY_BACKEND';

/**
 * The requested model `dtype` is unknown, or the backend cannot run it (e.g. `fp16` on a backend
 * whose `capabilities.float16` is false, `int8` off CPU/WASM). `details` names the `field` (`dtype`),
 * the `value` and the `backend`.
 */
export class DtypeError extends AlbertError {
  declare readonly code: DtypeErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming the dtype and the backend.
   * @param details - `field`, `value`, `backend`.
   */
  constructor(code: DtypeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

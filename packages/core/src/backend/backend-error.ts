import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link BackendError}. */
export type BackendErrorCode =
  'BACKEND_UNAVAILABLE' | 'BACKEND_NONE_GIVEN' | 'BACKEND_SPECIFICATION_VERSION' | 'BACKEND_UNKNOWN_NAME';

/** No backend can run here, or a backend value does not speak this version of the contract. */
export class BackendError extends AlbertError {
  declare readonly code: BackendErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming every backend and its reason.
   * @param details - `reasons` (backend name → probe reason) or the offending `backend`.
   */
  constructor(code: BackendErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

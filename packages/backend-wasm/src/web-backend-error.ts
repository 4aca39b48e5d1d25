import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link WebBackendError}. */
export type WebBackendErrorCode =
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND_SETTINGS_CONFLICT'
  | 'BACKEND_LOAD_FAILED'
  | 'BACKEND_INVALID_FEED'
  | 'BACKEND_UNKNOWN_OUTPUT'
  | 'BACKEND_UNSUPPORTED_DTYPE'
  | 'BACKEND_RUN_FAILED'
  | 'BACKEND_DISPOSED';

/**
 * An error of an onnxruntime-web backend (`wasm`, `webgpu`). `details.backend` names the backend;
 * `details.input`/`details.output` name the offending graph value; `details.expected`/`details.actual`
 * hold what was expected and found. Errors thrown by onnxruntime itself are attached as `cause`.
 */
export class WebBackendError extends AlbertError {
  /** Stable code, one of {@link WebBackendErrorCode}. */
  declare readonly code: WebBackendErrorCode;

  /**
   * @param code - stable error code.
   * @param message - human-readable message naming the backend and the offending value.
   * @param details - structured context (`backend`, `input`, `output`, `expected`, `actual`).
   * @param options - standard error options (`cause`).
   */
  constructor(
    code: WebBackendErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
  }
}

import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link DeviceTensorError}. */
export type DeviceTensorErrorCode =
  /** The handle was disposed (by its owner, or because its session was disposed). */
  | 'DEVICE_TENSOR_DISPOSED'
  /** The handle was fed to a session that did not produce it (another session or another backend). */
  | 'DEVICE_TENSOR_FOREIGN'
  /** Device tensors were asked of a backend whose capabilities do not include them. */
  | 'DEVICE_TENSORS_UNSUPPORTED'
  /** `deviceOutputNames` is not a list of distinct output names of the graph. */
  | 'DEVICE_TENSOR_BAD_OUTPUT_NAMES';

/**
 * A {@link DeviceTensor} was used when it no longer can be (disposed), where it cannot be (fed to a session
 * that did not produce it), or device tensors were asked of a backend without them. `details` names the
 * backend, the tensor's output name and the input it was fed to where they apply.
 *
 * @example
 * ```ts
 * import { DeviceTensorError, type DeviceTensor } from '@albert-ts/core';
 *
 * declare const handle: DeviceTensor;
 * try {
 *   await handle.download();
 * } catch (error) {
 *   if (error instanceof DeviceTensorError && error.code === 'DEVICE_TENSOR_DISPOSED') console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class DeviceTensorError extends AlbertError {
  declare readonly code: DeviceTensorErrorCode;

  /**
   * @param code - stable code.
   * @param message - what was used where, and why it cannot be.
   * @param details - `backend`, `output` (the handle's output name), `input` (where it was fed).
   * @param options - standard error options (`cause`).
   */
  constructor(
    code: DeviceTensorErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
  }
}

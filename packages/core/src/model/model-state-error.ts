import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link ModelStateError}. */
export type ModelStateErrorCode = 'MODEL_WEIGHTS_RELEASED' | 'MODEL_DISPOSED';

/**
 * A model instance was asked for something it no longer holds: `weights` read synchronously after
 * the model released its JavaScript copy of the weights (see `FromPretrainedOptions.keepWeights`),
 * `MODEL_WEIGHTS_RELEASED`; any call after `dispose()`, `MODEL_DISPOSED`.
 * `details` names the `field` and how to get it back.
 */
export class ModelStateError extends AlbertError {
  declare readonly code: ModelStateErrorCode;

  /**
   * @param code - stable code.
   * @param message - what was asked for and how to get it.
   * @param details - `field`, `hint`.
   */
  constructor(code: ModelStateErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

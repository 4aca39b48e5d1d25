import { TrainingError } from '../training-error.js';
import type { ParameterSet } from './parameter-set.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The largest total norm the gradients keep. */
  readonly maxNorm: number;
  /** The norm's order (default 2; `Infinity` for the max norm). */
  readonly normType?: number;
}

/**
 * Scales every gradient in place so that their total norm is at most `maxNorm`, with the semantics of
 * `torch.nn.utils.clip_grad_norm_`: the total norm is the norm of the per-tensor norms, the scale is
 * `maxNorm / (total + 1e-6)` clamped to at most 1, and it is applied (as a float32 multiply) whenever
 * it was computed, 1 included. Returns the total norm before clipping.
 *
 * @example
 * ```ts
 * const norm = clipGradNorm(gradients, { maxNorm: 1 });
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_OPTIONS` for a negative or non-finite `maxNorm`.
 */
export function clipGradNorm(gradients: ParameterSet, options: ClipGradNormOptions): number {
  const strictKeys = new Set(['maxNorm', 'normType']);
  for (const key of Object.keys(options))
    if (!strictKeys.has(key))
      throw new TrainingError('TRAINING_BAD_OPTIONS', `clipGradNorm: unknown option ${key} (maxNorm, normType)`, {
        field: key,
      });
  const { maxNorm } = options;
  const normType = options.normType ?? 2;
  if (!(maxNorm >= 0) || !Number.isFinite(maxNorm))
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `clipGradNorm: maxNorm must be a finite number ≥ 0, not ${maxNorm}`,
      { field: 'maxNorm', value: maxNorm },
    );
  if (gradients.size === 0) return 0;
  const norms: number[] = [];
  for (const gradient of gradients.values()) {
    let norm = 0;
    if (normType === Infinity) for (const value of gradient) norm = Math.max(norm, Math.abs(value));
    else if (normType === 2) {
      for (let index = 0; index < gradient.length; index += 1)
        norm += (gradient[index] as number) * (gradient[index] as number);
      norm = Math.sqrt(norm);
    } else {
      for (const value of gradient) norm += Math.abs(value) ** normType;
      norm **= 1 / normType;
    }
    norms.push(Math.fround(norm));
  }
  const total = Math.fround(
    normType === Infinity
      ? Math.max(...norms)
      : norms.reduce((sum, norm) => sum + norm ** normType, 0) ** (1 / normType),
  );
  const coefficient = Math.fround(Math.min(Math.fround(maxNorm / Math.fround(total + 1e-6)), 1));
  for (const gradient of gradients.values())
    for (let index = 0; index < gradient.length; index += 1)
      gradient[index] = Math.fround((gradient[index] as number) * coefficient);
  return total;
}

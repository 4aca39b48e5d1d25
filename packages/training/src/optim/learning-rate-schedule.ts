import { TrainingError } from '../training-error.js';

/** Options of {@link learningRateSchedule}. */
export interface LearningRateScheduleOptions {
  /** The peak learning rate. */
  readonly lr: number;
  /** Optimizer steps of linear warmup from 0 (default 0). */
  readonly warmupSteps?: number;
  /** Total optimizer steps. */
  readonly totalSteps: number;
  /** The decay after warmup (default `linear`): to 0 at `totalSteps`; `constant` keeps `lr`. */
  readonly decay?: 'linear' | 'cosine' | 'constant';
}

/**
 * The learning rate of optimizer step `step` (0-based), as HF's `get_linear_schedule_with_warmup` /
 * `get_cosine_schedule_with_warmup` (half a cosine cycle) / `get_constant_schedule_with_warmup`.
 *
 * @example
 * ```ts
 * const lrAt = learningRateSchedule({ lr: 5e-5, warmupSteps: 100, totalSteps: 1000 });
 * optimizer.lr = lrAt(step);
 * ```
 */
export function learningRateSchedule(options: LearningRateScheduleOptions): (step: number) => number {
  const allowed = new Set(['lr', 'warmupSteps', 'totalSteps', 'decay']);
  for (const key of Object.keys(options))
    if (!allowed.has(key))
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `learningRateSchedule: unknown option ${key} (${[...allowed].join(', ')})`,
        { field: key },
      );
  const warmup = options.warmupSteps ?? 0;
  const total = options.totalSteps;
  const decay = options.decay ?? 'linear';
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `learningRateSchedule: warmupSteps must be an integer ≥ 0, not ${warmup}`,
      { field: 'warmupSteps', value: warmup },
    );
  if (!Number.isInteger(total) || total < 0)
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `learningRateSchedule: totalSteps must be an integer ≥ 0, not ${total}`,
      { field: 'totalSteps', value: total },
    );
  if (!['linear', 'cosine', 'constant'].includes(decay))
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `learningRateSchedule: decay must be linear, cosine or constant, not ${String(decay)}`,
      { field: 'decay', value: decay },
    );
  return (step: number): number => {
    if (step < warmup) return (options.lr * step) / Math.max(1, warmup);
    if (decay === 'constant') return options.lr;
    const progress = (step - warmup) / Math.max(1, total - warmup);
    if (decay === 'linear') return options.lr * Math.max(0, (total - step) / Math.max(1, total - warmup));
    return options.lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
  };
}

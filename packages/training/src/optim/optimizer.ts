import type { ParameterSet, ReadonlyParameterSet } from './parameter-set.js';

/** An optimizer's state in a form that can be saved: scalars as JSON, tensors by name. */
export interface OptimizerStateDict {
  /** `AdamW` or `SGD`. */
  readonly type: string;
  /** The optimizer's hyper-parameters and step counts, JSON-serializable. */
  readonly scalars: Readonly<Record<string, unknown>>;
  /** Per-parameter state tensors, named `<parameter>.<state>` (`….exp_avg`, `….exp_avg_sq`, `….momentum_buffer`). */
  readonly tensors: ReadonlyMap<string, Float32Array>;
}

/** A first-order optimizer over named float32 parameters (updated in place). */
export interface Optimizer {
  /** The learning rate of the next step (schedules set it). */
  lr: number;
  /** Updates `parameters` in place from `gradients`; parameters without a gradient are left alone. */
  step(parameters: ParameterSet, gradients: ReadonlyParameterSet): void;
  /** The state to save (see {@link OptimizerStateDict}). */
  stateDict(): OptimizerStateDict;
  /** Restores a state saved by {@link Optimizer.stateDict}. */
  loadStateDict(state: OptimizerStateDict): void;
}

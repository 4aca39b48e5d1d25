import { TrainingError } from '../training-error.js';
import type { Optimizer, OptimizerStateDict } from './optimizer.js';
import { decaysByDefault } from './parameter-groups.js';
import type { ParameterSet, ReadonlyParameterSet } from './parameter-set.js';

/** Options of {@link AdamW} (PyTorch's defaults). */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). */
  readonly lr?: number;
  /** `(β1, β2)` (default `[0.9, 0.999]`). */
  readonly betas?: readonly [number, number];
  /** Added to `√v̂` (default 1e-8). */
  readonly eps?: number;
  /** Decoupled weight decay (default 0.01) for the parameters `decays` selects. */
  readonly weightDecay?: number;
  /** Which parameters get weight decay (default {@link decaysByDefault}: not biases and LayerNorm weights). */
  readonly decays?: (name: string) => boolean;
}

const OPTION_KEYS = new Set(['lr', 'betas', 'eps', 'weightDecay', 'decays']);
const f = Math.fround;

/** Checks an options object's keys against the allowed ones. */
export function checkOptionKeys(where: string, options: object, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(options)) {
    if (!allowed.has(key))
      throw new TrainingError('TRAINING_BAD_OPTIONS', `${where}: unknown option ${key} (${[...allowed].join(', ')})`, {
        field: key,
      });
  }
}

function checkNumber(where: string, field: string, value: number, low: number, high = Infinity): void {
  if (!(typeof value === 'number' && value >= low && value <= high))
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `${where}: ${field} must be in [${low}, ${high}], not ${String(value)}`,
      { field, value },
    );
}

/**
 * AdamW with the semantics of `torch.optim.AdamW` (single-tensor path, float32 state): decoupled
 * weight decay `p ← p·(1 − lr·λ)` first, then `m ← lerp(m, g, 1 − β1)`, `v ← β2·v + (1 − β2)·g²`,
 * `p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)`, each rounded to float32 as PyTorch's kernels do.
 * The step count is per parameter; a parameter without a gradient is skipped entirely (no decay, no
 * step count), as PyTorch skips `p.grad is None`.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW({ lr: 5e-5, weightDecay: 0.01 });
 * clipGradNorm(gradients, { maxNorm: 1 });
 * optimizer.step(parameters, gradients);
 * ```
 */
export class AdamW implements Optimizer {
  lr: number;
  private readonly betas: readonly [number, number];
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly decays: (name: string) => boolean;
  private readonly steps = new Map<string, number>();
  private readonly expAvg = new Map<string, Float32Array>();
  private readonly expAvgSq = new Map<string, Float32Array>();

  /** @param options - hyper-parameters (strict: an unknown key is a `TRAINING_BAD_OPTIONS` error). */
  constructor(options: AdamWOptions = {}) {
    checkOptionKeys('AdamW', options, OPTION_KEYS);
    this.lr = options.lr ?? 1e-3;
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.decays = options.decays ?? decaysByDefault;
    checkNumber('AdamW', 'lr', this.lr, 0);
    checkNumber('AdamW', 'betas[0]', this.betas[0], 0, 1 - Number.EPSILON);
    checkNumber('AdamW', 'betas[1]', this.betas[1], 0, 1 - Number.EPSILON);
    checkNumber('AdamW', 'eps', this.eps, 0);
    checkNumber('AdamW', 'weightDecay', this.weightDecay, 0);
  }

  /** The hyper-parameters besides the learning rate (for an update graph built to match). */
  get hyperParameters(): {
    /** `(β1, β2)`. */
    readonly betas: readonly [number, number];
    /** Adam's epsilon. */
    readonly eps: number;
    /** The decoupled weight decay. */
    readonly weightDecay: number;
    /** Which parameters decay. */
    readonly decays: (name: string) => boolean;
  } {
    return { betas: this.betas, eps: this.eps, weightDecay: this.weightDecay, decays: this.decays };
  }

  /**
   * The state of `name` for an update that runs elsewhere (an update graph): its moments (zeros of
   * `length` elements before its first step) and the number of steps it has taken.
   */
  moments(
    name: string,
    length: number,
  ): {
    /** The first moment. */
    readonly expAvg: Float32Array;
    /** The second moment. */
    readonly expAvgSq: Float32Array;
    /** Steps taken. */
    readonly step: number;
  } {
    const expAvg = this.expAvg.get(name) ?? new Float32Array(length);
    const expAvgSq = this.expAvgSq.get(name) ?? new Float32Array(length);
    if (expAvg.length !== length || expAvgSq.length !== length)
      throw new TrainingError(
        'TRAINING_BAD_STATE',
        `AdamW: the state of ${name} has ${expAvg.length} elements, the parameter ${length}`,
        { field: name },
      );
    return { expAvg, expAvgSq, step: this.steps.get(name) ?? 0 };
  }

  /** Records the result of one update of `name` computed elsewhere (an update graph): new moments, one more step. */
  recordStep(name: string, expAvg: Float32Array, expAvgSq: Float32Array): void {
    this.expAvg.set(name, expAvg);
    this.expAvgSq.set(name, expAvgSq);
    this.steps.set(name, (this.steps.get(name) ?? 0) + 1);
  }

  step(parameters: ParameterSet, gradients: ReadonlyParameterSet): void {
    const [beta1, beta2] = this.betas;
    for (const [name, gradient] of gradients) {
      const parameter = parameters.get(name);
      if (parameter === undefined)
        throw new TrainingError('TRAINING_BAD_STATE', `AdamW: a gradient for ${name}, which is not a parameter`, {
          field: name,
        });
      if (parameter.length !== gradient.length)
        throw new TrainingError(
          'TRAINING_BAD_STATE',
          `AdamW: gradient of ${name} has ${gradient.length} elements, the parameter ${parameter.length}`,
          { field: name },
        );
      let m = this.expAvg.get(name);
      let v = this.expAvgSq.get(name);
      if (m === undefined || v === undefined) {
        m = new Float32Array(parameter.length);
        v = new Float32Array(parameter.length);
        this.expAvg.set(name, m);
        this.expAvgSq.set(name, v);
      }
      const step = (this.steps.get(name) ?? 0) + 1;
      this.steps.set(name, step);
      const decay = this.decays(name) ? this.weightDecay : 0;
      const keep = f(1 - this.lr * decay);
      const lerpWeight = f(1 - beta1);
      const beta2f = f(beta2);
      const oneMinusBeta2 = f(1 - beta2);
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2Sqrt = f(Math.sqrt(1 - beta2 ** step));
      const stepSize = f(-(this.lr / biasCorrection1));
      const eps = f(this.eps);
      for (let index = 0; index < parameter.length; index += 1) {
        const g = gradient[index] as number;
        let p = parameter[index] as number;
        if (decay !== 0) p = f(p * keep);
        const mean = f((m[index] as number) + f(lerpWeight * f(g - (m[index] as number))));
        const square = f(f((v[index] as number) * beta2f) + f(f(oneMinusBeta2 * g) * g));
        m[index] = mean;
        v[index] = square;
        const denominator = f(f(f(Math.sqrt(square)) / biasCorrection2Sqrt) + eps);
        parameter[index] = f(p + f(stepSize * f(mean / denominator)));
      }
    }
  }

  stateDict(): OptimizerStateDict {
    const tensors = new Map<string, Float32Array>();
    for (const [name, m] of this.expAvg) tensors.set(`${name}.exp_avg`, m);
    for (const [name, v] of this.expAvgSq) tensors.set(`${name}.exp_avg_sq`, v);
    return {
      type: 'AdamW',
      scalars: {
        lr: this.lr,
        betas: [...this.betas],
        eps: this.eps,
        weight_decay: this.weightDecay,
        steps: Object.fromEntries(this.steps),
      },
      tensors,
    };
  }

  loadStateDict(state: OptimizerStateDict): void {
    if (state.type !== 'AdamW')
      throw new TrainingError('TRAINING_BAD_STATE', `AdamW cannot load an optimizer state of type ${state.type}`, {
        field: 'type',
        value: state.type,
      });
    const steps = state.scalars['steps'];
    if (typeof steps !== 'object' || steps === null)
      throw new TrainingError('TRAINING_BAD_STATE', 'AdamW state: steps missing', { field: 'steps' });
    this.steps.clear();
    this.expAvg.clear();
    this.expAvgSq.clear();
    for (const [name, step] of Object.entries(steps as Record<string, unknown>)) {
      const m = state.tensors.get(`${name}.exp_avg`);
      const v = state.tensors.get(`${name}.exp_avg_sq`);
      if (
        typeof step !== 'number' ||
        !Number.isInteger(step) ||
        step < 1 ||
        m === undefined ||
        v === undefined ||
        m.length !== v.length
      ) {
        throw new TrainingError(
          'TRAINING_BAD_STATE',
          `AdamW state of ${name} is incomplete (step ${String(step)}, exp_avg and exp_avg_sq needed)`,
          { field: name },
        );
      }
      this.steps.set(name, step);
      this.expAvg.set(name, Float32Array.from(m));
      this.expAvgSq.set(name, Float32Array.from(v));
    }
    if (typeof state.scalars['lr'] === 'number') this.lr = state.scalars['lr'];
  }
}

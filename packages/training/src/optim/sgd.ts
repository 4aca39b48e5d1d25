import { TrainingError } from '../training-error.js';
import { checkOptionKeys } from './adamw.js';
import type { Optimizer, OptimizerStateDict } from './optimizer.js';
import type { ParameterSet, ReadonlyParameterSet } from './parameter-set.js';

/** Options of {@link SGD} (PyTorch's names and defaults). */
export interface SGDOptions {
  /** Learning rate (default 1e-3). */
  readonly lr?: number;
  /** Momentum factor (default 0). */
  readonly momentum?: number;
  /** Dampening of the momentum (default 0). */
  readonly dampening?: number;
  /** L2 penalty added to the gradient (coupled, as `torch.optim.SGD`; default 0). */
  readonly weightDecay?: number;
  /** Nesterov momentum (default false). */
  readonly nesterov?: boolean;
}

const OPTION_KEYS = new Set(['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov']);
const f = Math.fround;

/**
 * Stochastic gradient descent with momentum, as `torch.optim.SGD`: `d = g + λ·p`; the momentum buffer
 * starts as `d` and then follows `b ← μ·b + (1 − dampening)·d`; `p ← p − lr·(nesterov ? d + μ·b : b)`.
 * Parameters without a gradient are skipped.
 *
 * @example
 * ```ts
 * const customOptimizer = new SGD({ lr: 0.01, momentum: 0.9 });
 * const trainer = await Trainer.create({ backend, config, weights, head, customOptimizer });
 * ```
 */
export class SGD implements Optimizer {
  lr: number;
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly weightDecay: number;
  private readonly nesterov: boolean;
  private readonly buffers = new Map<string, Float32Array>();

  /** @param options - hyper-parameters (strict). */
  constructor(options: SGDOptions = {}) {
    checkOptionKeys('SGD', options, OPTION_KEYS);
    this.lr = options.lr ?? 1e-3;
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        'SGD: Nesterov momentum requires a momentum > 0 and zero dampening',
        { field: 'nesterov', value: true },
      );
    }
  }

  step(parameters: ParameterSet, gradients: ReadonlyParameterSet): void {
    for (const [name, gradient] of gradients) {
      const parameter = parameters.get(name);
      if (parameter === undefined || parameter.length !== gradient.length)
        throw new TrainingError('TRAINING_BAD_STATE', `SGD: the gradient of ${name} does not match a parameter`, {
          field: name,
        });
      let buffer = this.buffers.get(name);
      const first = buffer === undefined;
      if (this.momentum !== 0 && buffer === undefined) {
        buffer = new Float32Array(parameter.length);
        this.buffers.set(name, buffer);
      }
      for (let index = 0; index < parameter.length; index += 1) {
        let d = gradient[index] as number;
        if (this.weightDecay !== 0) d = f(d + f(this.weightDecay * (parameter[index] as number)));
        if (buffer !== undefined) {
          const b = first ? d : f(f(this.momentum * (buffer[index] as number)) + f((1 - this.dampening) * d));
          buffer[index] = b;
          d = this.nesterov ? f(d + f(this.momentum * b)) : b;
        }
        parameter[index] = f((parameter[index] as number) - f(this.lr * d));
      }
    }
  }

  stateDict(): OptimizerStateDict {
    const tensors = new Map<string, Float32Array>();
    for (const [name, buffer] of this.buffers) tensors.set(`${name}.momentum_buffer`, buffer);
    return {
      type: 'SGD',
      scalars: {
        lr: this.lr,
        momentum: this.momentum,
        dampening: this.dampening,
        weight_decay: this.weightDecay,
        nesterov: this.nesterov,
      },
      tensors,
    };
  }

  loadStateDict(state: OptimizerStateDict): void {
    if (state.type !== 'SGD')
      throw new TrainingError('TRAINING_BAD_STATE', `SGD cannot load an optimizer state of type ${state.type}`, {
        field: 'type',
        value: state.type,
      });
    this.buffers.clear();
    for (const [key, tensor] of state.tensors) {
      if (!key.endsWith('.momentum_buffer'))
        throw new TrainingError('TRAINING_BAD_STATE', `SGD state: unexpected tensor ${key}`, { field: key });
      this.buffers.set(key.slice(0, -'.momentum_buffer'.length), Float32Array.from(tensor));
    }
    if (typeof state.scalars['lr'] === 'number') this.lr = state.scalars['lr'];
  }
}

import { createTensor, type Backend, type BackendLoadOptions, type BackendSession, type Tensor } from '@albert-ts/core';
import { TRAINING_LOAD_OPTIONS } from './training-load-options.js';
import type { AdamW } from '../optim/adamw.js';
import { buildAdamWUpdateGraph, gradientInputName, GRAD_NORM_OUTPUT } from '../optim/adamw-update-graph.js';
import type { ParameterSet, ReadonlyParameterSet } from '../optim/parameter-set.js';
import { TrainingError } from '../training-error.js';
import { adamwGraphFeeds, adamwGraphOutputNames, commitAdamWGraphOutputs } from './adamw-graph-state.js';

/**
 * AdamW (with gradient clipping) as its own ONNX graph on a backend: the gradients come from a
 * {@link GradientSession} (summed over micro-batches in TypeScript when accumulating), the update runs on
 * the backend. The moments live in the {@link AdamW} it is given (so `stateDict`, saving and resuming are
 * the TypeScript optimizer's), its hyper-parameters are the graph's.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW({ lr: 5e-5 });
 * const update = await AdamWUpdateSession.load(backend, shapesOfGradients, optimizer, { maxGradNorm: 1 });
 * const gradNorm = await update.step(parameters, gradients, optimizer.lr);
 * ```
 */
export class AdamWUpdateSession {
  private constructor(
    private readonly session: BackendSession,
    private readonly optimizer: AdamW,
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
    /** The parameters it updates. */
    readonly parameters: readonly string[],
  ) {}

  /**
   * Builds the update graph for the parameters of `shapes` (the ones with a gradient) and loads it.
   *
   * @param options - `maxGradNorm`: clip before the update (absent or `Infinity`: no clipping).
   */
  static async load(
    backend: Backend,
    shapes: ReadonlyMap<string, readonly number[]>,
    optimizer: AdamW,
    options: { readonly maxGradNorm?: number; readonly loadOptions?: BackendLoadOptions } = {},
  ): Promise<AdamWUpdateSession> {
    const { betas, eps, weightDecay, decays } = optimizer.hyperParameters;
    const graph = buildAdamWUpdateGraph(shapes, {
      betas,
      eps,
      weightDecay,
      decays,
      ...(options.maxGradNorm === undefined ? {} : { maxGradNorm: options.maxGradNorm }),
    });
    const session = await backend.load(graph, { ...TRAINING_LOAD_OPTIONS, ...options.loadOptions });
    return new AdamWUpdateSession(session, optimizer, shapes, graph.parameters);
  }

  /**
   * Clips `gradients` and takes one AdamW step at learning rate `lr`: the updated arrays replace the
   * entries of `parameters`. Returns the total gradient norm before clipping.
   */
  async step(parameters: ParameterSet, gradients: ReadonlyParameterSet, lr: number): Promise<number> {
    const feeds: Record<string, Tensor> = adamwGraphFeeds(this.parameters, this.shapes, parameters, this.optimizer, lr);
    for (const name of this.parameters) {
      const gradient = gradients.get(name);
      const shape = this.shapes.get(name) as readonly number[];
      if (gradient === undefined)
        throw new TrainingError('TRAINING_BAD_STATE', `no gradient for ${name}, which the update graph updates`, {
          field: name,
        });
      feeds[name] = createTensor('float32', shape, parameters.get(name) as Float32Array);
      feeds[gradientInputName(name)] = createTensor('float32', shape, gradient);
    }
    const outputs = await this.session.run(feeds, {
      outputNames: [GRAD_NORM_OUTPUT, ...adamwGraphOutputNames(this.parameters)],
    });
    commitAdamWGraphOutputs(this.parameters, outputs, parameters, this.optimizer);
    return Number(outputs[GRAD_NORM_OUTPUT]?.data[0]);
  }

  /** Frees the backend session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

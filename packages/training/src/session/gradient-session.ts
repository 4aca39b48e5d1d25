import { type Backend, type BackendLoadOptions, type BackendSession, type Tensor } from '@albert-ts/core';
import { TRAINING_LOAD_OPTIONS } from './training-load-options.js';
import type { AlbertTrainingGraph } from '../graph/albert-training-graph.js';
import type { ParameterSet, ReadonlyParameterSet } from '../optim/parameter-set.js';
import { trainingGraphFeeds } from './training-graph-feeds.js';

/** What one forward + backward run returns. */
export interface GradientResult {
  /** The mean loss of the batch. */
  readonly loss: number;
  /** The gradient of every parameter the loss reaches (the backend's output arrays, owned by the caller). */
  readonly gradients: ParameterSet;
  /** The head's outputs (logits), by name. */
  readonly outputs: Readonly<Record<string, Tensor>>;
}

/**
 * A training graph loaded on a backend: feeds the fp32 master weights and a batch, returns the loss,
 * the logits and the gradients. The optimizer runs outside the graph, in TypeScript.
 *
 * @example
 * ```ts
 * const graph = buildAlbertTrainingGraph(config, weights, { head: 'AlbertForSequenceClassification' });
 * const shapes = new Map(weights.keys.map((key) => [key, weights.get(key).shape]));
 * const session = await GradientSession.load(nodeBackend(), graph, shapes);
 * const { loss, gradients } = await session.run(parameters, collateBatch(graph, examples, { padTokenId: 0 }));
 * ```
 */
export class GradientSession {
  private constructor(
    /** The graph. */
    readonly graph: AlbertTrainingGraph,
    private readonly session: BackendSession,
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
  ) {}

  /**
   * Loads `graph` on `backend`.
   *
   * @param shapes - the shape of every parameter input (from the weights).
   * @param options - load options; onnxruntime's memory pattern is off unless they turn it on
   *   ({@link TRAINING_LOAD_OPTIONS}).
   */
  static async load(
    backend: Backend,
    graph: AlbertTrainingGraph,
    shapes: ReadonlyMap<string, readonly number[]>,
    options: BackendLoadOptions = {},
  ): Promise<GradientSession> {
    return new GradientSession(graph, await backend.load(graph, { ...TRAINING_LOAD_OPTIONS, ...options }), shapes);
  }

  /**
   * Runs forward and backward on `feeds` (model inputs and labels by HF name) with `parameters`.
   *
   * @throws {@link TrainingError} `TRAINING_BAD_BATCH` when a model input or label is missing.
   */
  async run(parameters: ReadonlyParameterSet, feeds: Readonly<Record<string, Tensor>>): Promise<GradientResult> {
    return this.execute(parameters, feeds, true);
  }

  /** Runs forward only (loss and logits; no gradient outputs are requested, so none are computed). */
  async evaluate(parameters: ReadonlyParameterSet, feeds: Readonly<Record<string, Tensor>>): Promise<GradientResult> {
    return this.execute(parameters, feeds, false);
  }

  private async execute(
    parameters: ReadonlyParameterSet,
    feeds: Readonly<Record<string, Tensor>>,
    withGradients: boolean,
  ): Promise<GradientResult> {
    const all = trainingGraphFeeds(this.graph, this.shapes, parameters, feeds, 'training graph');
    const outputs = await this.session.run(
      all,
      withGradients ? {} : { outputNames: ['loss', ...this.graph.logitOutputs] },
    );
    const gradients: ParameterSet = new Map();
    if (withGradients)
      for (const [parameter, output] of this.graph.gradients)
        gradients.set(parameter, outputs[output]?.data as Float32Array);
    const head: Record<string, Tensor> = {};
    for (const name of this.graph.logitOutputs) {
      const tensor = outputs[name];
      if (tensor !== undefined) head[name] = tensor;
    }
    return { loss: Number(outputs['loss']?.data[0]), gradients, outputs: head };
  }

  /** Frees the backend session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

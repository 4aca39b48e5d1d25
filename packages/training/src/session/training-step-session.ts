import { type Backend, type BackendLoadOptions, type BackendSession, type Tensor } from '@albert-ts/core';
import { TRAINING_LOAD_OPTIONS } from './training-load-options.js';
import type { AdamW } from '../optim/adamw.js';
import { GRAD_NORM_OUTPUT } from '../optim/adamw-update-graph.js';
import type { ParameterSet, ReadonlyParameterSet } from '../optim/parameter-set.js';
import { trainingGraphFeeds } from './training-graph-feeds.js';
import { adamwGraphFeeds, adamwGraphOutputNames, commitAdamWGraphOutputs } from './adamw-graph-state.js';
import type { AlbertTrainingStepGraph } from './albert-training-step-graph.js';

/** What one fused training step returns. */
export interface TrainingStepResult {
  /** The mean loss of the batch (before the update). */
  readonly loss: number;
  /** The total gradient norm before clipping. */
  readonly gradNorm: number;
  /** The head's outputs (logits), by name. */
  readonly outputs: Readonly<Record<string, Tensor>>;
}

/**
 * A whole training step (forward, backward, clipping, AdamW) as one graph on a backend
 * ({@link buildAlbertTrainingStepGraph}): each {@link TrainingStepSession.step} feeds the master weights,
 * the moments and a batch, and takes the updated weights and moments back (the output arrays replace the
 * entries of the parameter set; the moments go to the {@link AdamW}, which keeps `stateDict` and saving
 * working as with the TypeScript optimizer).
 *
 * @example
 * ```ts
 * const graph = buildAlbertTrainingStepGraph(config, weights, { head, optimizer: { maxGradNorm: 1 } });
 * const session = await TrainingStepSession.load(backend, graph, shapes);
 * const { loss } = await session.step(parameters, optimizer, 5e-5, feeds);
 * ```
 */
export class TrainingStepSession {
  private constructor(
    /** The graph. */
    readonly graph: AlbertTrainingStepGraph,
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
    graph: AlbertTrainingStepGraph,
    shapes: ReadonlyMap<string, readonly number[]>,
    options: BackendLoadOptions = {},
  ): Promise<TrainingStepSession> {
    return new TrainingStepSession(graph, await backend.load(graph, { ...TRAINING_LOAD_OPTIONS, ...options }), shapes);
  }

  /**
   * One training step on `feeds` (model inputs and labels by HF name) at learning rate `lr`: the updated
   * parameters replace the entries of `parameters`, `optimizer` records the new moments and the step.
   *
   * @throws {@link TrainingError} `TRAINING_BAD_BATCH` when a model input or label is missing.
   */
  async step(
    parameters: ParameterSet,
    optimizer: AdamW,
    lr: number,
    feeds: Readonly<Record<string, Tensor>>,
  ): Promise<TrainingStepResult> {
    const all = this.feeds(parameters, optimizer, lr, feeds);
    const outputs = await this.session.run(all, {
      outputNames: ['loss', ...this.graph.logitOutputs, GRAD_NORM_OUTPUT, ...adamwGraphOutputNames(this.graph.updated)],
    });
    commitAdamWGraphOutputs(this.graph.updated, outputs, parameters, optimizer);
    return {
      loss: Number(outputs['loss']?.data[0]),
      gradNorm: Number(outputs[GRAD_NORM_OUTPUT]?.data[0]),
      outputs: this.headOutputs(outputs),
    };
  }

  /** Forward only: loss and logits (no gradient or update is computed; the state is fed, not changed). */
  async evaluate(
    parameters: ParameterSet,
    optimizer: AdamW,
    feeds: Readonly<Record<string, Tensor>>,
  ): Promise<Omit<TrainingStepResult, 'gradNorm'>> {
    const outputs = await this.session.run(this.feeds(parameters, optimizer, optimizer.lr, feeds), {
      outputNames: ['loss', ...this.graph.logitOutputs],
    });
    return { loss: Number(outputs['loss']?.data[0]), outputs: this.headOutputs(outputs) };
  }

  private feeds(
    parameters: ReadonlyParameterSet,
    optimizer: AdamW,
    lr: number,
    feeds: Readonly<Record<string, Tensor>>,
  ): Record<string, Tensor> {
    return {
      ...adamwGraphFeeds(this.graph.updated, this.shapes, parameters, optimizer, lr),
      ...trainingGraphFeeds(this.graph, this.shapes, parameters, feeds, 'training step'),
    };
  }

  private headOutputs(outputs: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
    const head: Record<string, Tensor> = {};
    for (const name of this.graph.logitOutputs) {
      const tensor = outputs[name];
      if (tensor !== undefined) head[name] = tensor;
    }
    return head;
  }

  /** Frees the backend session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

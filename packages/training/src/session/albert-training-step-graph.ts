import type { AlbertConfig } from '@albert-ts/config';
import { encodeModel } from '@albert-ts/core';
import {
  buildAlbertTrainingGraph,
  type AlbertTrainingGraph,
  type AlbertTrainingGraphOptions,
  type TrainingWeights,
} from '../graph/albert-training-graph.js';
import { GraphEditor } from '../graph/graph-editor.js';
import { appendAdamWUpdate, type AdamWGraphOptions } from '../optim/adamw-update-graph.js';

/** Options of {@link buildAlbertTrainingStepGraph}. */
export interface AlbertTrainingStepGraphOptions extends AlbertTrainingGraphOptions {
  /** The AdamW hyper-parameters and gradient clipping built into the graph (the learning rate is an input). */
  readonly optimizer?: AdamWGraphOptions;
}

/**
 * A whole training step as one graph: parameters, AdamW moments, step scalars, a batch and its labels in;
 * loss, logits, the gradient norm, and the updated parameters and moments out (the gradients stay inside).
 */
export interface AlbertTrainingStepGraph extends AlbertTrainingGraph {
  /** The parameters the step updates (those with a gradient), in input order. */
  readonly updated: readonly string[];
}

/**
 * Builds the training graph of `head` ({@link buildAlbertTrainingGraph}) with gradient clipping and one
 * AdamW step appended (`appendAdamWUpdate`): the gradients are no longer graph outputs, each parameter
 * with a gradient gets `exp_avg.<name>` / `exp_avg_sq.<name>` inputs and `updated.<name>`,
 * `updated.exp_avg.<name>`, `updated.exp_avg_sq.<name>` outputs.
 *
 * @example
 * ```ts
 * const graph = buildAlbertTrainingStepGraph(config, weights, { head: 'AlbertForSequenceClassification', optimizer: { maxGradNorm: 1 } });
 * const session = await TrainingStepSession.load(nodeBackend(), graph, shapes);
 * ```
 */
export function buildAlbertTrainingStepGraph(
  config: AlbertConfig,
  weights: TrainingWeights,
  options: AlbertTrainingStepGraphOptions,
): AlbertTrainingStepGraph {
  const { optimizer, ...graphOptions } = options;
  const training = buildAlbertTrainingGraph(config, weights, graphOptions);
  const e = new GraphEditor(training.proto);
  // the gradients become intermediate values: the update reads them, nothing returns them
  const gradientOutputs = new Set(training.gradients.values());
  const kept = e.outputs.filter((output) => !gradientOutputs.has(output.name));
  e.outputs.splice(0, e.outputs.length, ...kept);
  const updated = training.parameterInputs.filter((name) => training.gradients.has(name));
  appendAdamWUpdate(
    e,
    updated.map((name) => ({
      name,
      shape: weights.get(name).shape,
      gradient: training.gradients.get(name) as string,
    })),
    optimizer,
  );
  const model = e.build(
    `ALBERT ${training.head} training step built by albert-ts: loss, clipping and AdamW for ${updated.length} parameters`,
  );
  return {
    ...training,
    bytes: encodeModel(model),
    inputNames: e.inputs.map((input) => input.name),
    outputNames: e.outputs.map((output) => output.name),
    proto: model,
    updated,
  };
}

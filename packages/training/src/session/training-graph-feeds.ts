import { createTensor, type Tensor } from '@albert-ts/core';
import type { AlbertTrainingGraph } from '../graph/albert-training-graph.js';
import type { ReadonlyParameterSet } from '../optim/parameter-set.js';
import { TrainingError } from '../training-error.js';

/**
 * The feeds every training graph takes: each parameter input as a float32 tensor of its shape, then the
 * batch's model inputs and labels by HF name (what {@link GradientSession} and `TrainingStepSession` run).
 *
 * @param kind - how the error names the graph (`training graph`, `training step`).
 * @throws {@link TrainingError} `TRAINING_BAD_STATE` for a missing parameter, `TRAINING_BAD_BATCH` for a
 * missing model input or label.
 */
export function trainingGraphFeeds(
  graph: AlbertTrainingGraph,
  shapes: ReadonlyMap<string, readonly number[]>,
  parameters: ReadonlyParameterSet,
  feeds: Readonly<Record<string, Tensor>>,
  kind: string,
): Record<string, Tensor> {
  const all: Record<string, Tensor> = {};
  for (const name of graph.parameterInputs) {
    const data = parameters.get(name);
    const shape = shapes.get(name);
    if (data === undefined || shape === undefined)
      throw new TrainingError('TRAINING_BAD_STATE', `parameter ${name} is missing`, { field: name });
    all[name] = createTensor('float32', shape, data);
  }
  const batchInputs = [...graph.modelInputs, ...graph.labelInputs.map((label) => label.name)];
  for (const name of batchInputs) {
    const tensor = feeds[name];
    if (tensor === undefined)
      throw new TrainingError(
        'TRAINING_BAD_BATCH',
        `the batch has no ${name} (the ${graph.head} ${kind} needs ${batchInputs.join(', ')})`,
        { field: name },
      );
    all[name] = tensor;
  }
  return all;
}

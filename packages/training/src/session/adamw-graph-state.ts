import { createTensor, type Tensor } from '@albert-ts/core';
import type { AdamW } from '../optim/adamw.js';
import { adamwStateNames, adamwStepScalars } from '../optim/adamw-update-graph.js';
import type { ParameterSet, ReadonlyParameterSet } from '../optim/parameter-set.js';
import { TrainingError } from '../training-error.js';

/**
 * The feeds of an AdamW update graph's state for `updated` (each parameter's moments from `optimizer`,
 * zeros before its first step) and the step scalars for learning rate `lr`. Every updated parameter must
 * have taken the same number of steps (a graph update advances them together).
 *
 * @throws {@link TrainingError} `TRAINING_BAD_STATE` when the step counts differ or a parameter is missing.
 */
export function adamwGraphFeeds(
  updated: readonly string[],
  shapes: ReadonlyMap<string, readonly number[]>,
  parameters: ReadonlyParameterSet,
  optimizer: AdamW,
  lr: number,
): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  let step: number | undefined;
  for (const name of updated) {
    const shape = shapes.get(name);
    const data = parameters.get(name);
    if (shape === undefined || data === undefined)
      throw new TrainingError('TRAINING_BAD_STATE', `parameter ${name} is missing`, { field: name });
    const moments = optimizer.moments(name, data.length);
    if (step !== undefined && moments.step !== step)
      throw new TrainingError(
        'TRAINING_BAD_STATE',
        `the AdamW graph updates every parameter at once, but ${name} has taken ${moments.step} steps and ${updated[0]} ${step}`,
        { field: name, value: moments.step },
      );
    step = moments.step;
    const names = adamwStateNames(name);
    feeds[names.expAvg] = createTensor('float32', shape, moments.expAvg);
    feeds[names.expAvgSq] = createTensor('float32', shape, moments.expAvgSq);
  }
  const { betas, weightDecay } = optimizer.hyperParameters;
  return { ...feeds, ...adamwStepScalars({ lr, step: (step ?? 0) + 1, betas, weightDecay }) };
}

/**
 * Takes an AdamW update graph's outputs: the updated parameters replace the entries of `parameters`
 * (the output arrays become the master weights), the moments go to `optimizer`, which counts the step.
 */
export function commitAdamWGraphOutputs(
  updated: readonly string[],
  outputs: Readonly<Record<string, Tensor>>,
  parameters: ParameterSet,
  optimizer: AdamW,
): void {
  const take = (name: string): Float32Array => {
    const tensor = outputs[name];
    if (tensor === undefined || tensor.dtype !== 'float32')
      throw new TrainingError('TRAINING_BAD_STATE', `the update graph returned no float32 ${name}`, { field: name });
    return tensor.data as Float32Array;
  };
  for (const name of updated) {
    const names = adamwStateNames(name);
    parameters.set(name, take(names.updatedParameter));
    optimizer.recordStep(name, take(names.updatedExpAvg), take(names.updatedExpAvgSq));
  }
}

/** The output names of an AdamW update over `updated`, the gradient norm first. */
export function adamwGraphOutputNames(updated: readonly string[]): string[] {
  return updated.flatMap((name) => {
    const names = adamwStateNames(name);
    return [names.updatedParameter, names.updatedExpAvg, names.updatedExpAvgSq];
  });
}

import { loadPretrainedWeights, type Backend, type ModelFileSource } from '@albert-ts/core';
import { collateBatch } from '../data/collate-batch.js';
import type { TrainingExample } from '../data/training-example.js';
import { buildAlbertTrainingGraph } from '../graph/albert-training-graph.js';
import type { ParameterSet } from '../optim/parameter-set.js';
import { GradientSession } from '../session/gradient-session.js';
import { dropoutMaskFeeds } from './dropout-masks.js';

// One training-mode run written once and run on every backend (node and browser tests): the `tiny`
// sequence classifier with HF's three dropout probabilities at 0.1 / 0.2 / 0.3, masks from seed 9, step 4.
// The masks are data, so every backend computes the same function of them: the loss below is node-cpu's.

/** node-cpu's loss of {@link runDropoutCase} (the masks are the same bytes on every backend). */
export const DROPOUT_CASE_NODE_CPU_LOSS = 1.0985251665115356;

/** The checkpoint of the case, under `fixtures/`. */
export const DROPOUT_CASE_CHECKPOINT = 'models/tiny/AlbertForSequenceClassification';

/** What {@link runDropoutCase} measures. */
export interface DropoutCaseResult {
  /** Loss with the seeded masks. */
  readonly loss: number;
  /** The same run again: must be bit-equal. */
  readonly lossAgain: number;
  /** Max |gradient difference| between the two runs. */
  readonly gradientRepeatDiff: number;
  /** The gradients of the seeded run, by parameter. */
  readonly gradients: ParameterSet;
  /** Loss with every mask 1, and of the eval-mode graph: must be bit-equal. */
  readonly onesLoss: number;
  readonly evalLoss: number;
  /** Max |gradient difference| between all-ones masks and the eval-mode graph (0 expected). */
  readonly onesGradientDiff: number;
  /** Number of mask inputs. */
  readonly masks: number;
}

const EXAMPLES: TrainingExample[] = [0, 1, 2, 3].map((row) => ({
  inputIds: [2, ...Array.from({ length: 4 + row * 2 }, (_, index) => 5 + ((index * 7 + row * 13) % 90)), 3],
  label: row % 3,
}));

const maxDifference = (a: ParameterSet, b: ParameterSet): number => {
  let worst = 0;
  for (const [name, values] of a) {
    const other = b.get(name) as Float32Array;
    for (let index = 0; index < values.length; index += 1)
      worst = Math.max(worst, Math.abs((values[index] as number) - (other[index] as number)));
  }
  return worst;
};

/** Runs the case on `backend` with the checkpoint from `source`. */
export async function runDropoutCase(backend: Backend, source: ModelFileSource): Promise<DropoutCaseResult> {
  const head = 'AlbertForSequenceClassification';
  const loaded = await loadPretrainedWeights(source, head);
  const config = loaded.config.with({
    hiddenDropoutProb: 0.1,
    attentionProbsDropoutProb: 0.2,
    classifierDropoutProb: 0.3,
  });
  const shapes = new Map(loaded.weights.keys.map((key) => [key, loaded.weights.get(key).shape]));
  const parameters: ParameterSet = new Map(
    loaded.weights.keys.map((key) => [key, Float32Array.from(loaded.weights.get(key).data)]),
  );
  const trainGraph = buildAlbertTrainingGraph(config, loaded.weights, { head, dropout: true });
  const evalGraph = buildAlbertTrainingGraph(config, loaded.weights, { head });
  const train = await GradientSession.load(backend, trainGraph, shapes);
  const evaluation = await GradientSession.load(backend, evalGraph, shapes);
  try {
    const feeds = collateBatch(trainGraph, EXAMPLES, { padTokenId: 0 });
    const masks = dropoutMaskFeeds(trainGraph.dropoutMasks, feeds, { seed: 9, step: 4, microBatch: 0 });
    const first = await train.run(parameters, { ...feeds, ...masks });
    const again = await train.run(parameters, { ...feeds, ...masks });
    const ones = dropoutMaskFeeds(
      trainGraph.dropoutMasks.map((mask) => ({ ...mask, probability: 0 })),
      feeds,
      { seed: 0, step: 0, microBatch: 0 },
    );
    const onesRun = await train.run(parameters, { ...feeds, ...ones });
    const evalRun = await evaluation.run(parameters, feeds);
    return {
      loss: first.loss,
      lossAgain: again.loss,
      gradientRepeatDiff: maxDifference(first.gradients, again.gradients),
      gradients: first.gradients,
      onesLoss: onesRun.loss,
      evalLoss: evalRun.loss,
      onesGradientDiff: maxDifference(onesRun.gradients, evalRun.gradients),
      masks: trainGraph.dropoutMasks.length,
    };
  } finally {
    await train.dispose();
    await evaluation.dispose();
  }
}

import { nodeBackend } from '@albert-ts/backend-node';
import { wasmBackend } from '@albert-ts/backend-wasm';
import {
  AlbertForSequenceClassification,
  createTensor,
  directorySource,
  loadPretrainedWeights,
  memorySource,
  type Backend,
  type Tensor,
} from '@albert-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { collateBatch } from '../data/collate-batch.js';
import type { TrainingExample } from '../data/training-example.js';
import { buildAlbertTrainingGraph } from '../graph/albert-training-graph.js';
import type { ParameterSet } from '../optim/parameter-set.js';
import { GradientSession } from '../session/gradient-session.js';
import { Trainer } from '../trainer/trainer.js';
import { dropoutMaskFeeds, dropoutScale } from './dropout-masks.js';

// Dropout in training mode, end to end on the `grouped` fixture model (3 groups × 2 inner layers, shared
// weights) with HF's three probabilities raised from 0 / 0 / 0.1 to 0.1 / 0.1 / 0.1. PyTorch draws its
// masks from its own generator, so the reference for these runs is the definition (x · mask, the same mask in
// the backward pass), not PyTorch mask for mask.
const directory = new URL('../../../../fixtures/models/grouped/AlbertForSequenceClassification/', import.meta.url)
  .pathname;
const head = 'AlbertForSequenceClassification';
const loaded = await loadPretrainedWeights(directorySource(directory), head);
const config = loaded.config.with({
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
  classifierDropoutProb: 0.1,
});
const weights = loaded.weights;
const shapes = new Map(weights.keys.map((key) => [key, weights.get(key).shape]));
const parameters = (): ParameterSet =>
  new Map(weights.keys.map((key) => [key, Float32Array.from(weights.get(key).data)]));

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
const random = seeded(3);
const examples: TrainingExample[] = Array.from({ length: 6 }, (_, index) => ({
  inputIds: [2, ...Array.from({ length: 5 + index * 2 }, () => 5 + Math.floor(random() * 90)), 3],
  label: index % 3,
}));
const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let index = 0; index < a.length; index += 1)
    worst = Math.max(worst, Math.abs((a[index] as number) - (b[index] as number)));
  return worst;
};

const backends: [string, () => Backend][] = [
  ['node-cpu', () => nodeBackend({ device: 'cpu' })],
  ['node-wasm', () => wasmBackend()],
];
const open: { dispose(): Promise<void> }[] = [];
afterAll(async () => {
  for (const item of open) await item.dispose();
});

describe.each(backends)('dropout in training mode (%s)', (_name, createBackend) => {
  const backend = createBackend();
  const trainGraph = buildAlbertTrainingGraph(config, weights, { head, dropout: true });
  const evalGraph = buildAlbertTrainingGraph(config, weights, { head });
  const sessions = (async () => {
    const train = await GradientSession.load(backend, trainGraph, shapes);
    const evaluation = await GradientSession.load(backend, evalGraph, shapes);
    open.push(train, evaluation);
    return { train, evaluation };
  })();
  const feeds = collateBatch(trainGraph, examples, { padTokenId: 0 });
  /** Every mask 1 except `overrides`. */
  const onesExcept = (overrides: Record<string, Tensor<'float32'>> = {}): Record<string, Tensor<'float32'>> => {
    const ones = dropoutMaskFeeds(
      trainGraph.dropoutMasks.map((mask) => ({ ...mask, probability: 0 })),
      feeds,
      { seed: 0, step: 0, microBatch: 0 },
    );
    return { ...ones, ...overrides };
  };

  it('with every mask 1 it is the eval-mode graph: the same loss and gradients, bit for bit', async () => {
    const { train, evaluation } = await sessions;
    expect(trainGraph.dropoutMasks).toHaveLength(2 + 2 * config.numHiddenLayers * config.innerGroupNum);
    const reference = await evaluation.run(parameters(), feeds);
    const ones = await train.run(parameters(), { ...feeds, ...onesExcept() });
    expect(ones.loss).toBe(reference.loss);
    for (const [name, gradient] of reference.gradients)
      expect(maxDifference(ones.gradients.get(name) as Float32Array, gradient), name).toBe(0);
  });

  it('the same seed gives the same loss and gradients; another seed, step or micro-batch differs', async () => {
    const { train, evaluation } = await sessions;
    const run = (seed: number, step: number, microBatch = 0) =>
      train.run(parameters(), {
        ...feeds,
        ...dropoutMaskFeeds(trainGraph.dropoutMasks, feeds, { seed, step, microBatch }),
      });
    const first = await run(11, 0);
    const again = await run(11, 0);
    expect(again.loss).toBe(first.loss);
    for (const [name, gradient] of first.gradients)
      expect(maxDifference(again.gradients.get(name) as Float32Array, gradient), name).toBe(0);
    const reference = await evaluation.run(parameters(), feeds);
    for (const other of [await run(12, 0), await run(11, 1), await run(11, 0, 1)]) {
      expect(other.loss).not.toBe(first.loss);
      expect(other.loss).not.toBe(reference.loss);
    }
    expect(first.loss).not.toBe(reference.loss);
  });

  it('sends no gradient through a dropped position (the backward pass uses the forward mask)', async () => {
    const { train } = await sessions;
    const rows = examples.length;
    const hidden = config.hiddenSize;
    const embedding = config.embeddingSize;
    const sequence = feeds['attention_mask']?.shape[1] as number;
    const p = 0.1;
    // classifier input [rows, H]: features 0, 5, 17 dropped in every row; embeddings [rows, S, E]: feature 3 dropped everywhere
    const classifierMask = new Float32Array(rows * hidden).map((_, index) =>
      [0, 5, 17].includes(index % hidden) ? 0 : dropoutScale(p),
    );
    const embeddingMask = new Float32Array(rows * sequence * embedding).map((_, index) =>
      index % embedding === 3 ? 0 : dropoutScale(p),
    );
    const result = await train.run(parameters(), {
      ...feeds,
      ...onesExcept({
        'dropout.classifier': createTensor('float32', [rows, hidden], classifierMask),
        'dropout.embeddings': createTensor('float32', [rows, sequence, embedding], embeddingMask),
      }),
    });
    const classifier = result.gradients.get('classifier.weight') as Float32Array; // [labels, H]
    const mapping = result.gradients.get('albert.encoder.embedding_hidden_mapping_in.weight') as Float32Array; // [H, E]
    for (let label = 0; label < config.numLabels; label += 1) {
      for (const feature of [0, 5, 17]) expect(classifier[label * hidden + feature]).toBe(0);
      expect(classifier[label * hidden + 1]).not.toBe(0);
    }
    for (let row = 0; row < hidden; row += 1) {
      expect(mapping[row * embedding + 3]).toBe(0);
      expect(mapping[row * embedding + 2]).not.toBe(0);
    }
  });

  it('Trainer: fit/step are reproducible from the seed, evaluate() is deterministic and equals the inference forward', async () => {
    const create = (seed: number, dropout?: boolean) =>
      Trainer.create({
        backend,
        config,
        weights,
        head,
        optimizer: { lr: 1e-3 },
        seed,
        ...(dropout === undefined ? {} : { dropout }),
      }).then((trainer) => {
        open.push(trainer);
        return trainer;
      });
    const losses = async (trainer: Trainer): Promise<number[]> => [
      (await trainer.step(examples)).loss,
      (await trainer.step(examples)).loss,
      (await trainer.step([examples.slice(0, 3), examples.slice(3)])).loss,
    ];
    const [a, b, off] = [await create(5), await create(5), await create(5, false)];
    // evaluate(): dropout off (deterministic), compared below with core's inference logits of the start weights
    const start = await a.evaluate(examples, { batchSize: 3 });
    expect(await a.evaluate(examples, { batchSize: 3 })).toEqual(start);
    const lossesA = await losses(a);
    expect(await losses(b)).toEqual(lossesA);
    expect(lossesA[0]).not.toBe(lossesA[1]); // new masks at every step (and the weights moved)
    for (const [name, data] of a.parameters)
      expect(maxDifference(b.parameters.get(name) as Float32Array, data), name).toBe(0);
    // dropout: false trains with the eval-mode forward (as the fixtures): its first loss is the evaluation loss
    const offEvaluation = await off.evaluate(examples.slice(0, 3), { batchSize: 3 });
    expect((await off.step(examples.slice(0, 3))).loss).toBeCloseTo(offEvaluation.loss, 6);

    const inference = await AlbertForSequenceClassification.fromPretrained(directory, { backend, flavour: 'plain' });
    open.push(inference);
    let loss = 0;
    for (let start = 0; start < examples.length; start += 3) {
      const batch = examples.slice(start, start + 3);
      const length = Math.max(...batch.map((example) => (example.inputIds as number[]).length));
      const output = await inference.forward({
        inputIds: batch.map((example) => [
          ...(example.inputIds as number[]),
          ...new Array<number>(length - (example.inputIds as number[]).length).fill(0),
        ]),
        attentionMask: batch.map((example) => [
          ...(example.inputIds as number[]).map(() => 1),
          ...new Array<number>(length - (example.inputIds as number[]).length).fill(0),
        ]),
      });
      const logits = output.logits.data;
      const labels = config.numLabels;
      batch.forEach((example, row) => {
        const values = Array.from(logits.subarray(row * labels, (row + 1) * labels));
        const max = Math.max(...values);
        const logSum = Math.log(values.reduce((sum, value) => sum + Math.exp(value - max), 0)) + max;
        loss += logSum - (values[example.label as number] as number);
      });
    }
    expect(Math.abs(start.loss - loss / examples.length)).toBeLessThan(1e-5);
  });
});

describe('dropout across a resume (node-cpu)', () => {
  it('a run resumed from a checkpoint draws the masks the uninterrupted run draws', async () => {
    const backend = nodeBackend({ device: 'cpu' });
    const create = async (start: typeof weights, seed?: number) => {
      const trainer = await Trainer.create({
        backend,
        config,
        weights: start,
        head,
        optimizer: { lr: 1e-3 },
        ...(seed === undefined ? {} : { seed }),
      });
      open.push(trainer);
      return trainer;
    };
    const uninterrupted = await create(weights, 21);
    const losses = [(await uninterrupted.step(examples)).loss, (await uninterrupted.step(examples)).loss];
    const first = await create(weights, 21);
    expect((await first.step(examples)).loss).toBe(losses[0]);
    const files = memorySource(Object.fromEntries(await first.checkpointFiles()));
    // created without the seed: trainer_state.json carries the run's (as HF's Trainer restores its RNG states)
    const resumed = await create((await loadPretrainedWeights(files, head, { config })).weights);
    expect(resumed.seed).toBe(0);
    await resumed.loadOptimizerState(files);
    expect([resumed.stepCount, resumed.seed]).toEqual([1, 21]);
    expect((await resumed.step(examples)).loss).toBe(losses[1]);
    for (const [name, data] of uninterrupted.parameters)
      expect(maxDifference(resumed.parameters.get(name) as Float32Array, data), name).toBe(0);
  });
});

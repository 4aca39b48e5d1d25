import { nodeBackend } from '@albert-ts/backend-node';
import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import type { TrainingExample } from '../data/training-example.js';
import { TrainingError } from '../training-error.js';
import { Trainer } from './trainer.js';

// The trainer's options on the tiny fixture classifier (fast): streaming data, cancellation,
// gradient accumulation.
const directory = new URL('../../../../fixtures/models/tiny/AlbertForSequenceClassification/', import.meta.url)
  .pathname;
const examples: TrainingExample[] = Array.from({ length: 12 }, (_, index) => ({
  inputIds: [2, 10 + index, 20 + (index % 5), 3],
  label: index % 3,
}));

async function trainer(options: { gradientAccumulationSteps?: number; dropout?: boolean } = {}): Promise<Trainer> {
  const { config, weights } = await loadPretrainedWeights(
    directorySource(directory),
    'AlbertForSequenceClassification',
  );
  return Trainer.create({
    backend: nodeBackend({ device: 'cpu' }),
    config,
    weights,
    head: 'AlbertForSequenceClassification',
    optimizer: { lr: 1e-3 },
    ...options,
  });
}

describe('Trainer options', () => {
  it('streams an async iterable, once per epoch', async () => {
    const model = await trainer();
    const stream = {
      async *[Symbol.asyncIterator]() {
        for (const example of examples) yield example;
      },
    };
    const steps: number[] = [];
    const { steps: total } = await model.fit(stream, {
      epochs: 2,
      batchSize: 4,
      onProgress: (progress) => steps.push(progress.step),
    });
    expect(total).toBe(6);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    await model.dispose();
  });

  it('stops between steps when the signal aborts, with a typed error', async () => {
    const model = await trainer();
    const controller = new AbortController();
    const run = model.fit(examples, {
      epochs: 3,
      batchSize: 2,
      signal: controller.signal,
      onProgress: (progress) => progress.step === 2 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'TRAINING_ABORTED' });
    expect(model.stepCount).toBe(2);
    await expect(model.fit(examples, { epochs: 1, batchSize: 2, steps: 3 } as never)).rejects.toBeInstanceOf(
      TrainingError,
    );
    await model.dispose();
  });

  it('accumulates micro-batches into one step: the mean of their gradients', async () => {
    // dropout off: in training mode each micro-batch draws its own masks
    const accumulated = await trainer({ gradientAccumulationSteps: 2, dropout: false });
    const single = await trainer({ dropout: false });
    // two equal micro-batches give the same update as one of them
    const batch = examples.slice(0, 4);
    const a = await accumulated.step([batch, batch]);
    const b = await single.step(batch);
    expect(a.loss).toBeCloseTo(b.loss, 6);
    expect(a.gradNorm).toBeCloseTo(b.gradNorm, 5);
    const name = 'classifier.weight';
    const difference = Math.max(
      ...Array.from(accumulated.parameters.get(name) ?? [], (value, index) =>
        Math.abs(value - (single.parameters.get(name)?.[index] ?? 0)),
      ),
    );
    expect(difference).toBeLessThan(1e-6);
    await accumulated.dispose();
    await single.dispose();
  });
});

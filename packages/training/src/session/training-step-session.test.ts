import { nodeBackend } from '@albert-ts/backend-node';
import { AlbertConfig } from '@albert-ts/config';
import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { collateBatch } from '../data/collate-batch.js';
import { AdamW } from '../optim/adamw.js';
import type { ParameterSet } from '../optim/parameter-set.js';
import { Trainer } from '../trainer/trainer.js';
import { buildAlbertTrainingStepGraph } from './albert-training-step-graph.js';
import { TrainingStepSession } from './training-step-session.js';

// Device-resident state where there is no device (node-cpu): the host path, with its typed refusals.
// The device path itself runs on browser-webgpu (training-step-session-device.browser.test.ts).
const tinyDirectory = new URL('../../../../fixtures/models/tiny/', import.meta.url).pathname;

async function tinyStep() {
  const source = directorySource(tinyDirectory);
  const config = AlbertConfig.parse(await source.readText('config.json'), { file: 'config.json' }).with({
    numLabels: 2,
  });
  const { weights } = await loadPretrainedWeights(source, 'AlbertForSequenceClassification', {
    config,
    initializeMissingHead: true,
    seed: 7,
  });
  const graph = buildAlbertTrainingStepGraph(config, weights, {
    head: 'AlbertForSequenceClassification',
    optimizer: { maxGradNorm: 1 },
  });
  const shapes = new Map(weights.keys.map((key) => [key, weights.get(key).shape]));
  return { config, weights, graph, shapes };
}

describe('TrainingStepSession without a device (node-cpu)', () => {
  it('keeps the state in JavaScript and reports what each step moves', async () => {
    const { weights, graph, shapes } = await tinyStep();
    const session = await TrainingStepSession.load(nodeBackend(), graph, shapes);
    expect(session.keepsStateOnDevice).toBe(false);
    const parameters: ParameterSet = new Map(
      weights.keys.map((key) => [key, Float32Array.from(weights.get(key).data)]),
    );
    const optimizer = new AdamW({ lr: 1e-3 });
    const batch = collateBatch(graph, [
      { inputIds: [2, 10, 11, 3], label: 1 },
      { inputIds: [2, 20, 3], label: 0 },
    ]);
    const before = parameters.get(graph.updated[0] as string);
    const result = await session.step(parameters, optimizer, optimizer.lr, batch);
    expect(session.stateOnDevice).toBe(false);
    expect(parameters.get(graph.updated[0] as string)).not.toBe(before); // replaced at once, no sync point needed
    const updatedBytes = graph.updated.reduce((sum, key) => sum + weights.get(key).data.length * 4, 0);
    const parameterBytes = graph.parameterInputs.reduce((sum, key) => sum + weights.get(key).data.length * 4, 0);
    const batchBytes = Object.values(batch).reduce((sum, tensor) => sum + tensor.data.byteLength, 0);
    // weights + both moments + batch + the three step scalars in; updated state + loss + logits + grad_norm out.
    expect(result.transfer).toEqual({
      fedBytes: parameterBytes + 2 * updatedBytes + batchBytes + 3 * 4,
      fetchedBytes: 3 * updatedBytes + 4 + 2 * 2 * 4 + 4, // loss, logits [2, 2], grad_norm
    });
    await session.download(parameters, optimizer); // nothing on the device: no-op
    await session.release(parameters, optimizer);
    await session.dispose();
  });

  it('refuses keepStateOnDevice where the backend has no device tensors, and bad options', async () => {
    const { config, weights, graph, shapes } = await tinyStep();
    await expect(
      TrainingStepSession.load(nodeBackend(), graph, shapes, {}, { keepStateOnDevice: true }),
    ).rejects.toMatchObject({ code: 'TRAINING_UNSUPPORTED_OPTION', details: { field: 'keepStateOnDevice' } });
    await expect(
      TrainingStepSession.load(nodeBackend(), graph, shapes, {}, { keepOnDevice: false } as unknown as {
        keepStateOnDevice: boolean;
      }),
    ).rejects.toMatchObject({ code: 'TRAINING_BAD_OPTIONS' });
    const base = { backend: nodeBackend(), config, weights, head: 'AlbertForSequenceClassification' as const };
    await expect(Trainer.create({ ...base, keepStateOnDevice: true })).rejects.toMatchObject({
      code: 'TRAINING_UNSUPPORTED_OPTION',
      details: { field: 'keepStateOnDevice' },
    });
    await expect(
      Trainer.create({ ...base, optimizerPlacement: 'fused', keepStateOnDevice: true }),
    ).rejects.toMatchObject({ code: 'TRAINING_UNSUPPORTED_OPTION' });
    const trainer = await Trainer.create({ ...base, optimizerPlacement: 'fused', keepStateOnDevice: false });
    await trainer.synchronize(); // nothing to do
    await trainer.dispose();
  });
});

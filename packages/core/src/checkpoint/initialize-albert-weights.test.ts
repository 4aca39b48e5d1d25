import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import {
  initializeAlbertWeight,
  isHeadWeightKey,
  newlyInitializedWarnings,
  seededNormalSampler,
} from './initialize-albert-weights.js';
import { loadPretrainedWeights } from './load-pretrained-weights.js';
import { readSafetensors } from './read-safetensors.js';
import { resolveAlbertWeights } from './resolve-albert-weights.js';
import { directorySource } from './sources/directory-source.js';
import { fixturePath, readFixture } from './test-fixtures.js';

const tinyConfig = AlbertConfig.parse(readFileSync(fixturePath('models/tiny/config.json'), 'utf8'), {
  file: 'config.json',
});
const tiny = readSafetensors(readFixture('models/tiny/model.safetensors'), 'model.safetensors');

describe('head initialization (HF _init_weights)', () => {
  it('draws the same normal numbers for the same seed', () => {
    const a = seededNormalSampler(7);
    const b = seededNormalSampler(7);
    const values = Array.from({ length: 20000 }, () => a());
    expect(Array.from({ length: 20000 }, () => b())).toEqual(values);
    const mean = values.reduce((total, value) => total + value, 0) / values.length;
    const std = Math.sqrt(values.reduce((total, value) => total + (value - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    expect(seededNormalSampler(8)()).not.toBe(values[0]);
  });

  it('initializes weights normal(0, initializer_range), biases 0, LayerNorm 1/0', () => {
    const normal = seededNormalSampler(1);
    const weight = initializeAlbertWeight('classifier.weight', [3, 1000], { initializerRange: 0.02 }, normal);
    const std = Math.sqrt(weight.data.reduce((total, value) => total + value * value, 0) / weight.data.length);
    expect(std).toBeGreaterThan(0.017);
    expect(std).toBeLessThan(0.023);
    expect([...initializeAlbertWeight('classifier.bias', [3], { initializerRange: 0.02 }, normal).data]).toEqual([
      0, 0, 0,
    ]);
    expect([
      ...initializeAlbertWeight('predictions.LayerNorm.weight', [2], { initializerRange: 0.02 }, normal).data,
    ]).toEqual([1, 1]);
    expect([...initializeAlbertWeight('predictions.bias', [2], { initializerRange: 0.02 }, normal).data]).toEqual([
      0, 0,
    ]);
    expect(isHeadWeightKey('albert.pooler.weight')).toBe(true);
    expect(isHeadWeightKey('qa_outputs.bias')).toBe(true);
    expect(isHeadWeightKey('albert.embeddings.word_embeddings.weight')).toBe(false);
  });

  it('resolveAlbertWeights initializes only missing head weights; a missing encoder tensor stays an error', () => {
    const withoutClassifier = new Map([...tiny].filter(([key]) => !key.startsWith('classifier.')));
    const options = { file: 'model.safetensors', initialization: { normal: seededNormalSampler(3) } };
    const weights = resolveAlbertWeights(tinyConfig, withoutClassifier, 'AlbertForSequenceClassification', options);
    expect(weights.newlyInitializedKeys).toEqual(['classifier.bias', 'classifier.weight']);
    expect([...weights.get('classifier.bias').data].every((value) => value === 0)).toBe(true);
    const again = resolveAlbertWeights(tinyConfig, withoutClassifier, 'AlbertForSequenceClassification', {
      file: 'model.safetensors',
      initialization: { normal: seededNormalSampler(3) },
    });
    expect([...again.get('classifier.weight').data]).toEqual([...weights.get('classifier.weight').data]);
    const noEncoder = new Map([...withoutClassifier].filter(([key]) => !key.includes('ffn.weight')));
    expect(() => resolveAlbertWeights(tinyConfig, noEncoder, 'AlbertForSequenceClassification', options)).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_MISSING_TENSOR' }),
    );
    expect(() =>
      resolveAlbertWeights(tinyConfig, withoutClassifier, 'AlbertForSequenceClassification', {
        file: 'model.safetensors',
      }),
    ).toThrow(expect.objectContaining({ code: 'CHECKPOINT_MISSING_TENSOR' }));
  });

  it('ignoreMismatchedSizes initializes a classifier of another width, as HF', () => {
    const classifier = readSafetensors(
      readFixture('models/tiny/AlbertForSequenceClassification/model.safetensors'),
      'model.safetensors',
    );
    const wider = tinyConfig.with({ numLabels: 5 });
    expect(() =>
      resolveAlbertWeights(wider, classifier, 'AlbertForSequenceClassification', { file: 'model.safetensors' }),
    ).toThrow(expect.objectContaining({ code: 'CHECKPOINT_SHAPE_MISMATCH' }));
    const weights = resolveAlbertWeights(wider, classifier, 'AlbertForSequenceClassification', {
      file: 'model.safetensors',
      initialization: { normal: seededNormalSampler(0), ignoreMismatchedSizes: true, initializeMissingHead: false },
    });
    expect(weights.mismatchedKeys?.map((entry) => entry.key)).toEqual(['classifier.weight', 'classifier.bias']);
    expect(weights.get('classifier.weight').shape).toEqual([5, tinyConfig.hiddenSize]);
  });

  it("loadPretrainedWeights warns in HF's words", async () => {
    const directory = fixturePath('pipelines/feature-extraction');
    const loaded = await loadPretrainedWeights(directorySource(directory), 'AlbertForTokenClassification', {
      initializeMissingHead: true,
      seed: 5,
    });
    expect(loaded.warnings).toEqual([
      `Some weights of AlbertForTokenClassification were not initialized from the model checkpoint at ${directory} and are newly initialized: ['classifier.bias', 'classifier.weight']\nYou should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`,
    ]);
    await expect(loadPretrainedWeights(directorySource(directory), 'AlbertForTokenClassification')).rejects.toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_MISSING_TENSOR' }),
    );
    expect(
      newlyInitializedWarnings(
        'AlbertForSequenceClassification',
        'x',
        [],
        [{ key: 'classifier.weight', checkpointShape: [2, 8], modelShape: [3, 8] }],
      )[0],
    ).toBe(
      'Some weights of AlbertForSequenceClassification were not initialized from the model checkpoint at x and are newly initialized because the shapes did not match:\n- classifier.weight: found shape torch.Size([2, 8]) in the checkpoint and torch.Size([3, 8]) in the model instantiated\nYou should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.',
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import { createTensor } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import { albertWeightSpecs } from './albert-weight-specs.js';
import type { AlbertHead } from './albert-weight-specs.js';
import { CheckpointError } from './checkpoint-error.js';
import { headOfConfig, loadPretrainedWeights } from './load-pretrained-weights.js';
import { readSafetensors } from './read-safetensors.js';
import { resolveAlbertWeights } from './resolve-albert-weights.js';
import { directorySource } from './sources/directory-source.js';
import { alignedData, firstBitDifference, fixturePath, readFixture } from './test-fixtures.js';

const tinyConfig = AlbertConfig.parse(readFileSync(fixturePath('models/tiny/config.json'), 'utf8'), {
  file: 'config.json',
});
const tiny = readSafetensors(readFixture('models/tiny/model.safetensors'), 'model.safetensors');

function error(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (caught) {
    expect(caught).toBeInstanceOf(CheckpointError);
    return caught as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

function withChanges(changes: Record<string, Tensor<'float32'> | undefined>): Map<string, Tensor<'float32'>> {
  const stateDict = new Map(tiny);
  for (const [key, tensor] of Object.entries(changes)) {
    if (tensor === undefined) stateDict.delete(key);
    else stateDict.set(key, tensor);
  }
  return stateDict;
}

const HEAD_DIRECTORIES = [
  '.',
  'AlbertModel',
  'AlbertForMaskedLM',
  'AlbertForSequenceClassification',
  'AlbertForSequenceClassification-regression',
  'AlbertForMultipleChoice',
  'AlbertForTokenClassification',
  'AlbertForQuestionAnswering',
];

describe('resolveAlbertWeights', () => {
  const cases = ['tiny', 'grouped', 'relu-relkey'].flatMap((model) =>
    HEAD_DIRECTORIES.map((directory) => [model, directory] as const),
  );
  it.each(cases)('%s/%s: every stored tensor is used, with the shape the config implies', async (model, directory) => {
    const source = directorySource(fixturePath(`models/${model}/${directory}`));
    const loaded = await loadPretrainedWeights(source);
    const stored = readSafetensors(await source.read('model.safetensors'), 'model.safetensors');
    expect(loaded.weights.unexpectedKeys).toEqual([]);
    expect(loaded.weights.keys.length).toBe(stored.size);
    const prefix = directory === 'AlbertModel' ? 'albert.' : '';
    for (const [key, tensor] of stored) {
      const resolved = loaded.weights.get(prefix + key);
      expect(resolved.shape, key).toEqual(tensor.shape);
      expect(firstBitDifference(alignedData(resolved), alignedData(tensor)), key).toBe(-1);
    }
    for (const spec of albertWeightSpecs(loaded.config, loaded.head)) {
      if (!spec.optional) expect(loaded.weights.get(spec.key).shape).toEqual(spec.shape);
    }
  });

  it('reads AlbertModel checkpoints (no prefix) under canonical albert.* keys and knows its heads', async () => {
    const loaded = await loadPretrainedWeights(directorySource(fixturePath('models/tiny/AlbertModel')));
    expect(loaded.head).toBe('AlbertModel');
    expect(loaded.weights.has('albert.embeddings.word_embeddings.weight')).toBe(true);
    expect(loaded.weights.has('embeddings.word_embeddings.weight')).toBe(false);
    expect(headOfConfig(tinyConfig)).toBe('AlbertForPreTraining');
  });

  it('loads a pre-training checkpoint into every head it covers, listing the other weights as unexpected', () => {
    const masked = resolveAlbertWeights(tinyConfig, tiny, 'AlbertForMaskedLM', { file: 'model.safetensors' });
    expect(masked.unexpectedKeys).toEqual(['sop_classifier.classifier.bias', 'sop_classifier.classifier.weight']);
    expect(masked.has('albert.pooler.weight')).toBe(true); // optional for MLM, kept when present
    const base = resolveAlbertWeights(tinyConfig, tiny, 'AlbertModel', { file: 'model.safetensors' });
    expect(
      base.unexpectedKeys.filter((key) => !key.startsWith('predictions.') && !key.startsWith('sop_classifier.')),
    ).toEqual([]);
  });

  it('resolves the tied decoder to the word embeddings and the MLM bias', () => {
    const weights = resolveAlbertWeights(tinyConfig, tiny, 'AlbertForPreTraining', { file: 'model.safetensors' });
    expect(weights.get('predictions.decoder.weight')).toBe(tiny.get('albert.embeddings.word_embeddings.weight'));
    expect(weights.get('predictions.decoder.bias')).toBe(tiny.get('predictions.bias'));
    expect(weights.keys).not.toContain('predictions.decoder.weight');
    expect(weights.keys.length).toBe(32);
  });

  it('accepts equal tied duplicates without listing them, and rejects differing ones', () => {
    const word = tiny.get('albert.embeddings.word_embeddings.weight')!;
    const copy = createTensor('float32', word.shape, new Float32Array(word.data));
    const duplicates = withChanges({
      'predictions.decoder.weight': copy,
      'predictions.decoder.bias': tiny.get('predictions.bias'),
    });
    expect(
      resolveAlbertWeights(tinyConfig, duplicates, 'AlbertForPreTraining', { file: 'pytorch_model.bin' })
        .unexpectedKeys,
    ).toEqual([]);
    const changed = new Float32Array(word.data);
    changed[5] = 42;
    const mismatch = error(() =>
      resolveAlbertWeights(
        tinyConfig,
        withChanges({ 'predictions.decoder.weight': createTensor('float32', word.shape, changed) }),
        'AlbertForPreTraining',
        {
          file: 'pytorch_model.bin',
        },
      ),
    );
    expect(mismatch.code).toBe('CHECKPOINT_TIED_WEIGHT_MISMATCH');
    expect(mismatch.message).toContain('pytorch_model.bin');
    expect(mismatch.message).toContain('predictions.decoder.weight');
  });

  it('takes the MLM bias from predictions.decoder.bias when only that is stored', () => {
    const bias = tiny.get('predictions.bias')!;
    const weights = resolveAlbertWeights(
      tinyConfig,
      withChanges({ 'predictions.bias': undefined, 'predictions.decoder.bias': bias }),
      'AlbertForPreTraining',
      {
        file: 'model.safetensors',
      },
    );
    expect(weights.get('predictions.bias')).toBe(bias);
    expect(weights.unexpectedKeys).toEqual([]);
  });

  it('ignores and lists extra keys such as an int64 position_ids buffer', () => {
    const weights = resolveAlbertWeights(
      tinyConfig,
      withChanges({ 'albert.some_old_buffer': createTensor('float32', [1], new Float32Array(1)) }),
      'AlbertForPreTraining',
      {
        file: 'pytorch_model.bin',
        skipped: [{ key: 'albert.embeddings.position_ids', dtype: 'torch.LongStorage' }],
      },
    );
    expect(weights.unexpectedKeys).toEqual(['albert.some_old_buffer', 'albert.embeddings.position_ids']);
  });

  it('names file, key, expected and actual shape for a wrong shape; never invents a missing tensor', () => {
    const wrong = error(() =>
      resolveAlbertWeights(
        tinyConfig,
        withChanges({ 'albert.pooler.bias': createTensor('float32', [35], new Float32Array(35)) }),
        'AlbertForPreTraining',
        { file: 'model.safetensors' },
      ),
    );
    expect(wrong.code).toBe('CHECKPOINT_SHAPE_MISMATCH');
    expect(wrong.details).toMatchObject({
      file: 'model.safetensors',
      key: 'albert.pooler.bias',
      expected: [36],
      actual: [35],
    });
    const missing = error(() =>
      resolveAlbertWeights(
        tinyConfig,
        withChanges({ 'sop_classifier.classifier.bias': undefined, 'albert.pooler.bias': undefined }),
        'AlbertForPreTraining',
        { file: 'model.safetensors' },
      ),
    );
    expect(missing.code).toBe('CHECKPOINT_MISSING_TENSOR');
    expect(missing.details.missing).toEqual(['albert.pooler.bias', 'sop_classifier.classifier.bias']);
    // The pooler is optional for heads that do not use it.
    expect(() =>
      resolveAlbertWeights(
        tinyConfig,
        withChanges({ 'albert.pooler.bias': undefined, 'albert.pooler.weight': undefined }),
        'AlbertForMaskedLM',
        { file: 'm' },
      ),
    ).not.toThrow();
  });

  it('reports an integer tensor where a weight belongs as a wrong dtype', () => {
    const stateDict = withChanges({ 'albert.pooler.bias': undefined });
    const wrongType = error(() =>
      resolveAlbertWeights(tinyConfig, stateDict, 'AlbertForPreTraining', {
        file: 'model.safetensors',
        skipped: [{ key: 'albert.pooler.bias', dtype: 'I64' }],
      }),
    );
    expect(wrongType.code).toBe('CHECKPOINT_WRONG_DTYPE');
    expect(wrongType.message).toContain('albert.pooler.bias');
  });

  it('derives head shapes from the config: num_labels, multiple choice [1, H], relative distance embeddings', () => {
    const shapes = (config: AlbertConfig, head: AlbertHead) =>
      Object.fromEntries(albertWeightSpecs(config, head).map((spec) => [spec.key, spec.shape]));
    expect(shapes(tinyConfig.with({ numLabels: 7 }), 'AlbertForSequenceClassification')['classifier.weight']).toEqual([
      7, 36,
    ]);
    expect(shapes(tinyConfig.with({ numLabels: 7 }), 'AlbertForMultipleChoice')['classifier.weight']).toEqual([1, 36]);
    expect(shapes(tinyConfig, 'AlbertForQuestionAnswering')['qa_outputs.weight']).toEqual([2, 36]);
    const relative = shapes(tinyConfig.with({ positionEmbeddingType: 'relative_key_query' }), 'AlbertModel');
    expect(
      relative['albert.encoder.albert_layer_groups.0.albert_layers.0.attention.distance_embedding.weight'],
    ).toEqual([1023, 6]);
  });

  it('a missing shard-level key names the shard file', () => {
    const fileOfKey = new Map([['albert.pooler.bias', 'model-00003-of-00003.safetensors']]);
    const wrong = error(() =>
      resolveAlbertWeights(
        tinyConfig,
        withChanges({ 'albert.pooler.bias': createTensor('float32', [2], new Float32Array(2)) }),
        'AlbertForPreTraining',
        {
          file: 'model.safetensors.index.json',
          fileOfKey,
        },
      ),
    );
    expect(wrong.details.file).toBe('model-00003-of-00003.safetensors');
  });
});

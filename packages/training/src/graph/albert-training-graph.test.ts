import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { collateBatch } from '../data/collate-batch.js';
import { TrainingError } from '../training-error.js';
import { buildAlbertTrainingGraph } from './albert-training-graph.js';

const models = new URL('../../../../fixtures/models/', import.meta.url).pathname;

describe('buildAlbertTrainingGraph', () => {
  it('lists the parameters without gradient (relative positions never read the absolute table)', async () => {
    const { config, weights } = await loadPretrainedWeights(
      directorySource(`${models}relu-relkey/AlbertForTokenClassification`),
      'AlbertForTokenClassification',
    );
    const graph = buildAlbertTrainingGraph(config, weights, { head: 'AlbertForTokenClassification' });
    expect(graph.withoutGradient).toContain('albert.embeddings.position_embeddings.weight');
    expect(graph.modelInputs).not.toContain('position_ids');
    expect(graph.labelInputs).toEqual([{ name: 'labels', elementType: 'int64', dims: ['batch', 'sequence'] }]);
    expect(graph.outputNames[0]).toBe('loss');
  });

  it('refuses heads without a loss and options of other heads', async () => {
    const { config, weights } = await loadPretrainedWeights(
      directorySource(`${models}tiny/AlbertForMaskedLM`),
      'AlbertForMaskedLM',
    );
    expect(() => buildAlbertTrainingGraph(config, weights, { head: 'AlbertModel' as never })).toThrow(TrainingError);
    expect(() =>
      buildAlbertTrainingGraph(config, weights, { head: 'AlbertForMaskedLM', problemType: 'regression' }),
    ).toThrow(/problemType/);
  });

  it('collates batches with padding and typed errors for missing labels', async () => {
    const { config, weights } = await loadPretrainedWeights(
      directorySource(`${models}tiny/AlbertForQuestionAnswering`),
      'AlbertForQuestionAnswering',
    );
    const graph = buildAlbertTrainingGraph(config, weights, { head: 'AlbertForQuestionAnswering' });
    const feeds = collateBatch(graph, [
      { inputIds: [2, 5, 3], startPosition: 1, endPosition: 1 },
      { inputIds: [2, 3], startPosition: 0, endPosition: 0 },
    ]);
    expect(feeds['input_ids']?.shape).toEqual([2, 3]);
    expect(Array.from(feeds['attention_mask']?.data as BigInt64Array)).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
    expect(() => collateBatch(graph, [{ inputIds: [2, 3] }])).toThrow(
      expect.objectContaining({ code: 'TRAINING_BAD_LABELS' }),
    );
    expect(() => collateBatch(graph, [])).toThrow(expect.objectContaining({ code: 'TRAINING_BAD_BATCH' }));
  });
});

import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import { createTensor } from '@albert-ts/core';
import { aggregatePreEntities, gatherPreEntities, preprocessTokenClassification, runTokenClassification } from './token-classification-pipeline.js';
import { fastTokenizer, slowTokenizer } from './test-tokenizers.js';

const config = AlbertConfig.fromJSON({ vocab_size: 16000, id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC' } });
const oneHot = (label: number): number[] => [0, 1, 2, 3].map((index) => (index === label ? 0.9 : 0.1 / 3));

describe('token-classification pipeline (no model)', () => {
  const tokenizer = fastTokenizer();

  it('marks sub-words with the fallback heuristic and groups B-/I- runs', () => {
    const { text, encoding } = preprocessTokenClassification(tokenizer, 'Alice Smith lives in Paris.');
    const labels = encoding.inputIds.map((_, position) => [0, 1, 2, 2, 0, 0, 3, 0, 0][position] ?? 0);
    const preEntities = gatherPreEntities(tokenizer, text, encoding, labels.map(oneHot));
    expect(preEntities.map((entity) => entity.word)).toEqual(['▁a', 'lice', '▁smith', '▁lives', '▁in', '▁paris', '.']);
    expect(preEntities.map((entity) => entity.isSubword)).toEqual([false, true, false, false, false, false, true]);
    const simple = aggregatePreEntities(tokenizer, config, preEntities, 'simple');
    expect(simple).toEqual([
      { entity_group: 'PER', score: expect.closeTo(0.9, 6), word: 'alice smith', start: 0, end: 11 },
      { entity_group: 'LOC', score: expect.closeTo(0.9, 6), word: 'paris', start: 20, end: 26 },
    ]);
    const first = aggregatePreEntities(tokenizer, config, preEntities, 'first', []);
    // Python joins the decoded words of a group with convert_tokens_to_string again: no space survives
    expect(first.map((entity) => ('entity_group' in entity ? entity.word : ''))).toEqual(['alicesmith', 'livesin', 'paris.']);
    expect(aggregatePreEntities(tokenizer, config, preEntities, 'none')).toHaveLength(4);
  });

  it('refuses sub-word strategies with the slow tokenizer, unknown ignoreLabels and unknown strategies', async () => {
    const model = { config, forwardMany: async (encodings: readonly { inputIds: readonly number[] }[]) => encodings.map((encoding) => ({ logits: createTensor('float32', [1, encoding.inputIds.length, 4], new Float32Array(encoding.inputIds.length * 4)) })) };
    await expect(runTokenClassification(model, slowTokenizer(), 'Alice.', { aggregationStrategy: 'first' }, () => {})).rejects.toThrow(/Slow tokenizers cannot handle subwords/);
    await expect(runTokenClassification(model, tokenizer, 'Alice.', { ignoreLabels: ['B-ORG'] }, () => {})).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_UNKNOWN_LABEL' }));
    await expect(runTokenClassification(model, tokenizer, 'Alice.', { aggregationStrategy: 'longest' as never }, () => {})).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID_OPTION' }));
    const slow = (await runTokenClassification(model, slowTokenizer(), 'Alice.', { ignoreLabels: [] }, () => {})) as { start: number | null }[];
    expect(slow[0]?.start).toBeNull();
  });
});

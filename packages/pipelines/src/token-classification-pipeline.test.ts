import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import { createTensor } from '@albert-ts/core';
import {
  aggregateOverlappingEntities,
  aggregatePreEntities,
  gatherPreEntities,
  preprocessTokenClassification,
  runTokenClassification,
} from './token-classification-pipeline.js';
import { fastTokenizer, slowTokenizer } from './test-tokenizers.js';

const config = AlbertConfig.fromJSON({ vocab_size: 16000, id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC' } });
const oneHot = (label: number): number[] => [0, 1, 2, 3].map((index) => (index === label ? 0.9 : 0.1 / 3));

describe('token-classification pipeline (no model)', () => {
  const tokenizer = fastTokenizer();

  it('marks sub-words with the fallback heuristic and groups B-/I- runs', () => {
    const {
      text,
      encodings: [encoding],
    } = preprocessTokenClassification(tokenizer, 'Alice Smith lives in Paris.');
    if (encoding === undefined) throw new Error('no encoding');
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
    expect(first.map((entity) => ('entity_group' in entity ? entity.word : ''))).toEqual([
      'alicesmith',
      'livesin',
      'paris.',
    ]);
    expect(aggregatePreEntities(tokenizer, config, preEntities, 'none')).toHaveLength(4);
  });

  it('refuses sub-word strategies with the slow tokenizer, unknown ignoreLabels and unknown strategies', async () => {
    const model = {
      config,
      forwardMany: async (encodings: readonly { inputIds: readonly number[] }[]) =>
        encodings.map((encoding) => ({
          logits: createTensor(
            'float32',
            [1, encoding.inputIds.length, 4],
            new Float32Array(encoding.inputIds.length * 4),
          ),
        })),
    };
    await expect(
      runTokenClassification(model, slowTokenizer(), 'Alice.', { aggregationStrategy: 'first' }, () => {}),
    ).rejects.toThrow(/Slow tokenizers cannot handle subwords/);
    await expect(
      runTokenClassification(model, tokenizer, 'Alice.', { ignoreLabels: ['B-ORG'] }, () => {}),
    ).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_UNKNOWN_LABEL' }));
    await expect(
      runTokenClassification(model, tokenizer, 'Alice.', { aggregationStrategy: 'longest' as never }, () => {}),
    ).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID_OPTION' }));
    const slow = (await runTokenClassification(model, slowTokenizer(), 'Alice.', { ignoreLabels: [] }, () => {})) as {
      start: number | null;
    }[];
    expect(slow[0]?.start).toBeNull();
  });

  describe('stride', () => {
    // a stand-in model whose label depends on the token only: ▁a/▁paris/▁london B-LOC, lice I-…, ▁smith/▁bob B-PER
    const labelOf = (tokens: readonly string[]): Map<number, number> => {
      const fast = fastTokenizer();
      return new Map(tokens.map((token, index) => [fast.vocabularyId(token) as number, [3, 1, 1, 3][index] as number]));
    };
    const labels = labelOf(['▁paris', '▁smith', '▁bob', '▁london']);
    const model = {
      config,
      forwardMany: async (encodings: readonly { inputIds: readonly number[] }[]) =>
        encodings.map((encoding) => {
          const logits = new Float32Array(encoding.inputIds.length * 4);
          encoding.inputIds.forEach((id, position) => (logits[position * 4 + (labels.get(id) ?? 0)] = 5));
          return { logits: createTensor('float32', [1, encoding.inputIds.length, 4], logits) };
        }),
    };
    const text = 'Bob went to Paris and then Smith went to London, and Bob stayed in Paris with Smith.';

    it('classifies every window of a long text and merges the overlaps as Python does', async () => {
      const windowed = fastTokenizer({ modelMaxLength: 8 });
      const inputs = preprocessTokenClassification(windowed, text, undefined, 3);
      expect(inputs.encodings.length).toBeGreaterThan(3);
      for (const encoding of inputs.encodings) expect(encoding.inputIds.length).toBeLessThanOrEqual(8);
      const whole = await runTokenClassification(model, tokenizer, text, { aggregationStrategy: 'simple' }, () => {});
      const strided = await runTokenClassification(
        model,
        windowed,
        text,
        { aggregationStrategy: 'simple', stride: 3 },
        () => {},
      );
      expect(strided).toEqual(whole);
      expect((whole as { word: string }[]).map((entity) => entity.word)).toEqual([
        'bob',
        'paris',
        'smith',
        'london',
        'bob',
        'paris',
        'smith',
      ]);
      // without stride the text is cut at modelMaxLength
      expect(
        await runTokenClassification(model, windowed, text, { aggregationStrategy: 'simple' }, () => {}),
      ).toHaveLength(2);
    });

    it('keeps the longer overlapping entity, the higher score on a tie', () => {
      const a = { entity_group: 'PER', score: 0.5, word: 'a', start: 0, end: 5 };
      const b = { entity_group: 'PER', score: 0.9, word: 'b', start: 2, end: 5 };
      const c = { entity_group: 'PER', score: 0.7, word: 'c', start: 0, end: 5 };
      const d = { entity_group: 'LOC', score: 0.1, word: 'd', start: 6, end: 8 };
      expect(aggregateOverlappingEntities([d, b, a, c])).toEqual([c, d]);
      expect(aggregateOverlappingEntities([])).toEqual([]);
    });

    it('refuses stride with aggregation none, with the slow tokenizer, and a stride that does not fit', async () => {
      const windowed = fastTokenizer({ modelMaxLength: 8 });
      const error = (promise: Promise<unknown>) =>
        expect(promise).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID_OPTION' }));
      await error(runTokenClassification(model, windowed, text, { stride: 2 }, () => {}));
      await error(
        runTokenClassification(model, slowTokenizer(), text, { aggregationStrategy: 'simple', stride: 2 }, () => {}),
      );
      await error(
        runTokenClassification(model, windowed, text, { aggregationStrategy: 'simple', stride: 8 }, () => {}),
      );
      await error(
        runTokenClassification(model, windowed, text, { aggregationStrategy: 'simple', stride: 6 }, () => {}),
      );
      await error(
        runTokenClassification(model, windowed, text, { aggregationStrategy: 'simple', stride: -1 }, () => {}),
      );
    });
  });
});

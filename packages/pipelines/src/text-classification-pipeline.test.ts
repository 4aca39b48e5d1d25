import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import { createTensor } from '@albert-ts/core';
import {
  defaultClassificationFunction,
  postprocessTextClassification,
  runTextClassification,
} from './text-classification-pipeline.js';
import { slowTokenizer } from './test-tokenizers.js';

const config = AlbertConfig.fromJSON({ vocab_size: 16000, id2label: { 0: 'negative', 1: 'neutral', 2: 'positive' } });

describe('text-classification pipeline (no model)', () => {
  it('picks the function as Python does', () => {
    expect(defaultClassificationFunction({ problemType: 'regression', numLabels: 1 })).toBe('none');
    expect(defaultClassificationFunction({ problemType: null, numLabels: 1 })).toBe('sigmoid');
    expect(defaultClassificationFunction({ problemType: 'multi_label_classification', numLabels: 4 })).toBe('sigmoid');
    expect(defaultClassificationFunction({ problemType: null, numLabels: 3 })).toBe('softmax');
  });

  it('gives the legacy best label, or every label sorted, cut to topK', () => {
    const logits = [0, 2, 1];
    expect(postprocessTextClassification(config, logits, { topK: 1, legacy: true })).toEqual({
      label: 'neutral',
      score: expect.closeTo(0.665, 3),
    });
    const all = postprocessTextClassification(config, logits, { topK: null, legacy: false }) as { label: string }[];
    expect(all.map((entry) => entry.label)).toEqual(['neutral', 'positive', 'negative']);
    expect(postprocessTextClassification(config, logits, { topK: 2, legacy: false, functionToApply: 'none' })).toEqual([
      { label: 'neutral', score: 2 },
      { label: 'positive', score: 1 },
    ]);
  });

  it("wraps a plain string's legacy result in a list, keeps pairs bare, checks inputs and options", async () => {
    const model = {
      config,
      forwardMany: async (encodings: readonly unknown[]) =>
        encodings.map(() => ({ logits: createTensor('float32', [1, 3], new Float32Array([0, 2, 1])) })),
    };
    const tokenizer = slowTokenizer();
    expect(await runTextClassification(model, tokenizer, 'A text.', {})).toEqual([
      { label: 'neutral', score: expect.any(Number) },
    ]);
    expect(await runTextClassification(model, tokenizer, { text: 'A.', text_pair: 'B.' }, {})).toMatchObject({
      label: 'neutral',
    });
    expect(await runTextClassification(model, tokenizer, ['A.', 'B.'], { topK: 1 })).toHaveLength(2);
    await expect(runTextClassification(model, tokenizer, '', {})).rejects.toThrow(
      expect.objectContaining({ code: 'PIPELINE_EMPTY_INPUT' }),
    );
    await expect(runTextClassification(model, tokenizer, { text: 'A', textPair: 'B' } as never, {})).rejects.toThrow(
      /textPair is spelled text_pair/,
    );
    await expect(runTextClassification(model, tokenizer, 'A', { functionToApply: 'relu' as never })).rejects.toThrow(
      expect.objectContaining({ code: 'PIPELINE_INVALID_OPTION' }),
    );
    await expect(runTextClassification(model, tokenizer, 'A', { function_to_apply: 'none' } as never)).rejects.toThrow(
      /function_to_apply is spelled functionToApply/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import { createTensor } from '@albert-ts/core';
import { postprocessFeatureExtraction } from './feature-extraction-pipeline.js';
import { postprocessMultipleChoice, runMultipleChoice } from './multiple-choice-pipeline.js';
import { postprocessSentenceOrder } from './sentence-order-pipeline.js';
import {
  entailmentId,
  parseCandidateLabels,
  postprocessZeroShotClassification,
  runZeroShotClassification,
} from './zero-shot-classification-pipeline.js';
import { slowTokenizer } from './test-tokenizers.js';

describe('feature-extraction, zero-shot, multiple-choice and sentence-order postprocessing (no model)', () => {
  it("feature-extraction: Python's nested list, or pooled and normalized vectors", () => {
    const hidden = createTensor('float32', [1, 2, 2], new Float32Array([3, 4, 1, 0]));
    expect(postprocessFeatureExtraction(hidden)).toEqual([
      [
        [3, 4],
        [1, 0],
      ],
    ]);
    expect(postprocessFeatureExtraction(hidden, { pooling: 'cls', normalize: true })).toEqual([[0.6, 0.8]]);
    expect(postprocessFeatureExtraction(hidden, { pooling: 'mean' })).toEqual([[2, 2]]);
  });

  it('zero-shot: the entailment label, softmax over labels or per label, labels sorted', () => {
    const warnings: string[] = [];
    expect(entailmentId({ label2id: { contradiction: 0, neutral: 1, entailment: 2 } }, () => {})).toBe(2);
    expect(entailmentId({ label2id: { a: 0, b: 1 } }, (message) => warnings.push(message))).toBe(-1);
    expect(warnings[0]).toMatch(/Failed to determine 'entailment' label id/);
    expect(parseCandidateLabels(' a, b ,,c')).toEqual(['a', 'b', 'c']);
    const result = postprocessZeroShotClassification(
      't',
      ['x', 'y'],
      [
        [0, 0, 1],
        [0, 0, 3],
      ],
      { entailmentId: 2 },
    );
    expect(result.labels).toEqual(['y', 'x']);
    expect(result.scores[0]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(3)), 10);
    const multi = postprocessZeroShotClassification(
      't',
      ['x', 'y'],
      [
        [0, 0, 1],
        [0, 0, 3],
      ],
      { entailmentId: 2, multiLabel: true },
    );
    expect(multi.scores[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 10);
  });

  it('zero-shot: refuses a template without {} and no labels', async () => {
    const model = {
      config: AlbertConfig.fromJSON({
        vocab_size: 16000,
        id2label: { 0: 'contradiction', 1: 'neutral', 2: 'entailment' },
      }),
      forwardMany: async () => [],
    };
    await expect(
      runZeroShotClassification(
        model,
        slowTokenizer(),
        'A.',
        { candidateLabels: ['a'], hypothesisTemplate: 'No slot.' },
        () => {},
      ),
    ).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID_OPTION' }));
    await expect(runZeroShotClassification(model, slowTokenizer(), 'A.', {}, () => {})).rejects.toThrow(
      expect.objectContaining({ code: 'PIPELINE_EMPTY_INPUT' }),
    );
  });

  it('multiple-choice: one padded [1, choices, sequence] forward, softmax ranking', async () => {
    expect(postprocessMultipleChoice(['a', 'b'], [0, 1]).map((answer) => answer.choice)).toEqual(['b', 'a']);
    let shape: number[] = [];
    const model = {
      forward: async (inputs: { inputIds: number[][][] }) => {
        shape = [inputs.inputIds.length, inputs.inputIds[0]?.length ?? 0, inputs.inputIds[0]?.[0]?.length ?? 0];
        return { logits: createTensor('float32', [1, 2], new Float32Array([2, 1])) };
      },
    };
    const ranked = await runMultipleChoice(
      model,
      slowTokenizer(),
      { text: 'The river flows into', choices: ['the sea.', 'a long and winding table.'] },
      {},
    );
    expect(shape[0]).toBe(1);
    expect(shape[1]).toBe(2);
    expect(ranked).toMatchObject([{ choice: 'the sea.', index: 0 }, { index: 1 }]);
    await expect(runMultipleChoice(model, slowTokenizer(), { text: 'A', choices: [] }, {})).rejects.toThrow(
      expect.objectContaining({ code: 'PIPELINE_EMPTY_INPUT' }),
    );
  });

  it('sentence-order: in_order / swapped, more likely first', () => {
    expect(postprocessSentenceOrder([0, 2]).map((entry) => entry.label)).toEqual(['swapped', 'in_order']);
  });
});

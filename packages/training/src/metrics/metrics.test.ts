import { describe, expect, it } from 'vitest';
import { accuracy, argmaxRows, f1Score } from './classification-metrics.js';
import { entityF1, entitySpans } from './entity-metrics.js';
import { answerF1, exactMatch } from './question-answering-metrics.js';

describe('metrics', () => {
  it('accuracy, macro and micro F1 (scikit-learn semantics)', () => {
    const predictions = [0, 1, 1, 2];
    const references = [0, 1, 2, 2];
    expect(accuracy(predictions, references)).toBe(0.75);
    expect(f1Score(predictions, references, 'micro')).toBeCloseTo(0.75, 10);
    expect(f1Score(predictions, references, 'macro')).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3, 10);
    expect(argmaxRows([0.1, 0.9, 0.8, 0.2], 2)).toEqual([1, 0]);
  });

  it('entity F1 as seqeval', () => {
    expect(entitySpans(['B-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 3, end: 3 },
      { type: 'LOC', start: 4, end: 4 },
    ]);
    const scores = entityF1([['B-PER', 'I-PER', 'O', 'B-LOC']], [['B-PER', 'I-PER', 'O', 'O']]);
    expect(scores).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3 });
  });

  it('SQuAD exact match and F1', () => {
    expect(exactMatch('The Eiffel Tower!', ['eiffel tower'])).toBe(1);
    expect(answerF1('the tall Eiffel tower', ['Eiffel Tower'])).toBeCloseTo(0.8, 10);
    expect(answerF1('Paris', ['London'])).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogitsLoss,
  crossEntropyLoss,
  meanSquaredErrorLoss,
  questionAnsweringLoss,
} from './losses.js';

describe('losses', () => {
  it('cross-entropy ignores -100 and averages over the rest', () => {
    const logits = [0, 0, Math.log(3), 0];
    expect(crossEntropyLoss(logits, 2, [0, -100])).toBeCloseTo(Math.log(2), 12);
    expect(crossEntropyLoss(logits, 2, [1, 0])).toBeCloseTo((Math.log(2) + Math.log(4 / 3)) / 2, 12);
    expect(crossEntropyLoss(logits, 2, [-100, -100])).toBeNaN();
  });
  it('BCE with logits and MSE are means over every element', () => {
    expect(binaryCrossEntropyWithLogitsLoss([0, 0], [1, 0])).toBeCloseTo(Math.log(2), 12);
    expect(binaryCrossEntropyWithLogitsLoss([100], [1])).toBeCloseTo(0, 12);
    expect(meanSquaredErrorLoss([1, 2], [0, 0])).toBe(2.5);
  });
  it('QA clamps to [0, S] and ignores S', () => {
    const start = [0, 0, 0, 0, 0, 0];
    const end = [0, 0, 0, 0, 0, 0];
    // row 0: start 5 → clamped 3 = S → ignored; row 1: start -2 → 0
    expect(questionAnsweringLoss(start, end, 3, [5, -2], [1, 1])).toBeCloseTo(Math.log(3), 12);
  });
});

import { describe, expect, it } from 'vitest';
import { createTensor } from '../tensor.js';
import { InputError } from './input-error.js';
import {
  DEFAULT_TOKEN_BUDGET,
  padEncodings,
  planLengthBuckets,
  runInLengthBuckets,
  sliceBatchRow,
} from './length-buckets.js';

/** Deterministic pseudo-random lengths in [low, high]. */
function lengths(count: number, low: number, high: number): number[] {
  let seed = 7;
  return Array.from({ length: count }, () => {
    seed = (seed * 16807) % 2147483647;
    return low + (seed % (high - low + 1));
  });
}

describe('planLengthBuckets', () => {
  it('covers every index once, sorted by length, and respects the default budget of 256 tokens', () => {
    const input = lengths(64, 8, 128);
    const plan = planLengthBuckets(input);
    expect(DEFAULT_TOKEN_BUDGET).toBe(256);
    expect(plan.flat().sort((a, b) => a - b)).toEqual(input.map((_, index) => index));
    const ordered = plan.flat().map((index) => input[index] as number);
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    for (const batch of plan) {
      const longest = Math.max(...batch.map((index) => input[index] as number));
      expect(batch.length * longest).toBeLessThanOrEqual(256);
    }
    const padded = plan.reduce(
      (sum, batch) => sum + batch.length * Math.max(...batch.map((index) => input[index] as number)),
      0,
    );
    const real = input.reduce((sum, length) => sum + length, 0);
    console.log(`64 sequences, ${real} real tokens: ${plan.length} batches computing ${padded} tokens`);
    expect(padded / real).toBeLessThan(1.1);
  });

  it('gives a sequence longer than the budget a batch of its own and honours maxBatchSize', () => {
    expect(planLengthBuckets([300, 10, 10], { tokenBudget: 256 })).toEqual([[1, 2], [0]]);
    expect(planLengthBuckets([4, 4, 4, 4, 4], { tokenBudget: 1000, maxBatchSize: 2 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(planLengthBuckets([])).toEqual([]);
  });

  it('keeps input order among equal lengths', () => {
    expect(planLengthBuckets([5, 3, 5, 3], { tokenBudget: 100 })).toEqual([[1, 3, 0, 2]]);
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(() => planLengthBuckets([1], { tokenBudget: 0 })).toThrow(InputError);
    expect(() => planLengthBuckets([1], { maxBatchSize: 1.5 })).toThrow(/maxBatchSize/);
  });
});

describe('runInLengthBuckets', () => {
  it('restores input order and runs each batch under the budget', async () => {
    const items = lengths(40, 1, 50).map((length, index) => ({ index, length }));
    const batches: number[][] = [];
    const results = await runInLengthBuckets(
      items,
      (item) => item.length,
      async (batch) => {
        batches.push(batch.map((item) => item.length));
        return batch.map((item) => `result ${item.index}`);
      },
      { tokenBudget: 64 },
    );
    expect(results).toEqual(items.map((item) => `result ${item.index}`));
    for (const batch of batches) expect(batch.length * Math.max(...batch)).toBeLessThanOrEqual(Math.max(64, ...batch));
  });
});

describe('padEncodings and sliceBatchRow', () => {
  it('pads on the right and cuts rows back to their length', () => {
    const padded = padEncodings([{ inputIds: [2, 7, 3] }, { inputIds: [2, 3], tokenTypeIds: [0, 1] }], 0);
    expect(padded).toEqual({
      inputIds: [
        [2, 7, 3],
        [2, 3, 0],
      ],
      attentionMask: [
        [1, 1, 1],
        [1, 1, 0],
      ],
      tokenTypeIds: [
        [0, 0, 0],
        [0, 1, 0],
      ],
      lengths: [3, 2],
    });
    // [batch 2, sequence 3, features 2]
    const tensor = createTensor(
      'float32',
      [2, 3, 2],
      Float32Array.from({ length: 12 }, (_, index) => index),
    );
    expect(sliceBatchRow(tensor, 1, 2, [1])).toEqual(
      createTensor('float32', [1, 2, 2], Float32Array.from([6, 7, 8, 9])),
    );
    // [batch 2, heads 1, sequence 3, sequence 3]: both sequence axes cut
    const square = createTensor(
      'float32',
      [2, 1, 3, 3],
      Float32Array.from({ length: 18 }, (_, index) => index),
    );
    expect(sliceBatchRow(square, 0, 2, [2, 3])).toEqual(
      createTensor('float32', [1, 1, 2, 2], Float32Array.from([0, 1, 3, 4])),
    );
    expect(sliceBatchRow(createTensor('float32', [2, 2], Float32Array.from([1, 2, 3, 4])), 1, 1)).toEqual(
      createTensor('float32', [1, 2], Float32Array.from([3, 4])),
    );
  });
});

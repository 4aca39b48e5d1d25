import { describe, expect, it } from 'vitest';
import { planLengthBuckets, runInLengthBuckets } from '../lib/length-buckets.mjs';

describe('length buckets', () => {
  it('sorts by length, keeps rows × longest within the token budget, and covers every index once', () => {
    const lengths = [120, 8, 9, 64, 10, 128, 12, 11];
    const plan = planLengthBuckets(lengths, { tokenBudget: 256 });
    expect(plan.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const batch of plan) {
      const longest = Math.max(...batch.map((i) => lengths[i]));
      expect(batch.length === 1 || batch.length * longest <= 256).toBe(true);
    }
    expect(plan[0]).toEqual([1, 2, 4, 7, 6]); // shortest first, stable
  });

  it('gives an over-budget sequence its own batch and respects maxBatchSize', () => {
    expect(planLengthBuckets([500, 5], { tokenBudget: 100 })).toEqual([[1], [0]]);
    expect(planLengthBuckets([4, 4, 4, 4, 4], { tokenBudget: 1000, maxBatchSize: 2 })).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('restores input order', async () => {
    const items = ['ccc', 'a', 'bb', 'dddd'];
    const results = await runInLengthBuckets(items, (s) => s.length, async (batch) => batch.map((s) => s.toUpperCase()), { tokenBudget: 4 });
    expect(results).toEqual(['CCC', 'A', 'BB', 'DDDD']);
  });
});

import { createTensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import type { DropoutMaskInput } from '../graph/dropout-sites.js';
import { TrainingError } from '../training-error.js';
import { dropoutMask, dropoutMaskFeeds, dropoutScale } from './dropout-masks.js';

const key = { seed: 42, step: 0, microBatch: 0 };
const dropped = (mask: Float32Array): number => mask.reduce((count, value) => count + (value === 0 ? 1 : 0), 0);

describe('dropout masks', () => {
  it('keep PyTorch’s float32 scale 1/(1−p) and drop nothing at p = 0, everything at p = 1', () => {
    // torch: F.dropout(torch.ones(n), 0.1, True).max() == 1.1111111640930176
    expect(dropoutScale(0.1)).toBe(1.1111111640930176);
    expect(dropoutScale(0.5)).toBe(2);
    expect([...dropoutMask(5, 0, key, 0)]).toEqual([1, 1, 1, 1, 1]);
    expect([...dropoutMask(5, 1, key, 0)]).toEqual([0, 0, 0, 0, 0]);
    const mask = dropoutMask(1000, 0.3, key, 0);
    expect(new Set(mask)).toEqual(new Set([0, dropoutScale(0.3)]));
  });

  it('are a pure function of (seed, step, micro-batch, site): equal when repeated, different otherwise', () => {
    const base = dropoutMask(4096, 0.1, key, 3);
    expect(dropoutMask(4096, 0.1, { ...key }, 3)).toEqual(base);
    for (const other of [
      dropoutMask(4096, 0.1, { ...key, seed: 43 }, 3),
      dropoutMask(4096, 0.1, { ...key, step: 1 }, 3),
      dropoutMask(4096, 0.1, { ...key, microBatch: 1 }, 3),
      dropoutMask(4096, 0.1, key, 4),
      dropoutMask(4096, 0.1, { ...key, seed: 2 ** 40 + 42 }, 3),
    ]) {
      let differences = 0;
      for (let index = 0; index < base.length; index += 1) if (base[index] !== other[index]) differences += 1;
      // independent masks differ in ≈ 2·p·(1−p) = 18 % of the elements
      expect(differences / base.length).toBeGreaterThan(0.12);
    }
  });

  it('drop a fraction p (statistical bound) and keep the expected value (mean of the mask = 1)', () => {
    const n = 1 << 20;
    for (const p of [0.1, 0.25, 0.5, 0.9]) {
      const mask = dropoutMask(n, p, { seed: 7, step: 3, microBatch: 0 }, 1);
      const sigma = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(dropped(mask) / n - p), `p = ${p}`).toBeLessThan(6 * sigma);
      const mean = mask.reduce((sum, value) => sum + value, 0) / n;
      // E[mask] = (1 − p) · 1/(1 − p) = 1; its standard error is √(p/(1−p)/n)
      expect(Math.abs(mean - 1), `p = ${p}`).toBeLessThan(6 * Math.sqrt(p / (1 - p) / n) + 1e-6);
      // neighbours are independent: both dropped with probability p²
      let pairs = 0;
      for (let index = 1; index < n; index += 1) if (mask[index] === 0 && mask[index - 1] === 0) pairs += 1;
      const pairSigma = Math.sqrt((p * p * (1 - p * p)) / n);
      expect(Math.abs(pairs / (n - 1) - p * p), `p = ${p}`).toBeLessThan(6 * pairSigma);
    }
  });

  it('are shaped from the batch: rows = batch (or batch·choices), sequence = the last axis', () => {
    const masks: DropoutMaskInput[] = [
      { name: 'dropout.embeddings', site: 'embeddings', probability: 0.1, dims: ['rows', 'sequence', 4] },
      {
        name: 'dropout.layer_0.inner_0.attention_probabilities',
        site: 'attention-probabilities',
        probability: 0.2,
        dims: ['rows', 2, 'sequence', 'sequence'],
      },
      { name: 'dropout.classifier', site: 'classifier', probability: 0.3, dims: ['rows', 8] },
    ];
    const choices = createTensor('int64', [2, 3, 5], new BigInt64Array(30));
    const feeds = dropoutMaskFeeds(masks, { attention_mask: choices }, key);
    expect(feeds['dropout.embeddings']?.shape).toEqual([6, 5, 4]);
    expect(feeds['dropout.layer_0.inner_0.attention_probabilities']?.shape).toEqual([6, 2, 5, 5]);
    expect(feeds['dropout.classifier']?.shape).toEqual([6, 8]);
    // each site its own stream
    expect(feeds['dropout.classifier']?.data).toEqual(dropoutMask(48, 0.3, key, 2));
    expect(dropoutMaskFeeds([], {}, key)).toEqual({});
    expect(() => dropoutMaskFeeds(masks, {}, key)).toThrow(TrainingError);
    expect(() => dropoutMask(4, 0.1, { ...key, seed: -1 }, 0)).toThrow(/seed/);
  });
});

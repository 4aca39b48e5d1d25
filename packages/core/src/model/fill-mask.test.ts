import { describe, expect, it } from 'vitest';
import { createTensor } from '../tensor.js';
import { topKAtPositions, topKAtRows } from './fill-mask.js';

/** The reference ranking: a full sort, largest first, ties by lower id. */
function sortedIds(row: Float32Array): number[] {
  return Array.from({ length: row.length }, (_, index) => index).sort(
    (a, b) => (row[b] as number) - (row[a] as number) || a - b,
  );
}

describe('fill-mask top-k', () => {
  // 3 positions × 1000 tokens; values on a coarse grid so that ties are frequent
  const vocab = 1000;
  const data = Float32Array.from(
    { length: 3 * vocab },
    (_, index) => Math.round(Math.sin(index * 12.9898) * 43758.5453) % 17,
  );
  const logits = createTensor('float32', [1, 3, vocab], data);

  it('selects the same ids as a full sort (ties by lower id), with softmax scores over the whole row', () => {
    for (const topK of [0, 1, 5, 17, 64, 65, 2000]) {
      const masks = topKAtPositions(logits, [0, 2], topK);
      masks.forEach((mask, index) => {
        const row = data.subarray([0, 2][index]! * vocab, ([0, 2][index]! + 1) * vocab);
        expect(
          mask.predictions.map((prediction) => prediction.tokenId),
          `topK ${topK}`,
        ).toEqual(sortedIds(row).slice(0, topK));
        const max = Math.max(...row);
        const sum = row.reduce((total, value) => total + Math.exp(value - max), 0);
        for (const prediction of mask.predictions)
          expect(prediction.score).toBeCloseTo(Math.exp(prediction.logit - max) / sum, 12);
      });
    }
  });

  it('topKAtRows reads row i of [1, positions, vocab] logits as position maskIndices[i]', () => {
    const atRows = topKAtRows(createTensor('float32', [1, 2, vocab], data.slice(vocab, 3 * vocab)), [7, 3], 5);
    const atPositions = topKAtPositions(logits, [1, 2], 5);
    expect(atRows.map((mask) => mask.maskIndex)).toEqual([7, 3]);
    expect(atRows.map((mask) => mask.predictions)).toEqual(atPositions.map((mask) => mask.predictions));
  });
});

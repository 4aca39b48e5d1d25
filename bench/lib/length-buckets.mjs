// Length-bucketed batching for natural-length work: sort by length, cut batches under a token budget
// (rows × longest row, i.e. what is computed including padding), run, restore input order.
// The design proposed for @albert-ts/core (see docs/performance.md); this is the bench's copy.

/**
 * Plans batches: indices sorted by length (stable), greedily grouped while rows × longest ≤ tokenBudget
 * (a single sequence longer than the budget gets its own batch) and rows ≤ maxBatchSize.
 * @returns {number[][]} batches of original indices
 */
export function planLengthBuckets(lengths, { tokenBudget = 256, maxBatchSize = 64 } = {}) {
  const order = lengths.map((length, index) => ({ length, index })).sort((a, b) => a.length - b.length || a.index - b.index);
  const batches = [];
  let current = [];
  let longest = 0;
  for (const { length, index } of order) {
    const nextLongest = Math.max(longest, length);
    if (current.length > 0 && ((current.length + 1) * nextLongest > tokenBudget || current.length >= maxBatchSize)) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(index);
    longest = Math.max(longest, length);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Runs `runBatch` over the planned buckets and returns per-input results in input order. */
export async function runInLengthBuckets(items, lengthOf, runBatch, options) {
  const plan = planLengthBuckets(items.map(lengthOf), options);
  const results = new Array(items.length);
  for (const indices of plan) {
    const outputs = await runBatch(indices.map((index) => items[index]));
    indices.forEach((index, row) => {
      results[index] = outputs[row];
    });
  }
  return results;
}

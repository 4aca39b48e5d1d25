import { createTensor, type Tensor } from '@albert-ts/core';
import type { DropoutMaskDimension, DropoutMaskInput } from '../graph/dropout-sites.js';
import { TrainingError } from '../training-error.js';

/**
 * Which masks to draw: a mask is a pure function of the seed, the optimizer step, the micro-batch within the
 * step and the site, so a run is reproducible, every step differs, and a resumed run draws what the
 * uninterrupted run would have drawn.
 *
 * @example
 * ```ts
 * const key: DropoutRandomKey = { seed: 42, step: trainer.stepCount, microBatch: 0 };
 * ```
 */
export interface DropoutRandomKey {
  /** The run's seed (the Trainer's `seed`). A non-negative integer below 2⁵³. */
  readonly seed: number;
  /** The optimizer step (0-based). */
  readonly step: number;
  /** The micro-batch within the step (gradient accumulation; 0 without it). */
  readonly microBatch: number;
}

/** murmur3's 32-bit finalizer: a bijective mix of all bits. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The float32 keep value `1/(1−p)` as PyTorch computes it (`noise.div_(1 - p)` on a float tensor).
 *
 * @example
 * ```ts
 * dropoutScale(0.1); // 1.1111111640930176, the kept value of torch.nn.functional.dropout(x, 0.1) for x = 1
 * ```
 */
export function dropoutScale(probability: number): number {
  return Math.fround(1 / Math.fround(1 - probability));
}

/**
 * One dropout mask of `size` elements: `0` with probability `probability`, else `1/(1−p)` (float32), drawn from
 * the `sfc32` generator (Chris Doty-Humphrey's small fast counter, 128-bit state) seeded by hashing
 * `(seed, step, microBatch, site)`. An element is dropped when its 32-bit draw is below `⌊p·2³²⌋`, so the drop
 * rate is `p` to within 2⁻³².
 *
 * @example
 * ```ts
 * const mask = dropoutMask(8, 0.1, { seed: 42, step: 0, microBatch: 0 }, 3);
 * // Float32Array of 0 and 1.1111111640930176, the same on every call with these arguments
 * ```
 */
export function dropoutMask(size: number, probability: number, key: DropoutRandomKey, site: number): Float32Array {
  if (!Number.isSafeInteger(key.seed) || key.seed < 0)
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `the dropout seed must be a non-negative integer, not ${key.seed}`,
      {
        field: 'seed',
        value: key.seed,
      },
    );
  const mask = new Float32Array(size);
  if (probability <= 0) return mask.fill(1);
  if (probability >= 1) return mask;
  const keep = dropoutScale(probability);
  // dropped when the unsigned draw u < ⌊p·2³²⌋, compared as signed int32 values (u − 2³¹ < ⌊p·2³²⌋ − 2³¹)
  const threshold = (Math.floor(probability * 2 ** 32) - 2 ** 31) | 0;
  // four 32-bit words from the key, each word a different hash chain (int32 values throughout)
  const low = key.seed >>> 0;
  const high = Math.floor(key.seed / 2 ** 32) >>> 0;
  let a = mix32(low ^ mix32(high ^ 0x9e3779b9)) | 0;
  let b = mix32(key.step ^ mix32(a ^ 0x7f4a7c15)) | 0;
  let c = mix32(key.microBatch ^ mix32(b ^ 0x94d049bb)) | 0;
  let d = mix32(site ^ mix32(c ^ 0xbf58476d)) | 0;
  // sfc32: state (a, b, c) and the counter d; 12 rounds mix the seed in before the first draw
  let t = 0;
  for (let round = 0; round < 12; round += 1) {
    t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
  }
  for (let index = 0; index < size; index += 1) {
    t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    mask[index] = (t ^ -0x80000000) < threshold ? 0 : keep;
  }
  return mask;
}

/**
 * The mask feeds of a training-mode graph for one micro-batch: one tensor per {@link DropoutMaskInput}, shaped
 * from the batch's `input_ids` (or `attention_mask`): `rows` = every axis but the last (batch, or batch·choices),
 * `sequence` = the last.
 *
 * @example
 * ```ts
 * const feeds = collateBatch(graph, examples, { padTokenId: 0 });
 * const masks = dropoutMaskFeeds(graph.dropoutMasks, feeds, { seed: 42, step: trainer.stepCount, microBatch: 0 });
 * await session.run(parameters, { ...feeds, ...masks });
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_BATCH` when the feeds have no `attention_mask` to take the shape from.
 */
export function dropoutMaskFeeds(
  masks: readonly DropoutMaskInput[],
  feeds: Readonly<Record<string, Tensor>>,
  key: DropoutRandomKey,
): Record<string, Tensor<'float32'>> {
  const result: Record<string, Tensor<'float32'>> = {};
  if (masks.length === 0) return result;
  const shape = feeds['attention_mask']?.shape;
  if (shape === undefined || shape.length < 2)
    throw new TrainingError('TRAINING_BAD_BATCH', 'dropout masks need the batch attention_mask to size them', {
      field: 'attention_mask',
    });
  const sequence = shape[shape.length - 1] as number;
  const rows = shape.slice(0, -1).reduce((product, size) => product * size, 1);
  const size = (dimension: DropoutMaskDimension): number =>
    dimension === 'rows' ? rows : dimension === 'sequence' ? sequence : dimension;
  masks.forEach((mask, site) => {
    const dims = mask.dims.map(size);
    const count = dims.reduce((product, value) => product * value, 1);
    result[mask.name] = createTensor('float32', dims, dropoutMask(count, mask.probability, key, site));
  });
  return result;
}

import type { Tensor } from '../tensor.js';
import { releaseWholeBuffer } from './release-array-buffer.js';

/**
 * Frees a result tensor's memory within milliseconds, as Python frees an array at `del`: JavaScript engines free a large
 * buffer only at a garbage collection, which inference work (a small JavaScript heap, large outputs) may
 * not trigger for many calls, so a loop of `forward` calls can hold several results' worth of memory
 * (three `[8, 128, 30000]` logits = 352 MiB) after it dropped them.
 *
 * The tensor's `data` becomes empty (its buffer is detached). Only a tensor whose data covers a whole
 * buffer is freed (what `forward` returns); a view into a larger buffer is left alone and `false` is
 * returned. Don't dispose a tensor whose buffer something else still reads.
 *
 * @example
 * ```ts
 * const { logits } = await model.forward(inputs);
 * const top = logits.data.indexOf(Math.max(...logits.data.subarray(0, 30000))); // use the result…
 * disposeTensor(logits); // …then free its memory before the next call
 * ```
 */
export function disposeTensor(tensor: Tensor): boolean {
  return releaseWholeBuffer(tensor.data);
}

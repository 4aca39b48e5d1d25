/**
 * The seed of `Trainer.fit`'s shuffle of epoch `epoch` of a run seeded with `seed`: a hash of both, so the order
 * of any epoch is a pure function of `(seed, epoch)` and a resumed run (which restores both from
 * `trainer_state.json`) shuffles as the uninterrupted run did, without replaying the earlier epochs — as
 * PyTorch's `DistributedSampler` seeds each epoch with `seed + epoch`.
 *
 * @param seed - the run's seed, a non-negative integer below 2⁵³.
 * @param epoch - the epoch's index in the run (0-based), a non-negative integer below 2⁵³.
 * @returns a 32-bit seed for `seededRandom`.
 *
 * @example
 * ```ts
 * const order = shuffled(examples, seededRandom(epochShuffleSeed(trainer.seed, trainer.epochCount)));
 * ```
 */
export function epochShuffleSeed(seed: number, epoch: number): number {
  let hash = mix(0x5eed5eed ^ (seed >>> 0));
  hash = mix(hash ^ (Math.floor(seed / 2 ** 32) >>> 0));
  hash = mix(hash ^ (epoch >>> 0));
  return mix(hash ^ (Math.floor(epoch / 2 ** 32) >>> 0));
}

/** MurmurHash3's 32-bit finalizer. */
function mix(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

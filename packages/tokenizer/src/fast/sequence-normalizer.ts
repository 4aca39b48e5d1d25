import type { FastNormalizer } from './normalizer.js';
import type { NormalizedString } from './normalized-string.js';

/** The `Sequence` normalizer: applies its normalizers in order. */
export class SequenceNormalizer implements FastNormalizer {
  readonly type = 'Sequence';
  /** The normalizers, in order. */
  readonly normalizers: readonly FastNormalizer[];

  /** @param normalizers - the steps, applied in order. */
  constructor(normalizers: readonly FastNormalizer[]) {
    this.normalizers = normalizers;
  }

  /** Apply every step in order. */
  normalize(text: NormalizedString): void {
    for (const normalizer of this.normalizers) normalizer.normalize(text);
  }
}

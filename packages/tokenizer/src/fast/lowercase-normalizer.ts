import type { FastNormalizer } from './normalizer.js';
import type { NormalizedString } from './normalized-string.js';

/** Lower case of one code point, without context (Rust's `char::to_lowercase`: no final-sigma rule). */
export function lowercaseCodePoint(codePoint: number): string {
  if (codePoint < 0x80) return String.fromCharCode(codePoint >= 0x41 && codePoint <= 0x5a ? codePoint + 32 : codePoint);
  return String.fromCodePoint(codePoint).toLowerCase();
}

/** The `Lowercase` normalizer (per character; characters it expands share the source's alignment). */
export class LowercaseNormalizer implements FastNormalizer {
  readonly type = 'Lowercase';
  readonly charLocal = true;

  /** Lower-case in place. */
  normalize(text: NormalizedString): void {
    const value = text.normalized;
    const lower = value.toLowerCase();
    if (lower === value) return;
    if (lower.length === value.length && !value.includes('\u03a3') && !/[\u0130\ud800-\udfff]/.test(value)) {
      // Every change is a one-to-one replacement of a BMP character: the alignments do not move.
      text.normalized = lower;
      return;
    }
    text.mapCodePoints(lowercaseCodePoint);
  }
}

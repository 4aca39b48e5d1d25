import type { FastNormalizer } from './normalizer.js';
import type { NormalizedString } from './normalized-string.js';

const MARK = /\p{M}/u;

/** Whether a code point is a combining mark (General_Category = Mark), as Rust's `is_combining_mark`. */
export function isCombiningMark(codePoint: number): boolean {
  return codePoint >= 0x300 && MARK.test(String.fromCodePoint(codePoint));
}

/** The `StripAccents` normalizer: removes combining marks. */
export class StripAccentsNormalizer implements FastNormalizer {
  readonly type = 'StripAccents';
  readonly charLocal = true;

  /** Remove every combining mark in place. */
  normalize(text: NormalizedString): void {
    if (!MARK.test(text.normalized)) return;
    text.filter((codePoint) => !isCombiningMark(codePoint));
  }
}

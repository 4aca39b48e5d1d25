import type { FastPreTokenizer } from './pre-tokenizer.js';
import type { PreTokenizedString } from './pre-tokenized-string.js';

/** Rust's `char::is_whitespace` (the Unicode White_Space property). */
export function isUnicodeWhitespace(codePoint: number): boolean {
  if (codePoint <= 0x20) return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d);
  if (codePoint < 0x85) return false;
  return (
    codePoint === 0x85 ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}

/** The `WhitespaceSplit` pre-tokenizer: splits on Unicode whitespace, which is removed. */
export class WhitespaceSplitPreTokenizer implements FastPreTokenizer {
  readonly type = 'WhitespaceSplit';

  /** Split every piece on whitespace. */
  preTokenize(text: PreTokenizedString): void {
    text.split((piece) => piece.split(isUnicodeWhitespace, 'removed'));
  }
}

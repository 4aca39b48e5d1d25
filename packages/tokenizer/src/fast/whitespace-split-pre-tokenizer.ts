import { isUnicodeWhitespace } from '../python-text.js';
import type { FastPreTokenizer } from './pre-tokenizer.js';
import type { PreTokenizedString } from './pre-tokenized-string.js';

/** The `WhitespaceSplit` pre-tokenizer: splits on Unicode whitespace, which is removed. */
export class WhitespaceSplitPreTokenizer implements FastPreTokenizer {
  readonly type = 'WhitespaceSplit';

  /** Split every piece on whitespace. */
  preTokenize(text: PreTokenizedString): void {
    text.split((piece) => piece.split(isUnicodeWhitespace, 'removed'));
  }
}

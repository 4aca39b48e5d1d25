import type { FastPreTokenizer } from './pre-tokenizer.js';
import type { PreTokenizedString } from './pre-tokenized-string.js';

/** The `Sequence` pre-tokenizer: applies its pre-tokenizers in order. */
export class SequencePreTokenizer implements FastPreTokenizer {
  readonly type = 'Sequence';
  /** The steps, in order. */
  readonly preTokenizers: readonly FastPreTokenizer[];

  /** @param preTokenizers - the steps, applied in order. */
  constructor(preTokenizers: readonly FastPreTokenizer[]) {
    this.preTokenizers = preTokenizers;
  }

  /** Apply every step in order. */
  preTokenize(text: PreTokenizedString): void {
    for (const preTokenizer of this.preTokenizers) preTokenizer.preTokenize(text);
  }
}

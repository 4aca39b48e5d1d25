import type { PreTokenizedString } from './pre-tokenized-string.js';

/** One step of a `tokenizer.json` pre-tokenizer pipeline: cuts the pieces of a text further. */
export interface FastPreTokenizer {
  /** The component's `type` in `tokenizer.json`. */
  readonly type: string;
  /** Split the pieces of `text` in place. */
  preTokenize(text: PreTokenizedString): void;
}

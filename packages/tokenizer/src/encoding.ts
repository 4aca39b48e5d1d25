/**
 * Output of a tokenizer for one sequence (or pair), accepted by `@albert-ts/core`'s `forward`.
 * Offsets are `[start, end)` character offsets into the original text (code points by default);
 * `[0, 0]` for added special tokens and padding.
 */
export interface Encoding {
  /** Token ids, special tokens included. */
  inputIds: number[];
  /** 0 for the first sequence (and padding), 1 for the second. */
  tokenTypeIds: number[];
  /** 1 for tokens, 0 for padding. */
  attentionMask: number[];
  /** 1 for added special tokens and padding. */
  specialTokensMask?: number[];
  /** `[start, end)` of each token in its original text. */
  offsets?: Array<[number, number]>;
  /** Token strings. */
  tokens?: string[];
}

/** Output of a tokenizer for a batch (padded to a common length when padding was asked for). */
export interface BatchEncoding {
  /** Token ids per item. */
  inputIds: number[][];
  /** Token type ids per item. */
  tokenTypeIds: number[][];
  /** Attention mask per item. */
  attentionMask: number[][];
  /** Special-tokens mask per item. */
  specialTokensMask?: number[][];
  /** Offsets per item. */
  offsets?: Array<Array<[number, number]>>;
  /** Token strings per item. */
  tokens?: string[][];
}

/** How to truncate a sequence or pair that is longer than `maxLength` (transformers' names). */
export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second' | 'do_not_truncate';

/** How to pad (transformers' names): to the longest sequence of the batch, or to `maxLength`. */
export type PaddingStrategy = 'longest' | 'max_length' | 'do_not_pad';

/** Options of `encode` / `encodeBatch` (transformers' `__call__` keyword arguments, camelCased). */
export interface EncodeOptions {
  /** Add `[CLS]` / `[SEP]` (default true). */
  addSpecialTokens?: boolean;
  /** `true` = `longest_first`; a strategy name; `false` = none. With only `maxLength` given, `longest_first`. */
  truncation?: boolean | TruncationStrategy;
  /** Maximum length (special tokens included); default the tokenizer's `modelMaxLength` when truncating/padding to max length. */
  maxLength?: number;
  /**
   * Tokens shared by consecutive overflowing windows: `AlbertTokenizerFast` returns the windows with
   * `returnOverflowingTokens`; the slow tokenizer reports the cut-off ids in `overflowingTokens`.
   */
  stride?: number;
  /** `true` = `longest`; a strategy name; `false` = none (default). */
  padding?: boolean | PaddingStrategy;
  /** Round the padded length up to a multiple of this. */
  padToMultipleOf?: number;
  /** Side to pad on; default the tokenizer's (`right` for ALBERT, which uses absolute positions). */
  paddingSide?: 'left' | 'right';
  /** Unit of `offsets`: `codePoint` (default, as Python reports them) or `utf16` (JavaScript string indices). */
  offsetUnit?: 'codePoint' | 'utf16';
}

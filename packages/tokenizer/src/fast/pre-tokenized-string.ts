import type { FastToken } from './fast-token.js';
import type { NormalizedString } from './normalized-string.js';

/** One piece of a {@link PreTokenizedString}: its text and, once known, its tokens. */
export interface PreTokenizedSplit {
  /** The piece of text with its alignment to the original. */
  readonly normalized: NormalizedString;
  /** Tokens, already known for added tokens; `undefined` until the model runs. */
  tokens: FastToken[] | undefined;
}

/**
 * A text cut into pieces by the added-token matcher and the pre-tokenizers (the library's
 * `PreTokenizedString`). Pieces with tokens are left alone by later splits; empty pieces are dropped.
 */
export class PreTokenizedString {
  /** The current pieces, in order. */
  splits: PreTokenizedSplit[];

  /** @param text - the whole text, as a single piece. */
  constructor(text: NormalizedString) {
    this.splits = [{ normalized: text, tokens: undefined }];
  }

  /**
   * Replace every piece without tokens by the pieces `splitPiece` returns (a bare
   * {@link NormalizedString} is a piece without tokens).
   */
  split(splitPiece: (piece: NormalizedString, index: number) => Array<NormalizedString | PreTokenizedSplit>): void {
    const result: PreTokenizedSplit[] = [];
    const splits = this.splits;
    for (let index = 0; index < splits.length; index++) {
      const split = splits[index] as PreTokenizedSplit;
      if (split.tokens !== undefined) {
        result.push(split);
        continue;
      }
      for (const piece of splitPiece(split.normalized, index)) {
        const asSplit: PreTokenizedSplit =
          'tokens' in piece ? piece : { normalized: piece as NormalizedString, tokens: undefined };
        if (asSplit.normalized.normalized.length === 0) continue;
        result.push(asSplit);
      }
    }
    this.splits = result;
  }
}

import type { FastToken } from './fast-token.js';

/** The model of a `tokenizer.json` pipeline: turns one pre-tokenized piece into tokens. */
export interface FastModel {
  /** The model's `type` in `tokenizer.json`. */
  readonly type: string;
  /** Number of entries in the model's vocabulary. */
  readonly vocabSize: number;
  /** Tokens of `text`, with code-unit offsets into it. */
  tokenize(text: string): FastToken[];
  /** Id of a vocabulary entry, or `undefined`. */
  tokenToId(token: string): number | undefined;
  /** Vocabulary entry of an id, or `undefined`. */
  idToToken(id: number): string | undefined;
}

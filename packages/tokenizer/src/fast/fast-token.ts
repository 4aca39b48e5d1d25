/** A token produced by a model or an added-token match, with code-unit offsets into its split. */
export interface FastToken {
  /** Vocabulary id. */
  readonly id: number;
  /** The token string as the library reports it (unknown pieces keep their surface text). */
  readonly value: string;
  /** Start in code units of the split's normalized text. */
  readonly start: number;
  /** End (exclusive) in code units of the split's normalized text. */
  readonly end: number;
}

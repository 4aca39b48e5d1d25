/** Fields of an added token (transformers' `AddedToken`, camelCased). */
export interface AddedTokenInit {
  /** The token text, matched literally (e.g. `[MASK]`). */
  readonly content: string;
  /** Strip whitespace on the left of the token when it is found in the text. */
  readonly lstrip?: boolean;
  /** Strip whitespace on the right of the token. */
  readonly rstrip?: boolean;
  /** Match only as a whole word. */
  readonly singleWord?: boolean;
  /** Whether the token is matched against normalized text (default: `!special`). */
  readonly normalized?: boolean;
  /** Special token (skipped by `decode` with `skipSpecialTokens`). */
  readonly special?: boolean;
}

/** An added token: a string that is split out of the text before SentencePiece and maps to one id. */
export class AddedToken {
  /** The token text. */
  readonly content: string;
  /** Strips whitespace on its left when found in the text. */
  readonly lstrip: boolean;
  /** Strips whitespace on its right when found in the text. */
  readonly rstrip: boolean;
  /** Matches only as a whole word. */
  readonly singleWord: boolean;
  /** Matched against normalized (lowercased) text. */
  readonly normalized: boolean;
  /** A special token. */
  readonly special: boolean;

  /** @param init - content and flags. */
  constructor(init: AddedTokenInit) {
    this.content = init.content;
    this.lstrip = init.lstrip ?? false;
    this.rstrip = init.rstrip ?? false;
    this.singleWord = init.singleWord ?? false;
    this.special = init.special ?? false;
    this.normalized = init.normalized ?? !this.special;
  }

  /** A copy with some fields changed. */
  with(changes: Partial<AddedTokenInit>): AddedToken {
    return new AddedToken({ ...this, ...changes });
  }

  /** The content. */
  toString(): string {
    return this.content;
  }

  /**
   * Reads a token from JSON as transformers saves it (`"[MASK]"` or
   * `{ content, lstrip, rstrip, single_word, normalized, special }`).
   */
  static fromJSON(value: unknown, defaults: Partial<AddedTokenInit> = {}): AddedToken | null {
    if (typeof value === 'string') return new AddedToken({ ...defaults, content: value });
    if (value !== null && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
      const record = value as Record<string, unknown>;
      const flag = (name: string): boolean | undefined =>
        typeof record[name] === 'boolean' ? (record[name] as boolean) : undefined;
      const init: { -readonly [K in keyof AddedTokenInit]: AddedTokenInit[K] } = {
        ...defaults,
        content: record['content'] as string,
      };
      const lstrip = flag('lstrip');
      const rstrip = flag('rstrip');
      const singleWord = flag('single_word');
      const normalized = flag('normalized');
      const special = flag('special');
      if (lstrip !== undefined) init.lstrip = lstrip;
      if (rstrip !== undefined) init.rstrip = rstrip;
      if (singleWord !== undefined) init.singleWord = singleWord;
      if (normalized !== undefined) init.normalized = normalized;
      if (special !== undefined) init.special = special;
      return new AddedToken(init);
    }
    return null;
  }
}

import type { PrependScheme } from './metaspace-pre-tokenizer.js';

/** A `tokenizer.json` decoder: turns tokens back into text. */
export interface FastDecoder {
  /** The component's `type` in `tokenizer.json`. */
  readonly type: string;
  /** Decode tokens to a string. */
  decode(tokens: readonly string[]): string;
}

/**
 * The `Metaspace` decoder: `▁` becomes a space, except in the first token (when a prefix was
 * prepended), where every `▁` is dropped.
 */
export class MetaspaceDecoder implements FastDecoder {
  readonly type = 'Metaspace';
  private readonly replacement: string;
  private readonly prependScheme: PrependScheme;

  /**
   * @param replacement - the replacement character (`▁`).
   * @param prependScheme - the pre-tokenizer's prepend scheme.
   */
  constructor(replacement: string, prependScheme: PrependScheme) {
    this.replacement = replacement;
    this.prependScheme = prependScheme;
  }

  /** Decode tokens. */
  decode(tokens: readonly string[]): string {
    const parts: string[] = [];
    tokens.forEach((token, index) => {
      if (index === 0 && this.prependScheme !== 'never') parts.push(token.split(this.replacement).join(''));
      else parts.push(token.split(this.replacement).join(' '));
    });
    return parts.join('');
  }
}

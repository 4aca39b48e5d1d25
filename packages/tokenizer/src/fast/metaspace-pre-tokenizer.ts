import type { FastPreTokenizer } from './pre-tokenizer.js';
import type { PreTokenizedString } from './pre-tokenized-string.js';

/** When the Metaspace pre-tokenizer adds the replacement character in front of a piece. */
export type PrependScheme = 'always' | 'first' | 'never';

/**
 * The `Metaspace` pre-tokenizer: spaces become the replacement character (`▁`), a `▁` is prepended
 * (per `prependScheme`), and with `split` each piece is cut before every `▁`.
 */
export class MetaspacePreTokenizer implements FastPreTokenizer {
  readonly type = 'Metaspace';
  /** The replacement character (`▁`). */
  readonly replacement: string;
  /** When to prepend the replacement. */
  readonly prependScheme: PrependScheme;
  /** Whether to split before every replacement character. */
  readonly splitPieces: boolean;
  private readonly replacementCodePoint: number;

  /**
   * @param replacement - the replacement character.
   * @param prependScheme - when to prepend it.
   * @param split - whether to split on it.
   */
  constructor(replacement: string, prependScheme: PrependScheme, split: boolean) {
    this.replacement = replacement;
    this.prependScheme = prependScheme;
    this.splitPieces = split;
    this.replacementCodePoint = replacement.codePointAt(0) as number;
  }

  /** Apply to every piece. */
  preTokenize(text: PreTokenizedString): void {
    const replacement = this.replacement;
    const replacementCodePoint = this.replacementCodePoint;
    text.split((piece) => {
      const value = piece.normalized;
      if (value.includes(' ')) {
        const matches: Array<[number, number]> = [];
        for (let index = value.indexOf(' '); index >= 0; index = value.indexOf(' ', index + 1))
          matches.push([index, index + 1]);
        piece.replaceRanges(matches, replacement);
      }
      if (this.prependScheme !== 'never' && !piece.normalized.startsWith(replacement)) {
        if (this.prependScheme === 'always' || piece.originalStart === 0) piece.prepend(replacement);
      }
      if (!this.splitPieces) return [piece];
      if (piece.normalized.indexOf(replacement, 1) < 0) {
        const length = piece.normalized.length;
        // A single piece: the library re-slices it, which only matters when that narrows its original range.
        if (piece.starts[0] === piece.originalStart && piece.ends[length - 1] === piece.originalEnd) return [piece];
        return [piece.slice(0, length)];
      }
      return piece.split((codePoint) => codePoint === replacementCodePoint, 'mergedWithNext');
    });
  }
}

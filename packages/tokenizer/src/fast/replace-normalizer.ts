import { TokenizerError } from '../tokenizer-error.js';
import type { LinearRegex } from './linear-regex.js';
import type { FastNormalizer } from './normalizer.js';
import type { NormalizedString } from './normalized-string.js';

/**
 * The pattern of a `Replace` normalizer: a literal string, or a regular expression run by the linear-time
 * {@link LinearRegex} (never a backtracking engine: `tokenizer.json` comes from strangers).
 */
export type ReplacePattern = { readonly string: string } | { readonly regex: LinearRegex };

/**
 * Default bound on how long a normalized text may become: 32 × its original length (in code points) + 1024
 * UTF-16 units. Real normalizers grow a text by small factors (NFKD's largest expansion is 18 characters); a
 * chain of expanding `Replace`s could otherwise reach gigabytes from a short text.
 */
export const DEFAULT_MAX_NORMALIZED_GROWTH = 32;

/** The growth bound for a text of `originalLength` code points. */
export function normalizedLengthLimit(originalLength: number, growth: number): number {
  return growth * originalLength + 1024;
}

/** The `TOKENIZER_LIMIT_EXCEEDED` error of a normalizer that would grow a text past the bound. */
export function normalizedGrowthError(
  component: string,
  originalLength: number,
  length: number,
  growth: number,
): TokenizerError {
  return new TokenizerError(
    'TOKENIZER_LIMIT_EXCEEDED',
    `a ${component} normalizer would make a text of ${originalLength} characters more than ${length} code units long, ` +
      `more than ${growth} times its length (+1024); refused (the maxNormalizedGrowth limit of parseTokenizerJson)`,
    { component, value: length, limit: normalizedLengthLimit(originalLength, growth) },
  );
}

/**
 * The `Replace` normalizer: replaces every (leftmost, non-overlapping) match of a literal or a
 * regular expression by `content`; replacement characters are aligned to the last matched character.
 * The result is measured before it is built: past the growth bound it throws `TOKENIZER_LIMIT_EXCEEDED`.
 */
export class ReplaceNormalizer implements FastNormalizer {
  readonly type = 'Replace';
  private readonly pattern: ReplacePattern;
  private readonly content: string;
  private readonly maxGrowth: number;

  /**
   * @param pattern - what to replace.
   * @param content - the replacement.
   * @param maxGrowth - the normalized text may be at most this many times its original length (+ 1024).
   */
  constructor(pattern: ReplacePattern, content: string, maxGrowth: number = DEFAULT_MAX_NORMALIZED_GROWTH) {
    this.pattern = pattern;
    this.content = content;
    this.maxGrowth = maxGrowth;
  }

  /** Replace every match in place. */
  normalize(text: NormalizedString): void {
    const matches = this.findMatches(text.normalized);
    if (matches.length === 0) return;
    let length = text.normalized.length;
    for (const [start, end] of matches) length += this.content.length - (end - start);
    const limit = normalizedLengthLimit(text.originalEnd - text.originalStart, this.maxGrowth);
    if (length > limit)
      throw normalizedGrowthError('Replace', text.originalEnd - text.originalStart, length, this.maxGrowth);
    text.replaceRanges(matches, this.content);
  }

  private findMatches(text: string): Array<[number, number]> {
    const matches: Array<[number, number]> = [];
    if (text.length === 0) return matches;
    if ('string' in this.pattern) {
      const needle = this.pattern.string;
      if (needle.length === 0) return matches;
      let from = 0;
      for (;;) {
        const index = text.indexOf(needle, from);
        if (index < 0) break;
        matches.push([index, index + needle.length]);
        from = index + needle.length;
      }
      return matches;
    }
    return this.pattern.regex.findAll(text);
  }
}

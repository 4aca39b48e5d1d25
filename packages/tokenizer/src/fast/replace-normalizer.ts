import type { FastNormalizer } from './normalizer.js';
import type { NormalizedString } from './normalized-string.js';

/** The pattern of a `Replace` normalizer: a literal string or a regular expression. */
export type ReplacePattern = { readonly string: string } | { readonly regex: RegExp };

/**
 * The `Replace` normalizer: replaces every (leftmost, non-overlapping) match of a literal or a
 * regular expression by `content`; replacement characters are aligned to the last matched character.
 */
export class ReplaceNormalizer implements FastNormalizer {
  readonly type = 'Replace';
  private readonly pattern: ReplacePattern;
  private readonly content: string;

  /**
   * @param pattern - what to replace.
   * @param content - the replacement.
   */
  constructor(pattern: ReplacePattern, content: string) {
    this.pattern = pattern;
    this.content = content;
  }

  /** Replace every match in place. */
  normalize(text: NormalizedString): void {
    const matches = this.findMatches(text.normalized);
    if (matches.length > 0) text.replaceRanges(matches, this.content);
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
    const regex = this.pattern.regex;
    regex.lastIndex = 0;
    for (;;) {
      const match = regex.exec(text);
      if (match === null) break;
      const start = match.index;
      const end = start + match[0].length;
      if (end === start) {
        regex.lastIndex = end + 1;
        if (end > text.length) break;
        continue;
      }
      matches.push([start, end]);
    }
    return matches;
  }
}

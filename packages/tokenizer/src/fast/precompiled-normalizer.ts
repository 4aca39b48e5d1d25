import type { FastNormalizer } from './normalizer.js';
import type { NormalizedString } from './normalized-string.js';

/**
 * The rewrite rules of a SentencePiece `precompiled_charsmap`, looked up the way the Rust
 * `spm_precompiled` crate does for the `Precompiled` normalizer.
 */
export interface CharsmapRules {
  /**
   * Replacement of the SHORTEST rule that matches a prefix of `chunk` (the first result of the
   * trie's common-prefix search), or `undefined` when no rule matches.
   */
  shortestPrefixReplacement(chunk: string): string | undefined;
}

const NON_ASCII = /[^\u0000-\u007f]/;

/** UTF-8 length of a string. */
function utf8Length(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      length += 4;
      index++;
    } else length += 3;
  }
  return length;
}

let segmenter: Intl.Segmenter | undefined;

/** Extended grapheme clusters of `text` (fast path for ASCII: only CR LF joins two characters). */
function graphemes(text: string): string[] {
  if (!NON_ASCII.test(text)) {
    if (!text.includes('\r\n')) return Array.from(text);
    const result: string[] = [];
    for (let index = 0; index < text.length; index++) {
      if (text[index] === '\r' && text[index + 1] === '\n') {
        result.push('\r\n');
        index++;
      } else result.push(text[index] as string);
    }
    return result;
  }
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

/**
 * The `Precompiled` normalizer: the SentencePiece character map applied as the Hugging Face library
 * applies it: per extended grapheme cluster when it is shorter than 6 UTF-8 bytes and a rule matches
 * a prefix of it (the whole cluster is then replaced), otherwise per character.
 */
export class PrecompiledNormalizer implements FastNormalizer {
  readonly type = 'Precompiled';
  private readonly rules: CharsmapRules;
  private readonly cache = new Map<string, string | null>();
  private readonly asciiUnchanged: boolean[] = [];

  /** @param rules - the charsmap's rewrite rules. */
  constructor(rules: CharsmapRules) {
    this.rules = rules;
    for (let code = 0; code < 0x80; code++) {
      this.asciiUnchanged.push(this.lookup(String.fromCharCode(code)) === undefined);
    }
  }

  /** Normalize in place. */
  normalize(text: NormalizedString): void {
    const value = text.normalized;
    if (this.isUnchangedAscii(value)) return;
    const codePoints: number[] = [];
    const changes: number[] = [];
    let modified = false;
    const replace = (oldPart: string, newPart: string): void => {
      let newCount = 0;
      for (const character of newPart) {
        codePoints.push(character.codePointAt(0) as number);
        changes.push(0);
        newCount++;
      }
      let oldCount = 0;
      for (let index = 0; index < oldPart.length; index++) {
        const unit = oldPart.charCodeAt(index);
        if (!(unit >= 0xdc00 && unit <= 0xdfff)) oldCount++;
      }
      const diff = newCount - oldCount;
      if (diff > 0) {
        for (let index = changes.length - 1, count = 0; count < diff && index >= 0; index--, count++) changes[index] = 1;
      } else if (diff < 0 && changes.length > 0) {
        changes[changes.length - 1] = (changes[changes.length - 1] as number) + diff;
      }
    };
    for (const grapheme of graphemes(value)) {
      if (grapheme.length > 1 && utf8Length(grapheme) < 6) {
        const replacement = this.lookup(grapheme);
        if (replacement !== undefined) {
          modified = true;
          replace(grapheme, replacement);
          continue;
        }
      }
      for (const character of grapheme) {
        const replacement = this.lookup(character);
        if (replacement !== undefined) {
          modified = true;
          replace(character, replacement);
        } else {
          codePoints.push(character.codePointAt(0) as number);
          changes.push(0);
        }
      }
    }
    if (modified) text.transform(codePoints, changes, codePoints.length, 0);
  }

  /** Plain-string form (no alignment). */
  normalizeString(text: string): string {
    const parts: string[] = [];
    for (const grapheme of graphemes(text)) {
      if (grapheme.length > 1 && utf8Length(grapheme) < 6) {
        const replacement = this.lookup(grapheme);
        if (replacement !== undefined) {
          parts.push(replacement);
          continue;
        }
      }
      for (const character of grapheme) parts.push(this.lookup(character) ?? character);
    }
    return parts.join('');
  }

  private isUnchangedAscii(value: string): boolean {
    for (let index = 0; index < value.length; index++) {
      const code = value.charCodeAt(index);
      if (code >= 0x80 || !this.asciiUnchanged[code]) return false;
    }
    return !value.includes('\r\n');
  }

  private lookup(chunk: string): string | undefined {
    const cached = this.cache.get(chunk);
    if (cached !== undefined) return cached ?? undefined;
    const replacement = this.rules.shortestPrefixReplacement(chunk);
    if (this.cache.size < 100_000) this.cache.set(chunk, replacement ?? null);
    return replacement;
  }
}

import type { FastNormalizer } from './normalizer.js';
import { unitLength, type NormalizedString } from './normalized-string.js';
import { DEFAULT_MAX_NORMALIZED_GROWTH, normalizedGrowthError, normalizedLengthLimit } from './replace-normalizer.js';

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

/**
 * Characters that can join the character before them (or, for Prepend, after them) into one
 * extended grapheme cluster: marks, ZWJ/ZWNJ, emoji modifiers and tags, regional indicators, Hangul
 * jamo, Prepend characters, CR, and the few SpacingMark/Extend letters. A text without any of them
 * has one cluster per code point, so the (slow) segmenter is only needed when one occurs.
 */
export const MAY_JOIN =
  /[\p{M}\r\u200c\u200d\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u0e33\u0eb3\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\uff9e\uff9f\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}\u{e0000}-\u{e0fff}\u{110bd}\u{110cd}\u{111c2}\u{111c3}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{11f02}]/u;

const MAY_JOIN_GLOBAL = new RegExp(MAY_JOIN.source, 'gu');

function isJoining(codePoint: number): boolean {
  return codePoint >= 0x300 ? MAY_JOIN.test(String.fromCodePoint(codePoint)) : codePoint === 0x0d;
}

function pushCodePoints(text: string, start: number, end: number, into: string[]): void {
  for (let index = start; index < end;) {
    const size = unitLength(text, index);
    into.push(size === 1 ? (text[index] as string) : text.slice(index, index + 2));
    index += size;
  }
}

/**
 * Extended grapheme clusters of `text`: one per code point, except in small windows around
 * characters that may join their neighbours, which go through `Intl.Segmenter`.
 */
function graphemes(text: string): string[] {
  const result: string[] = [];
  const length = text.length;
  let position = 0;
  MAY_JOIN_GLOBAL.lastIndex = 0;
  for (;;) {
    const match = MAY_JOIN_GLOBAL.exec(text);
    if (match === null) break;
    let windowStart = match.index;
    if (windowStart > position) windowStart -= windowStart >= 2 && unitLength(text, windowStart - 2) === 2 ? 2 : 1;
    let windowEnd = match.index + match[0].length;
    while (windowEnd < length) {
      const size = unitLength(text, windowEnd);
      if (isJoining(text.codePointAt(windowEnd) as number)) {
        windowEnd += size;
        continue;
      }
      const next = windowEnd + size;
      windowEnd = next;
      if (next < length && isJoining(text.codePointAt(next) as number)) continue;
      break;
    }
    pushCodePoints(text, position, windowStart, result);
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (const segment of segmenter.segment(text.slice(windowStart, windowEnd))) result.push(segment.segment);
    position = windowEnd;
    MAY_JOIN_GLOBAL.lastIndex = windowEnd;
  }
  pushCodePoints(text, position, length, result);
  return result;
}

/**
 * The `Precompiled` normalizer: the SentencePiece character map applied as the Hugging Face library
 * applies it: per extended grapheme cluster when it is shorter than 6 UTF-8 bytes and a rule matches
 * a prefix of it (the whole cluster is then replaced), otherwise per character.
 */
export class PrecompiledNormalizer implements FastNormalizer {
  readonly type = 'Precompiled';
  readonly charLocal = true;
  private readonly rules: CharsmapRules;
  private readonly cache = new Map<string, string | null>();
  private readonly asciiUnchanged: boolean[] = [];
  /** Per BMP code unit: 0 not looked up yet, 1 no rule, 2 has a rule. */
  private readonly bmpStates = new Uint8Array(0x10000);

  private readonly maxGrowth: number;

  /**
   * @param rules - the charsmap's rewrite rules.
   * @param maxGrowth - the result may be at most this many times the original length (+ 1024): a charsmap from a
   *   stranger may map one character to a long string.
   */
  constructor(rules: CharsmapRules, maxGrowth: number = DEFAULT_MAX_NORMALIZED_GROWTH) {
    this.rules = rules;
    this.maxGrowth = maxGrowth;
    for (let code = 0; code < 0x80; code++) {
      this.asciiUnchanged.push(this.lookup(String.fromCharCode(code)) === undefined);
    }
  }

  /** Normalize in place. */
  normalize(text: NormalizedString): void {
    const value = text.normalized;
    if (this.isUnchangedAscii(value)) return;
    if (!MAY_JOIN.test(value) && !this.anyCodePointChanges(value)) return;
    const codePoints: number[] = [];
    const changes: number[] = [];
    let modified = false;
    const originalLength = text.originalEnd - text.originalStart;
    const limit = normalizedLengthLimit(originalLength, this.maxGrowth);
    const replace = (oldPart: string, newPart: string): void => {
      if (codePoints.length + newPart.length > limit)
        throw normalizedGrowthError(this.type, originalLength, codePoints.length + newPart.length, this.maxGrowth);
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
        for (let index = changes.length - 1, count = 0; count < diff && index >= 0; index--, count++)
          changes[index] = 1;
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

  /** Whether some code point of `value` (each its own cluster) has a rule. */
  private anyCodePointChanges(value: string): boolean {
    const states = this.bmpStates;
    for (let index = 0; index < value.length; index++) {
      const unit = value.charCodeAt(index);
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const codePoint = value.codePointAt(index) as number;
        if (codePoint > 0xffff) index++;
        if (this.lookup(String.fromCodePoint(codePoint)) !== undefined) return true;
        continue;
      }
      let state = states[unit];
      if (state === 0) {
        state = this.lookup(String.fromCharCode(unit)) === undefined ? 1 : 2;
        states[unit] = state;
      }
      if (state === 2) return true;
    }
    return false;
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

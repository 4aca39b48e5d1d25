/**
 * A string under normalization that remembers, for every UTF-16 code unit of its normalized form,
 * which code points of the ORIGINAL text it came from: the equivalent of the `NormalizedString` of
 * the Hugging Face `tokenizers` library.
 *
 * The Rust library keeps one alignment per UTF-8 byte; every byte of a character always carries the
 * same alignment there and alignments always cover whole original characters, so one alignment per
 * code unit, expressed directly in original code points, gives the same offsets (what the library
 * reports after its byte-to-character conversion). Alignments are absolute (into the whole original
 * text), so a slice is a view that shares its parent's arrays.
 *
 * The edit operations reproduce the library's alignment rules exactly, including its quirks (an
 * inserted character takes the alignment of the character before it; a `Replace` match aligns its
 * replacement to the last matched character; ...).
 */
export class NormalizedString {
  /** The normalized text. */
  normalized: string;
  /** Per code unit of {@link normalized}: first original code point it comes from. */
  starts: Int32Array;
  /** Per code unit of {@link normalized}: end (exclusive) of the original code points it comes from. */
  ends: Int32Array;
  /** Start of the original text this string covers, in code points of the whole original text. */
  readonly originalStart: number;
  /** End (exclusive) of the original text this string covers. */
  readonly originalEnd: number;

  /**
   * @param normalized - normalized text.
   * @param starts - alignment starts, one per code unit.
   * @param ends - alignment ends, one per code unit.
   * @param originalStart - start of the covered original range (code points).
   * @param originalEnd - end of the covered original range (code points).
   */
  constructor(normalized: string, starts: Int32Array, ends: Int32Array, originalStart: number, originalEnd: number) {
    this.normalized = normalized;
    this.starts = starts;
    this.ends = ends;
    this.originalStart = originalStart;
    this.originalEnd = originalEnd;
  }

  /** A string not yet normalized: every code unit aligned to its own code point. */
  static fromOriginal(text: string): NormalizedString {
    const length = text.length;
    const starts = new Int32Array(length);
    const ends = new Int32Array(length);
    let codePoint = 0;
    for (let index = 0; index < length; index++) {
      const unit = text.charCodeAt(index);
      starts[index] = codePoint;
      ends[index] = codePoint + 1;
      if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < length) {
        const next = text.charCodeAt(index + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          index++;
          starts[index] = codePoint;
          ends[index] = codePoint + 1;
        }
      }
      codePoint++;
    }
    return new NormalizedString(text, starts, ends, 0, codePoint);
  }

  /** Length of the normalized text in code units. */
  get length(): number {
    return this.normalized.length;
  }

  /** Whether the normalized text is empty. */
  isEmpty(): boolean {
    return this.normalized.length === 0;
  }

  /**
   * Original range `[start, end)` (absolute code points) of the normalized code units
   * `[start, end)`, as `convert_offsets(Range::Normalized(..))` computes it.
   */
  originalRange(start: number, end: number): [number, number] {
    if (start === end) {
      // The library returns the target range unchanged (relative to this string's original).
      return [this.originalStart + start, this.originalStart + end];
    }
    return [this.starts[start] ?? this.originalStart, this.ends[end - 1] ?? this.originalEnd];
  }

  /** The slice of normalized code units `[start, end)`, sharing this string's alignment arrays. */
  slice(start: number, end: number): NormalizedString {
    if (start === 0 && end === this.normalized.length) {
      if (end === 0) return this;
      const [originalStart, originalEnd] = this.originalRange(0, end);
      return new NormalizedString(this.normalized, this.starts, this.ends, originalStart, originalEnd);
    }
    const [originalStart, originalEnd] = this.originalRange(start, end);
    return new NormalizedString(
      this.normalized.slice(start, end),
      this.starts.subarray(start, end),
      this.ends.subarray(start, end),
      originalStart,
      originalEnd,
    );
  }

  /**
   * The library's `transform`: rebuild the whole normalized text from `(codePoint, change)` items.
   * `change` 0 replaces the next old character, `1` inserts a character (aligned like the character
   * before it), `-n` replaces the next old character and removes the `n` after it;
   * `initialOffset` old characters are removed first.
   */
  transform(codePoints: ArrayLike<number>, changes: ArrayLike<number>, count: number, initialOffset: number): void {
    const old = this.normalized;
    const oldLength = old.length;
    const oldStarts = this.starts;
    const oldEnds = this.ends;
    let offset = 0;
    for (let skipped = 0; skipped < initialOffset && offset < oldLength; skipped++) offset += unitLength(old, offset);
    const units: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (let index = 0; index < count; index++) {
      const codePoint = codePoints[index] as number;
      const change = changes[index] as number;
      let start: number;
      let end: number;
      if (change > 0) {
        if (offset < 1) {
          start = this.originalStart;
          end = this.originalStart;
        } else {
          start = oldStarts[offset - 1] as number;
          end = oldEnds[offset - 1] as number;
        }
      } else {
        if (offset < oldLength) {
          start = oldStarts[offset] as number;
          end = oldEnds[offset] as number;
          offset += unitLength(old, offset);
        } else {
          start = this.originalEnd;
          end = this.originalEnd;
        }
        for (let removed = 0; removed < -change && offset < oldLength; removed++) offset += unitLength(old, offset);
      }
      if (codePoint > 0xffff) {
        const shifted = codePoint - 0x10000;
        units.push(0xd800 + (shifted >> 10), 0xdc00 + (shifted & 0x3ff));
        starts.push(start, start);
        ends.push(end, end);
      } else {
        units.push(codePoint);
        starts.push(start);
        ends.push(end);
      }
    }
    this.normalized = fromCodeUnits(units);
    this.starts = Int32Array.from(starts);
    this.ends = Int32Array.from(ends);
  }

  /**
   * Replace every `[start, end)` code-unit range of `matches` (sorted, non-overlapping) by
   * `content`; each inserted character is aligned like the last replaced character (the library's
   * `replace`).
   */
  replaceRanges(matches: ReadonlyArray<readonly [number, number]>, content: string): void {
    if (matches.length === 0) return;
    const old = this.normalized;
    const parts: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let lastEnd = 0;
    const contentLength = content.length;
    for (const [start, end] of matches) {
      parts.push(old.slice(lastEnd, start));
      for (let index = lastEnd; index < start; index++) {
        starts.push(this.starts[index] as number);
        ends.push(this.ends[index] as number);
      }
      let alignStart: number;
      let alignEnd: number;
      if (end < 1) {
        alignStart = this.originalStart;
        alignEnd = this.originalStart;
      } else {
        alignStart = this.starts[end - 1] as number;
        alignEnd = this.ends[end - 1] as number;
      }
      parts.push(content);
      for (let index = 0; index < contentLength; index++) {
        starts.push(alignStart);
        ends.push(alignEnd);
      }
      lastEnd = end;
    }
    parts.push(old.slice(lastEnd));
    for (let index = lastEnd; index < old.length; index++) {
      starts.push(this.starts[index] as number);
      ends.push(this.ends[index] as number);
    }
    this.normalized = parts.join('');
    this.starts = Int32Array.from(starts);
    this.ends = Int32Array.from(ends);
  }

  /** Keep only the code points for which `keep` is true (each keeps its own alignment). */
  filter(keep: (codePoint: number) => boolean): void {
    const old = this.normalized;
    const length = old.length;
    const units: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let changed = false;
    for (let index = 0; index < length;) {
      const codePoint = old.codePointAt(index) as number;
      const size = codePoint > 0xffff ? 2 : 1;
      if (keep(codePoint)) {
        for (let unit = 0; unit < size; unit++) {
          units.push(old.charCodeAt(index + unit));
          starts.push(this.starts[index + unit] as number);
          ends.push(this.ends[index + unit] as number);
        }
      } else {
        changed = true;
      }
      index += size;
    }
    if (!changed) return;
    this.normalized = fromCodeUnits(units);
    this.starts = Int32Array.from(starts);
    this.ends = Int32Array.from(ends);
  }

  /**
   * Map every code point to a string (at least one code point); the characters it produces all take
   * the alignment of the source character (the library's `lowercase`, and a per-character NFKD
   * without reordering).
   */
  mapCodePoints(map: (codePoint: number) => string): void {
    const old = this.normalized;
    const length = old.length;
    const parts: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let changed = false;
    for (let index = 0; index < length;) {
      const codePoint = old.codePointAt(index) as number;
      const size = codePoint > 0xffff ? 2 : 1;
      const source = size === 1 ? (old[index] as string) : old.slice(index, index + 2);
      const mapped = map(codePoint);
      if (mapped !== source) changed = true;
      parts.push(mapped);
      const start = this.starts[index] as number;
      const end = this.ends[index] as number;
      for (let unit = 0; unit < mapped.length; unit++) {
        starts.push(start);
        ends.push(end);
      }
      index += size;
    }
    if (!changed) return;
    this.normalized = parts.join('');
    this.starts = Int32Array.from(starts);
    this.ends = Int32Array.from(ends);
  }

  /** Prepend `text` (the library's `prepend`: every new character aligned like the first one). */
  prepend(text: string): void {
    if (this.normalized.length === 0) return;
    const size = text.length;
    const starts = new Int32Array(this.starts.length + size);
    const ends = new Int32Array(this.ends.length + size);
    starts.fill(this.starts[0] as number, 0, size);
    ends.fill(this.ends[0] as number, 0, size);
    starts.set(this.starts, size);
    ends.set(this.ends, size);
    this.normalized = text + this.normalized;
    this.starts = starts;
    this.ends = ends;
  }

  /**
   * Split around the code points matching `isDelimiter`, with the library's
   * `SplitDelimiterBehavior` (`removed`, `isolated`, `mergedWithPrevious`, `mergedWithNext`,
   * `contiguous`). Empty pieces are kept (the caller drops them, as the library does).
   */
  split(isDelimiter: (codePoint: number) => boolean, behavior: SplitDelimiterBehavior): NormalizedString[] {
    if (behavior === 'removed') {
      // Direct form of find_matches + Removed: the runs between delimiters.
      const text = this.normalized;
      const pieces: NormalizedString[] = [];
      let runStart = 0;
      for (let index = 0; index < text.length;) {
        const unit = text.charCodeAt(index);
        const codePoint = unit >= 0xd800 && unit <= 0xdbff ? (text.codePointAt(index) as number) : unit;
        const size = codePoint > 0xffff ? 2 : 1;
        if (isDelimiter(codePoint)) {
          if (runStart < index) pieces.push(this.slice(runStart, index));
          runStart = index + size;
        }
        index += size;
      }
      if (runStart < text.length) pieces.push(this.slice(runStart, text.length));
      return pieces;
    }
    const matches = findCharacterMatches(this.normalized, isDelimiter);
    return applySplitBehavior(matches, behavior).map(([start, end]) => this.slice(start, end));
  }
}

/** How a split treats the delimiters (the library's `SplitDelimiterBehavior`). */
export type SplitDelimiterBehavior = 'removed' | 'isolated' | 'mergedWithPrevious' | 'mergedWithNext' | 'contiguous';

/** A `[start, end, isMatch]` run of a pattern search, in code units. */
export type PatternRun = [number, number, boolean];

/** The library's `find_matches` for a character predicate: alternating runs covering the text. */
export function findCharacterMatches(text: string, isDelimiter: (codePoint: number) => boolean): PatternRun[] {
  if (text.length === 0) return [[0, 0, false]];
  const runs: PatternRun[] = [];
  let lastOffset = 0;
  const length = text.length;
  for (let index = 0; index < length;) {
    const codePoint = text.codePointAt(index) as number;
    const size = codePoint > 0xffff ? 2 : 1;
    if (isDelimiter(codePoint)) {
      if (lastOffset < index) runs.push([lastOffset, index, false]);
      runs.push([index, index + size, true]);
      lastOffset = index + size;
    }
    index += size;
  }
  if (length > lastOffset) runs.push([lastOffset, length, false]);
  return runs;
}

/** Turn pattern runs into the `[start, end]` pieces to keep, following `behavior`. */
export function applySplitBehavior(runs: PatternRun[], behavior: SplitDelimiterBehavior): Array<[number, number]> {
  switch (behavior) {
    case 'removed':
      return runs.filter((run) => !run[2]).map(([start, end]) => [start, end]);
    case 'isolated':
      return runs.map(([start, end]) => [start, end]);
    case 'contiguous': {
      const pieces: Array<[number, number]> = [];
      let previousMatch = false;
      for (const [start, end, isMatch] of runs) {
        const last = pieces[pieces.length - 1];
        if (isMatch === previousMatch && last !== undefined) last[1] = end;
        else pieces.push([start, end]);
        previousMatch = isMatch;
      }
      return pieces;
    }
    case 'mergedWithPrevious': {
      const pieces: Array<[number, number]> = [];
      let previousMatch = false;
      for (const [start, end, isMatch] of runs) {
        const last = pieces[pieces.length - 1];
        if (isMatch && !previousMatch && last !== undefined) last[1] = end;
        else pieces.push([start, end]);
        previousMatch = isMatch;
      }
      return pieces;
    }
    case 'mergedWithNext': {
      const pieces: Array<[number, number]> = [];
      let previousMatch = false;
      for (let index = runs.length - 1; index >= 0; index--) {
        const [start, end, isMatch] = runs[index] as PatternRun;
        const last = pieces[pieces.length - 1];
        if (isMatch && !previousMatch && last !== undefined) last[0] = start;
        else pieces.push([start, end]);
        previousMatch = isMatch;
      }
      return pieces.reverse();
    }
  }
}

/** Number of code units of the code point starting at `index`. */
export function unitLength(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
    const next = text.charCodeAt(index + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 2;
  }
  return 1;
}

/** Build a string from UTF-16 code units without blowing the argument limit. */
export function fromCodeUnits(units: number[]): string {
  const chunk = 8192;
  if (units.length <= chunk) return String.fromCharCode(...units);
  const parts: string[] = [];
  for (let index = 0; index < units.length; index += chunk) {
    parts.push(String.fromCharCode(...units.slice(index, index + chunk)));
  }
  return parts.join('');
}

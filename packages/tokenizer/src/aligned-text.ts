import { hasCombiningClass } from './python-text.js';

/**
 * A string derived from an original text, with for every UTF-16 unit the `[start, end)` span (UTF-16
 * units) of the original characters it comes from. Each preprocessing step keeps the spans, so token
 * offsets can be reported in the original text. When `start`/`end` are null the alignment is a plain
 * shift: unit `i` comes from original unit `shift + i` (the common, allocation-free case).
 */
export interface AlignedText {
  readonly text: string;
  readonly start: Int32Array | null;
  readonly end: Int32Array | null;
  readonly shift: number;
}

const asciiPattern = /^[\x00-\x7f]*$/;
const pythonWhitespaceRun = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const complexWhitespacePattern = /[\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]| {2}/;

/** The identity alignment of `text` onto itself. */
export function alignedIdentity(text: string): AlignedText {
  return { text, start: null, end: null, shift: 0 };
}

/** Start of the original span of unit `index`. */
function startOf(aligned: AlignedText, index: number): number {
  return aligned.start === null ? aligned.shift + index : aligned.start[index]!;
}

/** End of the original span of unit `index`. */
function endOf(aligned: AlignedText, index: number): number {
  return aligned.end === null ? aligned.shift + index + 1 : aligned.end[index]!;
}

/** `aligned.text.slice(from, to)` with its spans. */
export function alignedSlice(aligned: AlignedText, from: number, to: number): AlignedText {
  if (aligned.start === null || aligned.end === null)
    return { text: aligned.text.slice(from, to), start: null, end: null, shift: aligned.shift + from };
  return {
    text: aligned.text.slice(from, to),
    start: aligned.start.subarray(from, to),
    end: aligned.end.subarray(from, to),
    shift: 0,
  };
}

/** Concatenation of two aligned strings. */
export function alignedConcat(left: AlignedText, right: AlignedText): AlignedText {
  const length = left.text.length + right.text.length;
  const start = new Int32Array(length);
  const end = new Int32Array(length);
  for (let index = 0; index < left.text.length; index += 1) {
    start[index] = startOf(left, index);
    end[index] = endOf(left, index);
  }
  for (let index = 0; index < right.text.length; index += 1) {
    start[left.text.length + index] = startOf(right, index);
    end[left.text.length + index] = endOf(right, index);
  }
  return { text: left.text + right.text, start, end, shift: 0 };
}

/** Accumulates an aligned string. */
class AlignedBuilder {
  private readonly parts: string[] = [];
  private starts: Int32Array;
  private ends: Int32Array;
  private length = 0;

  constructor(capacity: number) {
    this.starts = new Int32Array(Math.max(16, capacity));
    this.ends = new Int32Array(Math.max(16, capacity));
  }

  push(text: string, start: number, end: number): void {
    if (this.length + text.length > this.starts.length) {
      const capacity = Math.max(this.starts.length * 2, this.length + text.length);
      const starts = new Int32Array(capacity);
      const ends = new Int32Array(capacity);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.parts.push(text);
    for (let index = 0; index < text.length; index += 1) {
      this.starts[this.length] = start;
      this.ends[this.length] = end;
      this.length += 1;
    }
  }

  /** Appends `aligned.text[from, to)` with its spans. */
  pushSlice(aligned: AlignedText, from: number, to: number): void {
    if (to <= from) return;
    const count = to - from;
    if (this.length + count > this.starts.length) {
      const capacity = Math.max(this.starts.length * 2, this.length + count);
      const starts = new Int32Array(capacity);
      const ends = new Int32Array(capacity);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.parts.push(aligned.text.slice(from, to));
    if (aligned.start === null || aligned.end === null) {
      for (let index = from; index < to; index += 1) {
        this.starts[this.length] = aligned.shift + index;
        this.ends[this.length] = aligned.shift + index + 1;
        this.length += 1;
      }
    } else {
      this.starts.set(aligned.start.subarray(from, to), this.length);
      this.ends.set(aligned.end.subarray(from, to), this.length);
      this.length += count;
    }
  }

  build(): AlignedText {
    return {
      text: this.parts.join(''),
      start: this.starts.subarray(0, this.length),
      end: this.ends.subarray(0, this.length),
      shift: 0,
    };
  }
}

/** Span of the original text that `aligned.text[from, to)` comes from (an empty span maps to a point). */
export function originalSpan(aligned: AlignedText, from: number, to: number, fallback: number): [number, number] {
  const length = aligned.text.length;
  if (length === 0) return [fallback, fallback];
  if (to <= from) {
    const point = from < length ? startOf(aligned, from) : endOf(aligned, length - 1);
    return [point, point];
  }
  const start = startOf(aligned, Math.min(from, length - 1));
  const end = endOf(aligned, Math.min(to, length) - 1);
  return [start, Math.max(start, end)];
}

const keepPatterns = new Map<string, RegExp>();

function keepPattern(keep: readonly string[]): RegExp {
  const key = keep.join('\u0000');
  let pattern = keepPatterns.get(key);
  if (pattern === undefined) {
    pattern = new RegExp(keep.map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    keepPatterns.set(key, pattern);
  }
  return pattern;
}

/** Per-code-point lowercasing with spans (the exact but slow path). */
function lowercaseCharacters(aligned: AlignedText, from: number, to: number, builder: AlignedBuilder): void {
  const text = aligned.text;
  let index = from;
  while (index < to) {
    const codePoint = text.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    builder.push(
      text.slice(index, index + width).toLowerCase(),
      startOf(aligned, index),
      endOf(aligned, index + width - 1),
    );
    index += width;
  }
}

/**
 * Lowercases every character except occurrences of `keep` (found leftmost-first, in list order at a
 * position), one code point at a time — as transformers does with `re.sub(r"(tok|...)|(.+?)", ...)`.
 */
export function lowercaseExcept(aligned: AlignedText, keep: readonly string[]): AlignedText {
  const text = aligned.text;
  const tokens = keep.filter((token) => token.length > 0);
  const matches: Array<[number, number]> = [];
  if (tokens.length > 0) {
    const pattern = keepPattern(tokens);
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      matches.push([match.index, match.index + match[0].length]);
    }
  }
  // Fast path: without a capital sigma (the only context-dependent lowercase mapping), lowercasing
  // the gaps as whole strings equals lowercasing them one code point at a time.
  if (!text.includes('\u03a3')) {
    let lowered = '';
    let position = 0;
    for (const [start, end] of matches) {
      lowered += text.slice(position, start).toLowerCase() + text.slice(start, end);
      position = end;
    }
    lowered += text.slice(position).toLowerCase();
    if (lowered.length === text.length && (aligned.start === null || asciiPattern.test(text))) {
      return { text: lowered, start: aligned.start, end: aligned.end, shift: aligned.shift };
    }
  }
  const builder = new AlignedBuilder(text.length + 8);
  let position = 0;
  for (const [start, end] of matches) {
    lowercaseCharacters(aligned, position, start, builder);
    for (let index = start; index < end; index += 1)
      builder.push(text[index]!, startOf(aligned, index), endOf(aligned, index));
    position = end;
  }
  lowercaseCharacters(aligned, position, text.length, builder);
  return builder.build();
}

/** `" ".join(text.strip().split())` with Python's whitespace. */
export function collapseWhitespace(aligned: AlignedText): AlignedText {
  const text = aligned.text;
  if (!complexWhitespacePattern.test(text)) {
    // Only single spaces: the result is the text without leading/trailing spaces.
    let from = 0;
    let to = text.length;
    while (from < to && text.charCodeAt(from) === 0x20) from += 1;
    while (to > from && text.charCodeAt(to - 1) === 0x20) to -= 1;
    return from === 0 && to === text.length ? aligned : alignedSlice(aligned, from, to);
  }
  const builder = new AlignedBuilder(text.length);
  const whitespace = new RegExp(pythonWhitespaceRun.source, 'g');
  let position = 0;
  let wroteAny = false;
  for (let match = whitespace.exec(text); match !== null; match = whitespace.exec(text)) {
    if (match.index > position) {
      builder.pushSlice(aligned, position, match.index);
      wroteAny = true;
    }
    const runEnd = match.index + match[0].length;
    if (wroteAny && runEnd < text.length) builder.push(' ', startOf(aligned, match.index), endOf(aligned, runEnd - 1));
    position = runEnd;
  }
  builder.pushSlice(aligned, position, text.length);
  return builder.build();
}

/** `text.replace(from, to)` (left to right, non-overlapping) keeping spans. */
export function replaceAligned(aligned: AlignedText, from: string, to: string): AlignedText {
  const text = aligned.text;
  if (!text.includes(from)) return aligned;
  const builder = new AlignedBuilder(text.length);
  let position = 0;
  for (let index = text.indexOf(from); index >= 0; index = text.indexOf(from, position)) {
    builder.pushSlice(aligned, position, index);
    builder.push(to, startOf(aligned, index), endOf(aligned, index + from.length - 1));
    position = index + from.length;
  }
  builder.pushSlice(aligned, position, text.length);
  return builder.build();
}

function hasCombiningCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x300) continue;
    const codePoint = text.codePointAt(index)!;
    if (hasCombiningClass(codePoint)) return true;
    if (codePoint > 0xffff) index += 1;
  }
  return false;
}

/** NFKD, then removal of characters with a non-zero canonical combining class (`keep_accents=False`). */
export function stripAccents(aligned: AlignedText): AlignedText {
  const text = aligned.text;
  if (asciiPattern.test(text)) return aligned;
  if (text.normalize('NFKD') === text && !hasCombiningCharacter(text)) return aligned;
  const builder = new AlignedBuilder(text.length + 8);
  let index = 0;
  while (index < text.length) {
    const codePoint = text.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const spanStart = startOf(aligned, index);
    const spanEnd = endOf(aligned, index + width - 1);
    if (codePoint < 0x80) {
      let runEnd = index + 1;
      while (runEnd < text.length && text.charCodeAt(runEnd) < 0x80) runEnd += 1;
      builder.pushSlice(aligned, index, runEnd);
      index = runEnd;
      continue;
    } else {
      const decomposed = text.slice(index, index + width).normalize('NFKD');
      for (const part of decomposed) {
        if (!hasCombiningClass(part.codePointAt(0)!)) builder.push(part, spanStart, spanEnd);
      }
    }
    index += width;
  }
  return builder.build();
}

/** `text.lower()` of the whole string (final sigma included), spans from per-character lowercasing. */
export function lowercaseAligned(aligned: AlignedText): AlignedText {
  const text = aligned.text;
  const lowered = text.toLowerCase();
  if (lowered === text) return aligned;
  // Same length: keep the spans unit for unit (exact for ASCII; for other text a length-preserving
  // lowercase maps each character onto one of the same width).
  if (lowered.length === text.length)
    return { text: lowered, start: aligned.start, end: aligned.end, shift: aligned.shift };
  const perCharacter = lowercaseExcept(aligned, []);
  if (perCharacter.text === lowered) return perCharacter;
  if (perCharacter.text.length === lowered.length)
    return { text: lowered, start: perCharacter.start, end: perCharacter.end, shift: perCharacter.shift };
  // Lengths differ (not expected): keep the exact text, spread the spans as well as possible.
  const start = new Int32Array(lowered.length);
  const end = new Int32Array(lowered.length);
  for (let index = 0; index < lowered.length; index += 1) {
    const source = Math.min(perCharacter.text.length - 1, index);
    start[index] = source < 0 ? 0 : startOf(perCharacter, source);
    end[index] = source < 0 ? 0 : endOf(perCharacter, source);
  }
  return { text: lowered, start, end, shift: 0 };
}

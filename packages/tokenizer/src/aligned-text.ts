import { hasCombiningClass, isPythonWhitespace } from './python-text.js';

/**
 * A string derived from an original text, with for every UTF-16 unit the `[start, end)` span (UTF-16
 * units) of the original characters it comes from. Each preprocessing step keeps the spans, so token
 * offsets can be reported in the original text.
 */
export interface AlignedText {
  readonly text: string;
  readonly start: Int32Array;
  readonly end: Int32Array;
}

const asciiPattern = /^[\x00-\x7f]*$/;

/** The identity alignment of `text` onto itself. */
export function alignedIdentity(text: string): AlignedText {
  const start = new Int32Array(text.length);
  const end = new Int32Array(text.length);
  for (let index = 0; index < text.length; index += 1) {
    start[index] = index;
    end[index] = index + 1;
  }
  return { text, start, end };
}

/** `aligned.text.slice(from, to)` with its spans. */
export function alignedSlice(aligned: AlignedText, from: number, to: number): AlignedText {
  return { text: aligned.text.slice(from, to), start: aligned.start.subarray(from, to), end: aligned.end.subarray(from, to) };
}

/** Accumulates an aligned string. */
class AlignedBuilder {
  private readonly parts: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  push(text: string, start: number, end: number): void {
    this.parts.push(text);
    for (let index = 0; index < text.length; index += 1) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  build(): AlignedText {
    return { text: this.parts.join(''), start: Int32Array.from(this.starts), end: Int32Array.from(this.ends) };
  }
}

/** Span of the original text that `aligned.text[from, to)` comes from (an empty span maps to a point). */
export function originalSpan(aligned: AlignedText, from: number, to: number, fallback: number): [number, number] {
  const length = aligned.text.length;
  if (length === 0) return [fallback, fallback];
  if (to <= from) {
    const point = from < length ? aligned.start[from]! : aligned.end[length - 1]!;
    return [point, point];
  }
  const start = aligned.start[Math.min(from, length - 1)]!;
  const end = aligned.end[Math.min(to, length) - 1]!;
  return [start, Math.max(start, end)];
}

/**
 * Lowercases every character except occurrences of `keep` (found leftmost-first, in list order at a
 * position), one code point at a time — as transformers does with `re.sub(r"(tok|...)|(.+?)", ...)`.
 */
export function lowercaseExcept(aligned: AlignedText, keep: readonly string[]): AlignedText {
  const text = aligned.text;
  if (keep.length === 0 && asciiPattern.test(text)) return { text: text.toLowerCase(), start: aligned.start, end: aligned.end };
  const builder = new AlignedBuilder();
  let index = 0;
  outer: while (index < text.length) {
    for (const token of keep) {
      if (token.length > 0 && text.startsWith(token, index)) {
        for (let offset = 0; offset < token.length; offset += 1) builder.push(token[offset]!, aligned.start[index + offset]!, aligned.end[index + offset]!);
        index += token.length;
        continue outer;
      }
    }
    const codePoint = text.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const character = text.slice(index, index + width);
    // '.' in Python's regex does not match '\n'; lowercasing it is a no-op anyway.
    builder.push(character.toLowerCase(), aligned.start[index]!, aligned.end[index + width - 1]!);
    index += width;
  }
  return builder.build();
}

/** `" ".join(text.strip().split())` with Python's whitespace. */
export function collapseWhitespace(aligned: AlignedText): AlignedText {
  const text = aligned.text;
  const builder = new AlignedBuilder();
  let index = 0;
  let pendingStart = -1;
  let pendingEnd = -1;
  let wroteAny = false;
  let wordStart = -1;
  const flushWord = (to: number): void => {
    if (wordStart < 0) return;
    for (let position = wordStart; position < to; position += 1) builder.push(text[position]!, aligned.start[position]!, aligned.end[position]!);
    wordStart = -1;
  };
  while (index < text.length) {
    const codePoint = text.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    if (isPythonWhitespace(codePoint)) {
      flushWord(index);
      if (pendingStart < 0) pendingStart = aligned.start[index]!;
      pendingEnd = aligned.end[index]!;
    } else {
      if (wordStart < 0) {
        if (wroteAny && pendingStart >= 0) builder.push(' ', pendingStart, pendingEnd);
        wordStart = index;
        wroteAny = true;
      }
      pendingStart = -1;
    }
    index += width;
  }
  flushWord(text.length);
  return builder.build();
}

/** `text.replace(from, to)` (left to right, non-overlapping) keeping spans. */
export function replaceAligned(aligned: AlignedText, from: string, to: string): AlignedText {
  const text = aligned.text;
  if (!text.includes(from)) return aligned;
  const builder = new AlignedBuilder();
  let index = 0;
  while (index < text.length) {
    if (text.startsWith(from, index)) {
      builder.push(to, aligned.start[index]!, aligned.end[index + from.length - 1]!);
      index += from.length;
    } else {
      builder.push(text[index]!, aligned.start[index]!, aligned.end[index]!);
      index += 1;
    }
  }
  return builder.build();
}

/** NFKD, then removal of characters with a non-zero canonical combining class (`keep_accents=False`). */
export function stripAccents(aligned: AlignedText): AlignedText {
  const text = aligned.text;
  if (asciiPattern.test(text)) return aligned;
  const builder = new AlignedBuilder();
  let index = 0;
  while (index < text.length) {
    const codePoint = text.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const spanStart = aligned.start[index]!;
    const spanEnd = aligned.end[index + width - 1]!;
    if (codePoint < 0x80) {
      builder.push(text[index]!, spanStart, spanEnd);
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
  if (asciiPattern.test(text)) return { text: lowered, start: aligned.start, end: aligned.end };
  const perCharacter = lowercaseExcept(aligned, []);
  if (perCharacter.text === lowered) return perCharacter;
  if (perCharacter.text.length === lowered.length) return { text: lowered, start: perCharacter.start, end: perCharacter.end };
  // Lengths differ (not expected): keep the exact text, spread the spans as well as possible.
  const start = new Int32Array(lowered.length);
  const end = new Int32Array(lowered.length);
  for (let index = 0; index < lowered.length; index += 1) {
    const source = Math.min(perCharacter.start.length - 1, index);
    start[index] = perCharacter.start[source] ?? 0;
    end[index] = perCharacter.end[source] ?? 0;
  }
  return { text: lowered, start, end };
}

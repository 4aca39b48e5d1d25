/**
 * UTF-8 helpers for the SentencePiece hot loops (which work on bytes, as the C++ library does).
 */

/** Number of bytes of the UTF-8 character starting with `leadByte` (SentencePiece's `OneCharLen`). */
export function oneCharLength(leadByte: number): number {
  return leadByte < 0xc0 ? 1 : leadByte < 0xe0 ? 2 : leadByte < 0xf0 ? 3 : 4;
}

/**
 * Validates the UTF-8 character at `bytes[start]` as SentencePiece's `IsValidDecodeUTF8` does.
 * Returns its length in bytes when valid, or 0 when malformed (the caller consumes one byte as U+FFFD).
 */
export function validUtf8CharLength(bytes: Uint8Array, start: number, end: number): number {
  const first = bytes[start]!;
  if (first < 0x80) return 1;
  const available = end - start;
  if (first >= 0xc2 && first <= 0xdf) {
    if (available >= 2 && (bytes[start + 1]! & 0xc0) === 0x80) return 2;
    return 0;
  }
  if (first >= 0xe0 && first <= 0xef) {
    if (available < 3) return 0;
    const second = bytes[start + 1]!;
    const third = bytes[start + 2]!;
    if ((second & 0xc0) !== 0x80 || (third & 0xc0) !== 0x80) return 0;
    const codePoint = ((first & 0x0f) << 12) | ((second & 0x3f) << 6) | (third & 0x3f);
    if (codePoint < 0x800 || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return 0;
    return 3;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    if (available < 4) return 0;
    const second = bytes[start + 1]!;
    const third = bytes[start + 2]!;
    const fourth = bytes[start + 3]!;
    if ((second & 0xc0) !== 0x80 || (third & 0xc0) !== 0x80 || (fourth & 0xc0) !== 0x80) return 0;
    const codePoint = ((first & 0x07) << 18) | ((second & 0x3f) << 12) | ((third & 0x3f) << 6) | (fourth & 0x3f);
    if (codePoint < 0x10000 || codePoint > 0x10ffff) return 0;
    return 4;
  }
  return 0;
}

/** A growable byte buffer reused between calls. */
export class ByteBuffer {
  /** Backing storage; valid bytes are `[0, length)`. */
  bytes: Uint8Array;
  /** Number of valid bytes. */
  length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for `extra` more bytes. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/**
 * Encodes `text` as UTF-8 into `buffer` (replacing its contents). Lone surrogates become U+FFFD, as
 * `TextEncoder` does.
 */
export function encodeUtf8Into(text: string, buffer: ByteBuffer): void {
  buffer.length = 0;
  buffer.reserve(text.length * 3);
  const out = buffer.bytes;
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      out[length++] = code;
      continue;
    }
    if (code < 0x800) {
      out[length++] = 0xc0 | (code >> 6);
      out[length++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = index + 1 < text.length ? text.charCodeAt(index + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        index += 1;
        out[length++] = 0xf0 | (code >> 18);
        out[length++] = 0x80 | ((code >> 12) & 0x3f);
        out[length++] = 0x80 | ((code >> 6) & 0x3f);
        out[length++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    out[length++] = 0xe0 | (code >> 12);
    out[length++] = 0x80 | ((code >> 6) & 0x3f);
    out[length++] = 0x80 | (code & 0x3f);
  }
  buffer.length = length;
}

const decoder = new TextDecoder('utf-8');

/** Decodes `bytes[start, end)` (malformed sequences become U+FFFD). */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let ascii = true;
  for (let index = start; index < end; index += 1) {
    if (bytes[index]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && end - start < 64) {
    let text = '';
    for (let index = start; index < end; index += 1) text += String.fromCharCode(bytes[index]!);
    return text;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Builds a map from byte offsets of the UTF-8 text `bytes[0, length)` to code point (or UTF-16 unit)
 * offsets: entry `b` is the offset of the character that starts at byte `b` (bytes inside a
 * character map to the next character's offset); entry `length` is the total. `into`, when large
 * enough, is filled instead of allocating.
 */
export function byteToCharOffsets(
  bytes: Uint8Array,
  length: number,
  unit: 'codePoint' | 'utf16',
  into?: Int32Array,
): Int32Array {
  const map = into !== undefined && into.length >= length + 1 ? into : new Int32Array(length + 1);
  let count = 0;
  for (let index = 0; index < length; index += 1) {
    const byte = bytes[index]!;
    if ((byte & 0xc0) !== 0x80) {
      map[index] = count;
      count += unit === 'utf16' && byte >= 0xf0 ? 2 : 1;
    } else {
      map[index] = count;
    }
  }
  map[length] = count;
  return map;
}

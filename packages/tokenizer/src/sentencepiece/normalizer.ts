import type { SentencePieceNormalizerSpec } from './model-proto.js';
import type { DoubleArrayTrie } from './double-array-trie.js';
import { PrecompiledCharsmap } from './precompiled-charsmap.js';
import { ByteBuffer, byteToCharOffsets, decodeUtf8, encodeUtf8Into, validUtf8CharLength } from './utf8.js';

const SPACE = 0x20;
const replacementCharacter = new Uint8Array([0xef, 0xbf, 0xbd]);

/**
 * Result of {@link SentencePieceNormalizer.normalizeBytes}: views into buffers owned by the normalizer
 * (valid until its next call).
 */
export interface NormalizedBytes {
  /** The input as UTF-8. */
  readonly input: Uint8Array;
  /** Number of input bytes. */
  readonly inputLength: number;
  /** The normalized text as UTF-8 (`[0, length)`). */
  readonly normalized: Uint8Array;
  /** Number of normalized bytes. */
  readonly length: number;
  /**
   * `normToOrig[i]` is the input byte offset that normalized byte `i` comes from; entry `length` is
   * the end (SentencePiece's `norm_to_orig`).
   */
  readonly normToOrig: Int32Array;
}

/** Options of {@link SentencePieceNormalizer}. */
export interface SentencePieceNormalizerOptions {
  /** The charsmap (already parsed); by default parsed from `spec.precompiledCharsmap`. */
  readonly charsmap?: PrecompiledCharsmap;
  /** User-defined symbols, which are never normalized (SentencePiece's prefix matcher). */
  readonly userDefinedSymbols?: DoubleArrayTrie | null;
  /** `TrainerSpec.treat_whitespace_as_suffix`. */
  readonly treatWhitespaceAsSuffix?: boolean;
  /** File name for error messages. */
  readonly file?: string;
}

/**
 * SentencePiece's normalizer (`normalizer.cc`): longest-prefix rewriting with the precompiled
 * charsmap over UTF-8 bytes (user-defined symbols are kept as they are; malformed UTF-8 becomes
 * U+FFFD one byte at a time), removal of leading, trailing and repeated spaces, the dummy prefix, and
 * escaping of spaces as `▁` (U+2581). It keeps the alignment `normToOrig` from every normalized byte
 * back to the input, so offsets into the original text can be computed.
 */
export class SentencePieceNormalizer {
  /** The rules. */
  readonly spec: SentencePieceNormalizerSpec;
  /** The precompiled charsmap (empty for identity). */
  readonly charsmap: PrecompiledCharsmap;
  private readonly userDefined: DoubleArrayTrie | null;
  private readonly treatWhitespaceAsSuffix: boolean;
  private readonly plainByte: Uint8Array;
  private readonly inputBuffer = new ByteBuffer();
  private outputBuffer = new ByteBuffer();
  private normToOrig = new Int32Array(1024);

  /**
   * @param spec - the `NormalizerSpec` of the model.
   * @param options - charsmap, user-defined symbols, whitespace-as-suffix flag.
   */
  constructor(spec: SentencePieceNormalizerSpec, options: SentencePieceNormalizerOptions = {}) {
    this.spec = spec;
    this.charsmap =
      options.charsmap ??
      PrecompiledCharsmap.fromBytes(spec.precompiledCharsmap, { file: options.file ?? 'spiece.model' });
    this.userDefined = options.userDefinedSymbols ?? null;
    this.treatWhitespaceAsSuffix = options.treatWhitespaceAsSuffix ?? false;
    // plainByte[b] = 1: an ASCII byte that no rule and no user-defined symbol starts with.
    this.plainByte = new Uint8Array(256);
    for (let byte = 0; byte < 0x80; byte += 1) {
      const rule = this.charsmap.rootHasChild[byte] === 1;
      const symbol = this.userDefined !== null && this.userDefined.rootHasChild[byte] === 1;
      this.plainByte[byte] = rule || symbol ? 0 : 1;
    }
  }

  /** Normalizes `text` and returns the normalized string (no alignment). */
  normalize(text: string): string {
    const result = this.normalizeBytes(text);
    return decodeUtf8(result.normalized, 0, result.length);
  }

  /**
   * Normalizes `text` and returns the normalized string with, for each normalized code point, the
   * offset (code points, or UTF-16 units) in `text` it comes from, plus one final entry for the end.
   */
  normalizeWithOffsets(
    text: string,
    unit: 'codePoint' | 'utf16' = 'codePoint',
  ): {
    /** The normalized text. */
    normalized: string;
    /**
     * Offset in `text` (in `unit`s) that each normalized character comes from — one entry per code point,
     * or per UTF-16 unit with `unit: 'utf16'` — plus a final entry for the end of the text.
     */
    offsets: number[];
  } {
    const result = this.normalizeBytes(text);
    const inputMap = byteToCharOffsets(result.input, result.inputLength, unit);
    const offsets: number[] = [];
    for (let index = 0; index < result.length; index += 1) {
      const byte = result.normalized[index]!;
      if ((byte & 0xc0) !== 0x80) {
        offsets.push(inputMap[result.normToOrig[index]!]!);
        if (unit === 'utf16' && byte >= 0xf0) offsets.push(inputMap[result.normToOrig[index]!]!);
      }
    }
    offsets.push(inputMap[result.normToOrig[result.length]!]!);
    return { normalized: decodeUtf8(result.normalized, 0, result.length), offsets };
  }

  /** Normalizes `text` (encoded to UTF-8 first). */
  normalizeBytes(text: string): NormalizedBytes {
    encodeUtf8Into(text, this.inputBuffer);
    return this.normalizeUtf8(this.inputBuffer.bytes, this.inputBuffer.length);
  }

  private pushOutput(byte: number, origin: number): void {
    const output = this.outputBuffer;
    if (output.length + 1 >= output.bytes.length) output.reserve(1);
    if (output.length + 2 >= this.normToOrig.length) {
      const grown = new Int32Array(this.normToOrig.length * 2);
      grown.set(this.normToOrig);
      this.normToOrig = grown;
    }
    output.bytes[output.length] = byte;
    this.normToOrig[output.length] = origin;
    output.length += 1;
  }

  private addWhitespace(consumed: number): void {
    if (this.spec.escapeWhitespaces) {
      this.pushOutput(0xe2, consumed);
      this.pushOutput(0x96, consumed);
      this.pushOutput(0x81, consumed);
    } else {
      this.pushOutput(SPACE, consumed);
    }
  }

  /**
   * Normalizes UTF-8 bytes `input[0, inputLength)` (they may be malformed; each bad byte becomes U+FFFD).
   */
  normalizeUtf8(input: Uint8Array, inputLength: number): NormalizedBytes {
    const spec = this.spec;
    const removeExtra = spec.removeExtraWhitespaces;
    const escape = spec.escapeWhitespaces;
    const output = this.outputBuffer;
    output.length = 0;
    output.reserve(inputLength * 3 + 8);
    if (this.normToOrig.length < output.bytes.length + 1) this.normToOrig = new Int32Array(output.bytes.length + 1);
    const result = (): NormalizedBytes => ({
      input,
      inputLength,
      normalized: output.bytes,
      length: output.length,
      normToOrig: this.normToOrig,
    });
    let position = 0;
    let consumed = 0;
    if (inputLength === 0) {
      this.normToOrig[0] = 0;
      return result();
    }
    // Source of the current prefix's replacement: source[sourceStart, sourceEnd).
    let source: Uint8Array = input;
    let sourceStart = 0;
    let sourceEnd = 0;
    let prefixLength = 0;
    const plainByte = this.plainByte;
    const charsmap = this.charsmap;
    const userDefined = this.userDefined;
    const normalizePrefix = (at: number): void => {
      const byte = input[at]!;
      if (plainByte[byte] === 1) {
        source = input;
        sourceStart = at;
        sourceEnd = at + 1;
        prefixLength = 1;
        return;
      }
      if (userDefined !== null) {
        const length = userDefined.longestPrefix(input, at, inputLength);
        if (length > 0) {
          source = input;
          sourceStart = at;
          sourceEnd = at + length;
          prefixLength = length;
          return;
        }
      }
      const length = charsmap.longestPrefix(input, at, inputLength);
      if (length > 0) {
        source = charsmap.replacementBytes(charsmap.lastValue);
        sourceStart = 0;
        sourceEnd = source.length;
        prefixLength = length;
        return;
      }
      const charLength = validUtf8CharLength(input, at, inputLength);
      if (charLength === 0) {
        source = replacementCharacter;
        sourceStart = 0;
        sourceEnd = 3;
        prefixLength = 1;
      } else {
        source = input;
        sourceStart = at;
        sourceEnd = at + charLength;
        prefixLength = charLength;
      }
    };

    if (removeExtra) {
      while (position < inputLength) {
        if (input[position] === SPACE && plainByte[SPACE] === 1) {
          position += 1;
          consumed += 1;
          continue;
        }
        normalizePrefix(position);
        if (!(sourceEnd - sourceStart === 1 && source[sourceStart] === SPACE)) break;
        position += prefixLength;
        consumed += prefixLength;
      }
    }
    if (position >= inputLength) {
      this.normToOrig[0] = consumed;
      return result();
    }
    if (!this.treatWhitespaceAsSuffix && spec.addDummyPrefix) this.addWhitespace(consumed);
    let isPreviousSpace = removeExtra;
    let bytes = output.bytes;
    let map = this.normToOrig;
    let length = output.length;
    while (position < inputLength) {
      const byte = input[position]!;
      if (plainByte[byte] === 1) {
        // Fast path: an ASCII byte that no rule rewrites (capacity reserved above: 3 bytes per input byte).
        if (byte === SPACE) {
          if (!isPreviousSpace) {
            if (escape) {
              bytes[length] = 0xe2;
              map[length++] = consumed;
              bytes[length] = 0x96;
              map[length++] = consumed;
              bytes[length] = 0x81;
              map[length++] = consumed;
            } else {
              bytes[length] = SPACE;
              map[length++] = consumed;
            }
            isPreviousSpace = true;
          }
        } else {
          bytes[length] = byte;
          map[length++] = consumed;
          isPreviousSpace = false;
        }
        consumed += 1;
        position += 1;
        if (!removeExtra) isPreviousSpace = false;
        continue;
      }
      normalizePrefix(position);
      let start = sourceStart;
      if (isPreviousSpace) while (start < sourceEnd && source[start] === SPACE) start += 1;
      if (start < sourceEnd) {
        const needed = length + (sourceEnd - start) * 3 + (inputLength - position) * 3 + 8;
        if (needed >= bytes.length || needed >= map.length) {
          output.length = length;
          output.reserve(needed - length);
          bytes = output.bytes;
          if (map.length < bytes.length + 1) {
            const grown = new Int32Array(bytes.length + 1);
            grown.set(map.subarray(0, length));
            map = grown;
            this.normToOrig = grown;
          }
        }
        for (let index = start; index < sourceEnd; index += 1) {
          const sourceByte = source[index]!;
          if (escape && sourceByte === SPACE) {
            bytes[length] = 0xe2;
            map[length++] = consumed;
            bytes[length] = 0x96;
            map[length++] = consumed;
            bytes[length] = 0x81;
            map[length++] = consumed;
          } else {
            bytes[length] = sourceByte;
            map[length++] = consumed;
          }
        }
        isPreviousSpace = source[sourceEnd - 1] === SPACE;
      }
      consumed += prefixLength;
      position += prefixLength;
      if (!removeExtra) isPreviousSpace = false;
    }
    output.length = length;
    if (removeExtra) {
      const bytes = output.bytes;
      if (escape) {
        while (
          output.length >= 3 &&
          bytes[output.length - 3] === 0xe2 &&
          bytes[output.length - 2] === 0x96 &&
          bytes[output.length - 1] === 0x81
        ) {
          output.length -= 3;
          consumed = this.normToOrig[output.length]!;
        }
      } else {
        while (output.length >= 1 && bytes[output.length - 1] === SPACE) {
          output.length -= 1;
          consumed = this.normToOrig[output.length]!;
        }
      }
    }
    if (this.treatWhitespaceAsSuffix && spec.addDummyPrefix) this.addWhitespace(consumed);
    if (this.normToOrig.length < output.length + 1) {
      const grown = new Int32Array(output.length + 1);
      grown.set(this.normToOrig);
      this.normToOrig = grown;
    }
    this.normToOrig[output.length] = consumed;
    return result();
  }
}

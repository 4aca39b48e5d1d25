import { TokenizerError } from '../tokenizer-error.js';

const utf8Decoder = new TextDecoder('utf-8');

/**
 * SentencePiece's precompiled character map (`NormalizerSpec.precompiled_charsmap`, and the
 * `Precompiled` normalizer of `tokenizer.json`, base64 there): a little-endian `uint32` byte size of a
 * darts-clone double-array trie, the trie units, then a blob of NUL-terminated replacement strings.
 * Keys of the trie are UTF-8 byte sequences; a key's value is the offset of its replacement in the blob.
 *
 * Lookups run over UTF-8 bytes and allocate nothing.
 */
export class PrecompiledCharsmap {
  /** The darts-clone units. */
  private readonly units: Uint32Array;
  /** The replacement strings, NUL-separated (UTF-8). */
  readonly normalized: Uint8Array;
  /** `rootHasChild[b]` is 1 when some key starts with byte `b` (a fast path for plain text). */
  readonly rootHasChild: Uint8Array;
  /** Value (blob offset) of the match found by the last {@link longestPrefix}. */
  lastValue = 0;
  private readonly replacementCache = new Map<number, Uint8Array>();

  private constructor(units: Uint32Array, normalized: Uint8Array) {
    this.units = units;
    this.normalized = normalized;
    this.rootHasChild = new Uint8Array(256);
    if (units.length > 0) {
      const rootOffset = offsetOf(units[0]!);
      for (let byte = 1; byte < 256; byte += 1) {
        const position = rootOffset ^ byte;
        if (position < units.length && labelOf(units[position]!) === byte) this.rootHasChild[byte] = 1;
      }
    }
  }

  /**
   * Reads a charsmap from its raw bytes.
   * @param bytes - the blob (from `spiece.model`, or base64-decoded from `tokenizer.json`).
   * @param options - `file`: name used in error messages.
   * @throws TokenizerError `TOKENIZER_MODEL_CORRUPT` when the blob is truncated or inconsistent.
   */
  static fromBytes(bytes: Uint8Array, options: { file?: string } = {}): PrecompiledCharsmap {
    const file = options.file ?? 'precompiled_charsmap';
    const fail = (problem: string): never => {
      throw new TokenizerError('TOKENIZER_MODEL_CORRUPT', `${file}: corrupt precompiled charsmap: ${problem}`, {
        file,
        field: 'precompiled_charsmap',
        problem,
      });
    };
    if (bytes.length === 0) return new PrecompiledCharsmap(new Uint32Array(0), new Uint8Array(0));
    if (bytes.length < 4) fail(`${bytes.length} bytes, too short for the trie size`);
    const trieSize = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    if (trieSize % 4 !== 0 || trieSize === 0) fail(`trie size ${trieSize} is not a positive multiple of 4`);
    if (4 + trieSize > bytes.length) fail(`trie of ${trieSize} bytes runs past the end (${bytes.length} bytes)`);
    const units = new Uint32Array(trieSize / 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset + 4, trieSize);
    for (let index = 0; index < units.length; index += 1) units[index] = view.getUint32(index * 4, true);
    const normalized = bytes.slice(4 + trieSize);
    const charsmap = new PrecompiledCharsmap(units, normalized);
    charsmap.validate(fail);
    return charsmap;
  }

  /** Checks that every reachable value points inside the replacement blob (bounded walk). */
  private validate(fail: (problem: string) => never): void {
    const units = this.units;
    const stack: number[] = [0];
    const seen = new Uint8Array(units.length);
    let visited = 0;
    while (stack.length > 0 && visited < 4_000_000) {
      const node = stack.pop()!;
      if (node >= units.length) fail(`node ${node} outside the trie`);
      if (seen[node] === 1) continue;
      seen[node] = 1;
      visited += 1;
      const base = node ^ offsetOf(units[node]!);
      if (hasLeaf(units[node]!)) {
        if (base >= units.length) fail(`leaf ${base} outside the trie`);
        const value = valueOf(units[base]!);
        if (value >= this.normalized.length)
          fail(`replacement offset ${value} outside the blob of ${this.normalized.length} bytes`);
      }
      for (let byte = 1; byte < 256; byte += 1) {
        const child = base ^ byte;
        if (child < units.length && labelOf(units[child]!) === byte) stack.push(child);
      }
    }
  }

  /**
   * Longest key that is a prefix of `bytes[start, end)` (darts-clone `commonPrefixSearch`, longest
   * result). Returns its length in bytes, 0 when none; the replacement offset is left in
   * {@link lastValue}.
   */
  longestPrefix(bytes: Uint8Array, start: number, end: number): number {
    const units = this.units;
    if (units.length === 0) return 0;
    let nodePosition = offsetOf(units[0]!);
    let best = 0;
    for (let position = start; position < end; position += 1) {
      const byte = bytes[position]!;
      nodePosition ^= byte;
      const unit = units[nodePosition];
      if (unit === undefined || labelOf(unit) !== byte) break;
      nodePosition ^= offsetOf(unit);
      if (hasLeaf(unit)) {
        best = position + 1 - start;
        this.lastValue = valueOf(units[nodePosition]!);
      }
    }
    return best;
  }

  /**
   * Every key that is a prefix of `bytes[start, end)`, shortest first, as `{ length, value }` (as
   * darts-clone `commonPrefixSearch` reports them; the `tokenizers` Precompiled normalizer uses the first).
   */
  commonPrefixSearch(
    bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ): Array<{
    /** Length of the matched key, in bytes from `start`. */
    length: number;
    /** The key's value: byte offset of its NUL-terminated replacement in the charsmap's normalized blob. */
    value: number;
  }> {
    const results: Array<{ length: number; value: number }> = [];
    const units = this.units;
    if (units.length === 0) return results;
    let nodePosition = offsetOf(units[0]!);
    for (let position = start; position < end; position += 1) {
      const byte = bytes[position]!;
      nodePosition ^= byte;
      const unit = units[nodePosition];
      if (unit === undefined || labelOf(unit) !== byte) break;
      nodePosition ^= offsetOf(unit);
      if (hasLeaf(unit)) results.push({ length: position + 1 - start, value: valueOf(units[nodePosition]!) });
    }
    return results;
  }

  /** The replacement (UTF-8 bytes, without the NUL) stored at blob offset `value`. */
  replacementBytes(value: number): Uint8Array {
    let cached = this.replacementCache.get(value);
    if (cached === undefined) {
      let end = value;
      while (end < this.normalized.length && this.normalized[end] !== 0) end += 1;
      cached = this.normalized.subarray(value, end);
      this.replacementCache.set(value, cached);
    }
    return cached;
  }

  /** The replacement string stored at blob offset `value`. */
  replacement(value: number): string {
    return utf8Decoder.decode(this.replacementBytes(value));
  }

  /** Number of trie units (0 for an empty, identity map). */
  get size(): number {
    return this.units.length;
  }
}

function hasLeaf(unit: number): boolean {
  return ((unit >>> 8) & 1) === 1;
}

function valueOf(unit: number): number {
  return unit & 0x7fffffff;
}

function labelOf(unit: number): number {
  return unit & 0x800000ff;
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & 0x200) >>> 6);
}

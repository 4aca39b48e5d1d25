import type { SentencePieceModelProto, SentencePieceType } from './model-proto.js';
import { DoubleArrayTrie } from './double-array-trie.js';

/** Numeric piece type codes, as in `ModelProto.SentencePiece.Type`. */
export const PieceTypeCode = {
  /** `NORMAL` (1): an ordinary piece the segmenter may produce. */
  normal: 1,
  /** `UNKNOWN` (2): the `<unk>` piece; exactly one per model. */
  unknown: 2,
  /** `CONTROL` (3): a control symbol (`<s>`, `</s>`, `[CLS]`, ...), never produced from text. */
  control: 3,
  /** `USER_DEFINED` (4): a user-defined symbol, always kept as one piece when found in the text. */
  userDefined: 4,
  /** `UNUSED` (5): kept in the vocabulary but never output (unigram skips it; BPE splits it back into its merged pair). */
  unused: 5,
  /** `BYTE` (6): a byte piece `<0xNN>` of byte-fallback models. */
  byte: 6,
} as const satisfies Record<SentencePieceType, number>;

const encoder = new TextEncoder();

/**
 * The vocabulary of a SentencePiece model in lookup-friendly form: piece strings and scores by id,
 * type codes, a byte trie over the "normal" pieces (normal, user-defined, unused — the ones the
 * segmenters may produce), the user-defined symbols (SentencePiece's prefix matcher) and the byte
 * pieces `<0x00>`…`<0xFF>`.
 */
export class SentencePieceVocabulary {
  /** Piece string per id. */
  readonly pieces: readonly string[];
  /** Score per id (float32, as stored). */
  readonly scores: Float32Array;
  /** Type code per id ({@link PieceTypeCode}). */
  readonly types: Uint8Array;
  /** Trie over the UTF-8 bytes of normal / user-defined / unused pieces → id. */
  readonly pieceTrie: DoubleArrayTrie;
  /** Trie over the user-defined symbols → id, or null when there are none. */
  readonly userDefinedTrie: DoubleArrayTrie | null;
  /** Id of the unknown piece. */
  readonly unkId: number;
  /** Id of `<0xNN>` per byte value, or -1 (byte fallback models only). */
  readonly byteIds: Int32Array;
  /** Whether the model falls back to byte pieces for unknown characters. */
  readonly byteFallback: boolean;
  private readonly reservedIds = new Map<string, number>();
  private readonly normalIds = new Map<string, number>();

  /** @param proto - the parsed model. */
  constructor(proto: SentencePieceModelProto) {
    const count = proto.pieces.length;
    const pieces: string[] = new Array<string>(count);
    this.scores = new Float32Array(count);
    this.types = new Uint8Array(count);
    this.byteIds = new Int32Array(256).fill(-1);
    const trieEntries: Array<[Uint8Array, number]> = [];
    const userDefinedEntries: Array<[Uint8Array, number]> = [];
    let unkId = -1;
    for (let id = 0; id < count; id += 1) {
      const entry = proto.pieces[id]!;
      pieces[id] = entry.piece;
      this.scores[id] = entry.score;
      const code = PieceTypeCode[entry.type];
      this.types[id] = code;
      const normal =
        code === PieceTypeCode.normal || code === PieceTypeCode.userDefined || code === PieceTypeCode.unused;
      if (normal) {
        if (!this.normalIds.has(entry.piece)) this.normalIds.set(entry.piece, id);
        const bytes = encoder.encode(entry.piece);
        trieEntries.push([bytes, id]);
        if (code === PieceTypeCode.userDefined) userDefinedEntries.push([bytes, id]);
      } else if (!this.reservedIds.has(entry.piece)) {
        this.reservedIds.set(entry.piece, id);
      }
      if (code === PieceTypeCode.unknown && unkId < 0) unkId = id;
      if (code === PieceTypeCode.byte) {
        const match = /^<0x([0-9A-F]{2})>$/.exec(entry.piece);
        if (match !== null) this.byteIds[Number.parseInt(match[1]!, 16)] = id;
      }
    }
    this.pieces = pieces;
    this.unkId = unkId;
    this.pieceTrie = DoubleArrayTrie.build(trieEntries);
    this.userDefinedTrie = userDefinedEntries.length > 0 ? DoubleArrayTrie.build(userDefinedEntries) : null;
    this.byteFallback = proto.trainerSpec.byteFallback;
  }

  /** Number of pieces. */
  get size(): number {
    return this.pieces.length;
  }

  /** Id of `piece` (control/unknown/byte pieces first, as SentencePiece looks them up), or the unknown id. */
  pieceToId(piece: string): number {
    return this.reservedIds.get(piece) ?? this.normalIds.get(piece) ?? this.unkId;
  }

  /** True when `piece` is in the vocabulary. */
  hasPiece(piece: string): boolean {
    return this.reservedIds.has(piece) || this.normalIds.has(piece);
  }

  /** Id of the normal piece whose UTF-8 bytes are `bytes[start, end)`, or -1. */
  lookupBytes(bytes: Uint8Array, start: number, end: number): number {
    const trie = this.pieceTrie;
    let state = 0;
    for (let position = start; position < end; position += 1) {
      const target = trie.base[state]! + bytes[position]!;
      if (trie.check[target] !== state) return -1;
      state = target;
    }
    return start === end ? -1 : trie.values[state]!;
  }
}

/**
 * Segmentation produced by a model over normalized UTF-8 bytes: `count` segments, segment `k`
 * covering bytes `[starts[k], ends[k])` with vocabulary id `ids[k]` (the unknown id for unknown
 * characters). Buffers are reused between calls.
 */
export class SegmentList {
  /** Start of each segment, in bytes of the normalized text (first {@link count} entries valid). */
  starts = new Int32Array(256);
  /** End (exclusive) of each segment, in bytes of the normalized text. */
  ends = new Int32Array(256);
  /** Vocabulary id of each segment (the unknown id for unknown characters). */
  ids = new Int32Array(256);
  /** Number of segments in the list; the buffers may be longer (capacity grows by doubling). */
  count = 0;

  /** Empties the list. */
  clear(): void {
    this.count = 0;
  }

  /** Appends one segment. */
  push(start: number, end: number, id: number): void {
    if (this.count === this.starts.length) {
      const capacity = this.count * 2;
      const grow = (array: Int32Array): Int32Array<ArrayBuffer> => {
        const grown = new Int32Array(capacity);
        grown.set(array);
        return grown;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.ids = grow(this.ids);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.ids[this.count] = id;
    this.count += 1;
  }

  /** Reverses the segments in place (used after a backward trace). */
  reverse(): void {
    for (let left = 0, right = this.count - 1; left < right; left += 1, right -= 1) {
      let swap = this.starts[left]!;
      this.starts[left] = this.starts[right]!;
      this.starts[right] = swap;
      swap = this.ends[left]!;
      this.ends[left] = this.ends[right]!;
      this.ends[right] = swap;
      swap = this.ids[left]!;
      this.ids[left] = this.ids[right]!;
      this.ids[right] = swap;
    }
  }
}

/** A SentencePiece segmentation algorithm over normalized UTF-8 bytes. */
export interface SentencePieceModel {
  /** Segments `normalized[0, length)` into `output`. */
  encode(normalized: Uint8Array, length: number, output: SegmentList): void;
}

import { oneCharLength } from './utf8.js';
import {
  PieceTypeCode,
  type SegmentList,
  type SentencePieceModel,
  type SentencePieceVocabulary,
} from './sentencepiece-vocabulary.js';

/**
 * Splits `normalized[0, size)` into initial symbols as SentencePiece's prefix matcher does: the
 * longest user-defined symbol (frozen: never merged), else one UTF-8 character.
 * Calls `emit(start, end, frozen)` for each.
 */
function splitSymbols(
  vocabulary: SentencePieceVocabulary,
  normalized: Uint8Array,
  size: number,
  emit: (start: number, end: number, frozen: boolean) => void,
): void {
  const userDefined = vocabulary.userDefinedTrie;
  let position = 0;
  while (position < size) {
    if (userDefined !== null) {
      const length = userDefined.longestPrefix(normalized, position, size);
      if (length > 0) {
        emit(position, position + length, true);
        position += length;
        continue;
      }
    }
    const length = Math.min(oneCharLength(normalized[position]!), size - position);
    emit(position, position + length, false);
    position += length;
  }
}

/**
 * BPE segmentation as SentencePiece's `bpe_model.cc` does it: start from characters (user-defined
 * symbols kept whole), repeatedly merge the adjacent pair whose concatenation is the highest-scoring
 * piece (ties: leftmost), then split unused pieces back into the pair they were merged from.
 */
export class BpeModel implements SentencePieceModel {
  private readonly vocabulary: SentencePieceVocabulary;

  /** @param vocabulary - the model's pieces. */
  constructor(vocabulary: SentencePieceVocabulary) {
    this.vocabulary = vocabulary;
  }

  /** @inheritdoc */
  encode(normalized: Uint8Array, size: number, output: SegmentList): void {
    output.clear();
    if (size === 0) return;
    const vocabulary = this.vocabulary;
    const starts: number[] = [];
    const ends: number[] = [];
    const frozen: boolean[] = [];
    splitSymbols(vocabulary, normalized, size, (start, end, isFrozen) => {
      starts.push(start);
      ends.push(end);
      frozen.push(isFrozen);
    });
    const count = starts.length;
    const previous = new Int32Array(count);
    const next = new Int32Array(count);
    for (let index = 0; index < count; index += 1) {
      previous[index] = index - 1;
      next[index] = index + 1 < count ? index + 1 : -1;
    }
    // Symbol `i` covers bytes [starts[i], ends[i]); an empty symbol (start === end) has been merged away.
    const heap = new PairHeap();
    const reverseMerge = new Map<string, [number, number, number, number]>();
    const maybeAdd = (left: number, right: number): void => {
      if (left === -1 || right === -1 || frozen[left] || frozen[right]) return;
      const start = starts[left]!;
      const end = ends[right]!;
      const id = vocabulary.lookupBytes(normalized, start, end);
      if (id < 0) return;
      heap.push(vocabulary.scores[id]!, left, right, end - start);
      if (vocabulary.types[id] === PieceTypeCode.unused) {
        reverseMerge.set(`${start}:${end}`, [starts[left]!, ends[left]!, starts[right]!, ends[right]!]);
      }
    };
    for (let index = 1; index < count; index += 1) maybeAdd(index - 1, index);
    while (heap.size > 0) {
      const [left, right, length] = heap.pop();
      const leftLength = ends[left]! - starts[left]!;
      const rightLength = ends[right]! - starts[right]!;
      if (leftLength === 0 || rightLength === 0 || leftLength + rightLength !== length) continue;
      ends[left] = ends[right]!;
      next[left] = next[right]!;
      if (next[right]! >= 0) previous[next[right]!] = left;
      ends[right] = starts[right]!;
      maybeAdd(previous[left]!, left);
      maybeAdd(left, next[left]!);
    }
    const resegment = (start: number, end: number): void => {
      const found = vocabulary.lookupBytes(normalized, start, end);
      const id = found < 0 ? vocabulary.unkId : found;
      if (vocabulary.types[id] !== PieceTypeCode.unused) {
        output.push(start, end, id);
        return;
      }
      const pair = reverseMerge.get(`${start}:${end}`);
      if (pair === undefined) {
        output.push(start, end, id);
        return;
      }
      resegment(pair[0], pair[1]);
      resegment(pair[2], pair[3]);
    };
    for (let index = 0; index !== -1; index = next[index]!) resegment(starts[index]!, ends[index]!);
  }
}

/** Max-heap of candidate merges ordered by score, then by smaller left index. */
class PairHeap {
  private scores: number[] = [];
  private lefts: number[] = [];
  private rights: number[] = [];
  private lengths: number[] = [];

  get size(): number {
    return this.scores.length;
  }

  private before(a: number, b: number): boolean {
    const scoreA = this.scores[a]!;
    const scoreB = this.scores[b]!;
    return scoreA > scoreB || (scoreA === scoreB && this.lefts[a]! < this.lefts[b]!);
  }

  private swap(a: number, b: number): void {
    for (const array of [this.scores, this.lefts, this.rights, this.lengths]) {
      const value = array[a]!;
      array[a] = array[b]!;
      array[b] = value;
    }
  }

  push(score: number, left: number, right: number, length: number): void {
    this.scores.push(score);
    this.lefts.push(left);
    this.rights.push(right);
    this.lengths.push(length);
    let index = this.scores.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  pop(): [number, number, number] {
    const top: [number, number, number] = [this.lefts[0]!, this.rights[0]!, this.lengths[0]!];
    const last = this.scores.length - 1;
    this.swap(0, last);
    this.scores.pop();
    this.lefts.pop();
    this.rights.pop();
    this.lengths.pop();
    let index = 0;
    const size = this.scores.length;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let best = index;
      if (left < size && this.before(left, best)) best = left;
      if (right < size && this.before(right, best)) best = right;
      if (best === index) break;
      this.swap(index, best);
      index = best;
    }
    return top;
  }
}

/**
 * Character segmentation (`char_model.cc`): one piece per character (user-defined symbols whole).
 */
export class CharModel implements SentencePieceModel {
  private readonly vocabulary: SentencePieceVocabulary;

  /** @param vocabulary - the model's pieces. */
  constructor(vocabulary: SentencePieceVocabulary) {
    this.vocabulary = vocabulary;
  }

  /** @inheritdoc */
  encode(normalized: Uint8Array, size: number, output: SegmentList): void {
    output.clear();
    const vocabulary = this.vocabulary;
    splitSymbols(vocabulary, normalized, size, (start, end) => {
      const id = vocabulary.lookupBytes(normalized, start, end);
      output.push(start, end, id < 0 ? vocabulary.unkId : id);
    });
  }
}

/**
 * Word segmentation (`word_model.cc`): split at `▁` (before it, or after it when whitespace is a
 * suffix); each word is one piece or unknown.
 */
export class WordModel implements SentencePieceModel {
  private readonly vocabulary: SentencePieceVocabulary;
  private readonly treatWhitespaceAsSuffix: boolean;
  private readonly allowWhitespaceOnlyPieces: boolean;

  /**
   * @param vocabulary - the model's pieces.
   * @param options - `TrainerSpec` flags that change word splitting.
   */
  constructor(
    vocabulary: SentencePieceVocabulary,
    options: { treatWhitespaceAsSuffix: boolean; allowWhitespaceOnlyPieces: boolean },
  ) {
    this.vocabulary = vocabulary;
    this.treatWhitespaceAsSuffix = options.treatWhitespaceAsSuffix;
    this.allowWhitespaceOnlyPieces = options.allowWhitespaceOnlyPieces;
  }

  /** @inheritdoc */
  encode(normalized: Uint8Array, size: number, output: SegmentList): void {
    output.clear();
    const words: Array<[number, number]> = [];
    const isSpace = (at: number, length: number): boolean =>
      length === 3 && normalized[at] === 0xe2 && normalized[at + 1] === 0x96 && normalized[at + 2] === 0x81;
    let position = 0;
    let inWhitespace = false;
    if (this.treatWhitespaceAsSuffix) {
      if (position < size) words.push([position, position]);
      while (position < size) {
        const length = Math.min(oneCharLength(normalized[position]!), size - position);
        const space = isSpace(position, length);
        if (space) inWhitespace = true;
        else if (inWhitespace) {
          if (this.allowWhitespaceOnlyPieces) words.push([position, position]);
          inWhitespace = false;
        }
        words[words.length - 1]![1] += length;
        position += length;
        if (position < size && space && !this.allowWhitespaceOnlyPieces) words.push([position, position]);
      }
    } else {
      while (position < size) {
        const length = Math.min(oneCharLength(normalized[position]!), size - position);
        const space = isSpace(position, length);
        if (position === 0 || (space && (!inWhitespace || !this.allowWhitespaceOnlyPieces))) {
          words.push([position, position]);
          inWhitespace = true;
        }
        if (inWhitespace && !space) inWhitespace = false;
        words[words.length - 1]![1] += length;
        position += length;
      }
    }
    for (const [start, end] of words) {
      const id = this.vocabulary.lookupBytes(normalized, start, end);
      output.push(start, end, id < 0 ? this.vocabulary.unkId : id);
    }
  }
}

import { oneCharLength } from './utf8.js';
import {
  PieceTypeCode,
  type SegmentList,
  type SentencePieceModel,
  type SentencePieceVocabulary,
} from './sentencepiece-vocabulary.js';

/** SentencePiece's penalty for unknown characters: they score `minScore - 10`. */
export const unknownPenalty = 10;

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;

/**
 * Unigram segmentation: the best-scoring path through the piece lattice, exactly as SentencePiece's
 * optimized Viterbi (`unigram_model.cc`, `EncodeOptimized`) computes it — over UTF-8 byte positions,
 * float32 path scores, user-defined symbols scored `length × maxScore − 0.1` (length in bytes), a
 * character without a single-character piece scored `minScore − 10` as unknown, ties kept by the
 * first (longest) candidate; piece candidates are compared in double precision, stored as float. The hot loop walks a double-array trie and typed arrays only.
 */
export class UnigramModel implements SentencePieceModel {
  private readonly vocabulary: SentencePieceVocabulary;
  /** Smallest score of a normal piece. */
  readonly minScore: number;
  /** Largest score of a normal piece (at least FLT_MIN, as in the C++ code). */
  readonly maxScore: number;
  private readonly unkScore: number;
  /** 0 normal, 1 user-defined, 2 unused (skip), per id. */
  private readonly kind: Uint8Array;
  private bestScore = new Float32Array(1024);
  private startsAt = new Int32Array(1024);
  private bestId = new Int32Array(1024);

  /** @param vocabulary - the model's pieces. */
  constructor(vocabulary: SentencePieceVocabulary) {
    this.vocabulary = vocabulary;
    let minScore = FLT_MAX;
    let maxScore = FLT_MIN;
    this.kind = new Uint8Array(vocabulary.size);
    for (let id = 0; id < vocabulary.size; id += 1) {
      const type = vocabulary.types[id]!;
      if (type === PieceTypeCode.normal) {
        minScore = Math.min(minScore, vocabulary.scores[id]!);
        maxScore = Math.max(maxScore, vocabulary.scores[id]!);
      }
      this.kind[id] = type === PieceTypeCode.userDefined ? 1 : type === PieceTypeCode.unused ? 2 : 0;
    }
    this.minScore = minScore;
    this.maxScore = maxScore;
    this.unkScore = Math.fround(minScore - unknownPenalty);
  }

  /** @inheritdoc */
  encode(normalized: Uint8Array, size: number, output: SegmentList): void {
    output.clear();
    if (size === 0) return;
    if (this.startsAt.length < size + 1) {
      const capacity = Math.max(size + 1, this.startsAt.length * 2);
      this.bestScore = new Float32Array(capacity);
      this.startsAt = new Int32Array(capacity);
      this.bestId = new Int32Array(capacity);
    }
    const bestScore = this.bestScore;
    const startsAt = this.startsAt;
    const bestId = this.bestId;
    bestScore.fill(0, 0, size + 1);
    startsAt.fill(-1, 0, size + 1);
    const trie = this.vocabulary.pieceTrie;
    const base = trie.base;
    const check = trie.check;
    const values = trie.values;
    const scores = this.vocabulary.scores;
    const kind = this.kind;
    const maxScore = this.maxScore;
    const unkScore = this.unkScore;
    const unkId = this.vocabulary.unkId;
    let start = 0;
    while (start < size) {
      const scoreTillHere = bestScore[start]!;
      const charLength = Math.min(oneCharLength(normalized[start]!), size - start);
      let hasSingleNode = false;
      let state = 0;
      for (let position = start; position < size; position += 1) {
        const target = base[state]! + normalized[position]!;
        if (check[target] !== state) break;
        state = target;
        const id = values[state]!;
        if (id < 0) continue;
        const pieceKind = kind[id]!;
        if (pieceKind === 2) continue;
        const end = position + 1;
        const length = end - start;
        // As in C++: `score` is a double (the conditional mixes `length * max_score_ - 0.1`, a double,
        // with a float), so the candidate is computed and compared in double precision and only
        // rounded to float when stored.
        const candidate = (pieceKind === 1 ? Math.fround(length * maxScore) - 0.1 : scores[id]!) + scoreTillHere;
        if (startsAt[end] === -1 || candidate > bestScore[end]!) {
          bestScore[end] = candidate;
          startsAt[end] = start;
          bestId[end] = id;
        }
        if (length === charLength) hasSingleNode = true;
      }
      if (!hasSingleNode) {
        const end = start + charLength;
        // float + float: computed in single precision.
        const candidate = Math.fround(unkScore + scoreTillHere);
        if (startsAt[end] === -1 || candidate > bestScore[end]!) {
          bestScore[end] = candidate;
          startsAt[end] = start;
          bestId[end] = unkId;
        }
      }
      start += charLength;
    }
    let end = size;
    while (end > 0) {
      const from = startsAt[end]!;
      output.push(from, end, bestId[end]!);
      end = from;
    }
    output.reverse();
  }
}

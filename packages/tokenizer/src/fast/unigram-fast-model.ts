import { DoubleArrayTrie } from '../sentencepiece/double-array-trie.js';
import { ByteBuffer, encodeUtf8Into, oneCharLength } from '../sentencepiece/utf8.js';
import { TokenizerError } from '../tokenizer-error.js';
import type { FastModel } from './fast-model.js';
import type { FastToken } from './fast-token.js';

const encoder = new TextEncoder();
/** Penalty of an unknown character below the smallest score (`K_UNK_PENALTY`). */
const UNKNOWN_PENALTY = 10;
const CACHE_LIMIT = 50_000;
/** Only pieces shorter than this (code units) are cached, as the library caches short sentences only. */
const CACHED_PIECE_LENGTH = 256;

/**
 * The `Unigram` model of `tokenizer.json`, with the Hugging Face `tokenizers` semantics (which
 * differ from SentencePiece's own Viterbi, implemented by `UnigramModel`): every vocabulary entry is
 * in the lattice (control pieces and `<unk>` included) with its stored score, path scores are
 * float64 sums, an unknown character scores `min(all scores) − 10`, consecutive unknown characters
 * fuse into one token that keeps its surface text (`byte_fallback` turns it into `<0xNN>` tokens).
 * The lattice walk reuses the SentencePiece engineer's {@link DoubleArrayTrie}.
 */
export class UnigramFastModel implements FastModel {
  readonly type = 'Unigram';
  /** Vocabulary entries by id. */
  readonly pieces: readonly string[];
  /** Scores by id. */
  readonly scores: Float64Array;
  /** Id of the unknown token, if any. */
  readonly unkId: number | undefined;
  /** Whether unknown text becomes `<0xNN>` byte tokens. */
  readonly byteFallback: boolean;
  private readonly ids: Map<string, number>;
  private readonly trie: DoubleArrayTrie;
  private readonly unknownScore: number;
  private readonly buffer = new ByteBuffer(256);
  private bestScore = new Float64Array(256);
  private startsAt = new Int32Array(256);
  private bestId = new Int32Array(256);
  private readonly cache = new Map<string, FastToken[]>();

  /**
   * @param vocab - `[piece, score]` entries, the index being the id.
   * @param unkId - id of the unknown token.
   * @param byteFallback - emit `<0xNN>` pieces for unknown text.
   */
  constructor(vocab: ReadonlyArray<readonly [string, number]>, unkId: number | undefined, byteFallback: boolean) {
    this.pieces = vocab.map(([piece]) => piece);
    this.scores = Float64Array.from(vocab, ([, score]) => score);
    this.ids = new Map();
    let minScore = Number.POSITIVE_INFINITY;
    vocab.forEach(([piece, score], id) => {
      this.ids.set(piece, id);
      if (score < minScore) minScore = score;
    });
    this.trie = DoubleArrayTrie.build([...this.ids].map(([piece, id]) => [encoder.encode(piece), id] as const));
    this.unknownScore = minScore - UNKNOWN_PENALTY;
    this.unkId = unkId;
    this.byteFallback = byteFallback;
  }

  /** Number of vocabulary entries. */
  get vocabSize(): number {
    return this.pieces.length;
  }

  /** Id of a vocabulary entry. */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Vocabulary entry of an id. */
  idToToken(id: number): string | undefined {
    return this.pieces[id];
  }

  /** Tokens of one pre-tokenized piece (results are cached per piece). */
  tokenize(text: string): FastToken[] {
    if (text.length === 0) return [];
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    const tokens = this.tokenizeUncached(text);
    if (text.length < CACHED_PIECE_LENGTH) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(text, tokens);
    }
    return tokens;
  }

  private tokenizeUncached(text: string): FastToken[] {
    const pieces = this.encode(text);
    const tokens: FastToken[] = [];
    let offset = 0;
    for (const piece of pieces) {
      const end = offset + piece.length;
      const id = this.ids.get(piece);
      if (id !== undefined) {
        tokens.push({ id, value: piece, start: offset, end });
      } else {
        let done = false;
        if (this.byteFallback) {
          const byteTokens: FastToken[] = [];
          for (const byte of encoder.encode(piece)) {
            const name = `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
            const byteId = this.ids.get(name);
            if (byteId === undefined) break;
            byteTokens.push({ id: byteId, value: name, start: offset, end });
          }
          if (byteTokens.length === encoder.encode(piece).length) {
            tokens.push(...byteTokens);
            done = true;
          }
        }
        if (!done) {
          if (this.unkId === undefined) throw missingUnknownId(piece);
          tokens.push({ id: this.unkId, value: piece, start: offset, end });
        }
      }
      offset = end;
    }
    return tokens;
  }

  /** The best segmentation of `text` as piece strings (the library's `encode_optimized`). */
  private encode(text: string): string[] {
    const buffer = this.buffer;
    encodeUtf8Into(text, buffer);
    const bytes = buffer.bytes;
    const size = buffer.length;
    if (this.startsAt.length < size + 1) {
      const capacity = Math.max(size + 1, this.startsAt.length * 2);
      this.bestScore = new Float64Array(capacity);
      this.startsAt = new Int32Array(capacity);
      this.bestId = new Int32Array(capacity);
    }
    const bestScore = this.bestScore;
    const startsAt = this.startsAt;
    const bestId = this.bestId;
    bestScore.fill(0, 0, size + 1);
    startsAt.fill(-1, 0, size + 1);
    const { base, check, values } = this.trie;
    const scores = this.scores;
    const unkId = this.unkId ?? -1;
    const unknownScore = this.unknownScore;
    let start = 0;
    while (start < size) {
      const scoreTillHere = bestScore[start] as number;
      const charLength = Math.min(oneCharLength(bytes[start] as number), size - start);
      let hasSingleNode = false;
      let state = 0;
      for (let position = start; position < size; position++) {
        const target = (base[state] as number) + (bytes[position] as number);
        if (check[target] !== state) break;
        state = target;
        const id = values[state] as number;
        if (id < 0) continue;
        const end = position + 1;
        const candidate = (scores[id] as number) + scoreTillHere;
        if (startsAt[end] === -1 || candidate > (bestScore[end] as number)) {
          bestScore[end] = candidate;
          startsAt[end] = start;
          bestId[end] = id;
        }
        if (end - start === charLength) hasSingleNode = true;
      }
      if (!hasSingleNode) {
        if (unkId < 0) throw missingUnknownId(new TextDecoder().decode(bytes.subarray(start, start + charLength)));
        const end = start + charLength;
        const candidate = unknownScore + scoreTillHere;
        if (startsAt[end] === -1 || candidate > (bestScore[end] as number)) {
          bestScore[end] = candidate;
          startsAt[end] = start;
          bestId[end] = unkId;
        }
      }
      start += charLength;
    }
    // Byte offset -> code unit offset at character starts.
    const unitAt = new Int32Array(size + 1);
    let unit = 0;
    for (let index = 0; index < size; index++) {
      const byte = bytes[index] as number;
      unitAt[index] = unit;
      if ((byte & 0xc0) !== 0x80) unit += byte >= 0xf0 ? 2 : 1;
    }
    unitAt[size] = text.length;
    const pieces: string[] = [];
    let fusedEnd = -1;
    let end = size;
    while (end > 0) {
      const from = startsAt[end] as number;
      if (bestId[end] === unkId) {
        if (fusedEnd < 0) fusedEnd = end;
      } else {
        if (fusedEnd >= 0) {
          pieces.push(text.slice(unitAt[end], unitAt[fusedEnd]));
          fusedEnd = -1;
        }
        pieces.push(text.slice(unitAt[from], unitAt[end]));
      }
      end = from;
    }
    if (fusedEnd >= 0) pieces.push(text.slice(0, unitAt[fusedEnd]));
    return pieces.reverse();
  }
}

/** The text holds something the vocabulary cannot represent and the model has no `unk_id` (nor byte fallback). */
function missingUnknownId(piece: string | null): TokenizerError {
  const what =
    piece === null ? 'a character' : `${JSON.stringify(piece.length > 40 ? `${piece.slice(0, 40)}…` : piece)}`;
  return new TokenizerError(
    'TOKENIZER_INVALID_INPUT',
    `the text contains ${what} that the Unigram vocabulary cannot represent, and the model has no unk_id (nor byte_fallback) ` +
      'to stand for it (as the tokenizers library: "Encountered an unknown token but `unk_id` is missing")',
    { field: 'model.unk_id', ...(piece === null ? {} : { value: piece.slice(0, 40) }) },
  );
}

import type { FastNormalizer } from './normalizer.js';
import type { FastToken } from './fast-token.js';
import { NormalizedString } from './normalized-string.js';
import { PreTokenizedString, type PreTokenizedSplit } from './pre-tokenized-string.js';

/** An added token of `tokenizer.json` (`added_tokens`), with the library's flags. */
export interface AddedToken {
  /** Vocabulary id. */
  readonly id: number;
  /** The token text. */
  readonly content: string;
  /** Only match when not inside a word. */
  readonly singleWord: boolean;
  /** Also take the whitespace on its left. */
  readonly lstrip: boolean;
  /** Also take the whitespace on its right. */
  readonly rstrip: boolean;
  /** Match in the normalized text (true) or in the original text (false). */
  readonly normalized: boolean;
  /** A special token (removed by `decode(..., { skipSpecialTokens: true })`). */
  readonly special: boolean;
}

const WORD_CHARACTER = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const WHITESPACE = /\p{White_Space}/u;

interface TrieNode {
  /** Edges by the first code unit of their label. */
  readonly edges: Map<number, TrieEdge>;
  token: AddedToken | undefined;
}

interface TrieEdge {
  /** The code units this edge spells (a whole token's tail when nothing branches: one edge, not one node per unit). */
  label: string;
  node: TrieNode;
}

/**
 * A leftmost-longest matcher over a set of added tokens: a radix trie walked from each candidate start. No
 * regular expression is built from the tokens (a 1 MB token would not fit one), memory is linear in the number
 * of tokens (edge labels are slices of the tokens), and time is at most the text length × the longest token.
 */
class TokenMatcher {
  private readonly root: TrieNode = { edges: new Map(), token: undefined };

  constructor(tokens: readonly AddedToken[], patternOf: (token: AddedToken) => string) {
    for (const token of tokens) {
      const pattern = patternOf(token);
      if (pattern.length > 0) this.insert(pattern, token);
    }
  }

  private insert(pattern: string, token: AddedToken): void {
    let node = this.root;
    let index = 0;
    while (index < pattern.length) {
      const edge = node.edges.get(pattern.charCodeAt(index));
      if (edge === undefined) {
        node.edges.set(pattern.charCodeAt(index), { label: pattern.slice(index), node: { edges: new Map(), token } });
        return;
      }
      const label = edge.label;
      let common = 1;
      while (
        common < label.length &&
        index + common < pattern.length &&
        label.charCodeAt(common) === pattern.charCodeAt(index + common)
      )
        common++;
      if (common < label.length) {
        // Split the edge where the pattern leaves it.
        const middle: TrieNode = {
          edges: new Map([[label.charCodeAt(common), { label: label.slice(common), node: edge.node }]]),
          token: undefined,
        };
        edge.label = label.slice(0, common);
        edge.node = middle;
      }
      node = edge.node;
      index += common;
    }
    node.token = token; // A later token with the same pattern wins, as a Map keyed by pattern would.
  }

  /** Leftmost-longest, non-overlapping matches as `[start, end, token]` (code units, starting on code points). */
  *matches(text: string): Generator<[number, number, AddedToken]> {
    const length = text.length;
    const rootEdges = this.root.edges;
    let start = 0;
    while (start < length) {
      let best: [number, AddedToken] | undefined;
      let edge = rootEdges.get(text.charCodeAt(start));
      let index = start;
      while (edge !== undefined && text.startsWith(edge.label, index)) {
        index += edge.label.length;
        if (edge.node.token !== undefined) best = [index, edge.node.token];
        if (index >= length) break;
        edge = edge.node.edges.get(text.charCodeAt(index));
      }
      if (best !== undefined) {
        yield [start, best[0], best[1]];
        start = best[0];
      } else {
        start += (text.codePointAt(start) as number) > 0xffff ? 2 : 1;
      }
    }
  }
}

/**
 * The added tokens of a `tokenizer.json` and how they cut a text before the model runs (the
 * library's `AddedVocabulary::extract_and_normalize`): non-normalized tokens are found in the
 * original text, the rest is normalized, then normalized tokens are found in the normalized text.
 */
export class AddedVocabulary {
  /** The added tokens, by id. */
  readonly tokensById: ReadonlyMap<number, AddedToken>;
  /** The ids of the added tokens, by content. */
  readonly idsByContent: ReadonlyMap<string, number>;
  /** The contents of the special tokens. */
  readonly specialContents: ReadonlySet<string>;
  /** Content used when decoding an id: the normalized content for `normalized` tokens. */
  readonly decodedContents: ReadonlyMap<number, string>;
  private readonly rawMatcher: TokenMatcher | undefined;
  private readonly normalizedMatcher: TokenMatcher | undefined;

  /**
   * @param tokens - the added tokens.
   * @param normalizer - the tokenizer's normalizer, used to normalize `normalized` tokens.
   */
  constructor(tokens: readonly AddedToken[], normalizer: FastNormalizer | undefined) {
    const byId = new Map<number, AddedToken>();
    const ids = new Map<string, number>();
    const special = new Set<string>();
    for (const token of tokens) {
      if (token.content.length === 0) continue;
      byId.set(token.id, token);
      ids.set(token.content, token.id);
      if (token.special) special.add(token.content);
    }
    this.tokensById = byId;
    this.idsByContent = ids;
    this.specialContents = special;
    const raw = [...byId.values()].filter((token) => !token.normalized);
    const normalizedTokens = [...byId.values()].filter((token) => token.normalized);
    this.rawMatcher = raw.length > 0 ? new TokenMatcher(raw, (token) => token.content) : undefined;
    const normalizeContent = (token: AddedToken): string => {
      if (normalizer === undefined) return token.content;
      const text = NormalizedString.fromOriginal(token.content);
      normalizer.normalize(text);
      return text.normalized;
    };
    this.normalizedMatcher =
      normalizedTokens.length > 0 ? new TokenMatcher(normalizedTokens, normalizeContent) : undefined;
    const decoded = new Map<number, string>();
    for (const token of byId.values())
      decoded.set(token.id, token.normalized ? normalizeContent(token) : token.content);
    this.decodedContents = decoded;
  }

  /** Cut `text` on the added tokens and normalize the rest. */
  extractAndNormalize(text: string, normalizer: FastNormalizer | undefined): PreTokenizedString {
    const pretokenized = new PreTokenizedString(NormalizedString.fromOriginal(text));
    pretokenized.split((piece) => this.splitWithIndices(piece, this.rawMatcher));
    pretokenized.split((piece) => {
      normalizer?.normalize(piece);
      return this.splitWithIndices(piece, this.normalizedMatcher);
    });
    return pretokenized;
  }

  private splitWithIndices(
    piece: NormalizedString,
    matcher: TokenMatcher | undefined,
  ): Array<NormalizedString | PreTokenizedSplit> {
    const text = piece.normalized;
    if (matcher === undefined || text.length === 0) return [piece.slice(0, text.length)];
    const result: Array<NormalizedString | PreTokenizedSplit> = [];
    let startOffset = 0;
    for (const [matchStart, matchEnd, token] of matcher.matches(text)) {
      let start = matchStart;
      let stop = matchEnd;
      if (token.singleWord) {
        const startSpace = start === 0 || !endsWithWord(text, start);
        const stopSpace = stop === text.length || !startsWithWord(text, stop);
        if (!startSpace || !stopSpace) continue;
      }
      if (token.lstrip) {
        let newStart = start;
        while (newStart > 0) {
          const previous = codePointBefore(text, newStart);
          if (!WHITESPACE.test(String.fromCodePoint(previous))) break;
          newStart -= previous > 0xffff ? 2 : 1;
        }
        start = Math.max(newStart, startOffset);
      }
      if (token.rstrip) {
        while (stop < text.length) {
          const next = text.codePointAt(stop) as number;
          if (!WHITESPACE.test(String.fromCodePoint(next))) break;
          stop += next > 0xffff ? 2 : 1;
        }
      }
      if (startOffset < start) result.push(piece.slice(startOffset, start));
      const slice = piece.slice(start, stop);
      const value = slice.normalized;
      const tokens: FastToken[] = [{ id: token.id, value, start: 0, end: value.length }];
      result.push({ normalized: slice, tokens });
      startOffset = stop;
    }
    if (startOffset !== text.length) result.push(piece.slice(startOffset, text.length));
    return result;
  }
}

function codePointBefore(text: string, index: number): number {
  const unit = text.charCodeAt(index - 1);
  if (unit >= 0xdc00 && unit <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(index - 2) as number;
  }
  return unit;
}

function endsWithWord(text: string, end: number): boolean {
  return WORD_CHARACTER.test(String.fromCodePoint(codePointBefore(text, end)));
}

function startsWithWord(text: string, start: number): boolean {
  return WORD_CHARACTER.test(String.fromCodePoint(text.codePointAt(start) as number));
}

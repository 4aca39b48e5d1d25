import { TokenizerError } from '../tokenizer-error.js';

/** The full output of the fast pipeline for one input (the library's `Encoding`). */
export interface FastEncoding {
  /** Token ids. */
  ids: number[];
  /** Token strings (an added token keeps the whitespace it stripped; unknown pieces their text). */
  tokens: string[];
  /** `[start, end)` in code points of the original text; `[0, 0]` for added special tokens. */
  offsets: Array<[number, number]>;
  /** Segment ids. */
  typeIds: number[];
  /** 1 for tokens added by the post-processor or padding. */
  specialTokensMask: number[];
  /** 0 for padding. */
  attentionMask: number[];
  /** Index of the word (pre-token) each token comes from; `null` for added special tokens and padding. */
  wordIds: Array<number | null>;
  /** Which input sequence (0 or 1) each token comes from; `null` for added special tokens and padding. */
  sequenceIds: Array<number | null>;
  /** The windows truncation cut off (the library's `overflowing`), each a full encoding; empty when none. */
  overflowing: FastEncoding[];
}

/** An empty encoding. */
export function emptyEncoding(): FastEncoding {
  return {
    ids: [],
    tokens: [],
    offsets: [],
    typeIds: [],
    specialTokensMask: [],
    attentionMask: [],
    wordIds: [],
    sequenceIds: [],
    overflowing: [],
  };
}

/** Tokens `[start, stop)` of `encoding` as a new encoding without overflowing windows. */
export function sliceEncoding(encoding: FastEncoding, start: number, stop: number): FastEncoding {
  return {
    ids: encoding.ids.slice(start, stop),
    tokens: encoding.tokens.slice(start, stop),
    offsets: encoding.offsets.slice(start, stop),
    typeIds: encoding.typeIds.slice(start, stop),
    specialTokensMask: encoding.specialTokensMask.slice(start, stop),
    attentionMask: encoding.attentionMask.slice(start, stop),
    wordIds: encoding.wordIds.slice(start, stop),
    sequenceIds: encoding.sequenceIds.slice(start, stop),
    overflowing: [],
  };
}

/**
 * The library's `Encoding::truncate`: keeps `maxLength` tokens (the first ones, or the last ones
 * with `direction` `left`) and puts the rest into `overflowing` as windows of at most `maxLength`
 * tokens that overlap by `stride` tokens (the first window is the kept part). With `maxLength` 0
 * the whole encoding becomes the one overflowing window.
 * @throws TokenizerError `TOKENIZER_INVALID_OPTION` when `stride >= maxLength` and truncation is
 *   needed (the library panics there).
 */
export function truncateEncoding(
  encoding: FastEncoding,
  maxLength: number,
  direction: 'right' | 'left' = 'right',
  stride = 0,
): FastEncoding {
  const length = encoding.ids.length;
  if (maxLength >= length) return encoding;
  if (maxLength === 0) return { ...emptyEncoding(), overflowing: [encoding] };
  if (stride >= maxLength) {
    throw new TokenizerError(
      'TOKENIZER_INVALID_OPTION',
      `stride ${stride} must be smaller than the ${maxLength} tokens a truncated sequence keeps (maxLength net of the special tokens)`,
      { field: 'stride', value: stride, maxLength },
    );
  }
  const step = maxLength - stride;
  const ranges: Array<[number, number]> = [];
  if (direction === 'right') {
    for (let start = 0; start < length; start += step) {
      const stop = Math.min(start + maxLength, length);
      ranges.push([start, stop]);
      if (stop === length) break;
    }
  } else {
    for (let last = length - 1; last >= 0; last -= step) {
      const stop = last + 1;
      const start = Math.max(0, stop - maxLength);
      ranges.push([start, stop]);
      if (start === 0) break;
    }
  }
  const [first, ...rest] = ranges as [[number, number], ...Array<[number, number]>];
  const kept = sliceEncoding(encoding, first[0], first[1]);
  kept.overflowing = rest.map(([start, stop]) => sliceEncoding(encoding, start, stop));
  return kept;
}

/**
 * The library's `Encoding::merge_with` (offsets not shifted): `pair` appended to `encoding`, and
 * the overflowing windows combined — each window of `encoding` with `pair` and with each window of
 * `pair`, then `encoding` with each window of `pair`.
 */
export function mergeEncodings(encoding: FastEncoding, pair: FastEncoding): FastEncoding {
  const overflowing: FastEncoding[] = [];
  for (const window of encoding.overflowing) {
    overflowing.push(mergeEncodings(window, pair));
    for (const pairWindow of pair.overflowing) overflowing.push(mergeEncodings(window, pairWindow));
  }
  for (const pairWindow of pair.overflowing)
    overflowing.push(mergeEncodings({ ...encoding, overflowing: [] }, pairWindow));
  return {
    ids: [...encoding.ids, ...pair.ids],
    tokens: [...encoding.tokens, ...pair.tokens],
    offsets: [...encoding.offsets, ...pair.offsets],
    typeIds: [...encoding.typeIds, ...pair.typeIds],
    specialTokensMask: [...encoding.specialTokensMask, ...pair.specialTokensMask],
    attentionMask: [...encoding.attentionMask, ...pair.attentionMask],
    wordIds: [...encoding.wordIds, ...pair.wordIds],
    sequenceIds: [...encoding.sequenceIds, ...pair.sequenceIds],
    overflowing,
  };
}

/** Pad `encoding` (and its overflowing windows) to `length` tokens in place (right or left). */
export function padEncoding(
  encoding: FastEncoding,
  length: number,
  pad: { readonly id: number; readonly token: string; readonly typeId: number; readonly side: 'right' | 'left' },
): void {
  for (const window of encoding.overflowing) padEncoding(window, length, pad);
  const missing = length - encoding.ids.length;
  if (missing <= 0) return;
  const fill = <T>(values: T[], value: () => T): void => {
    const padding = Array.from({ length: missing }, value);
    if (pad.side === 'right') values.push(...padding);
    else values.unshift(...padding);
  };
  fill(encoding.ids, () => pad.id);
  fill(encoding.tokens, () => pad.token);
  fill(encoding.offsets, () => [0, 0] as [number, number]);
  fill(encoding.typeIds, () => pad.typeId);
  fill(encoding.specialTokensMask, () => 1);
  fill(encoding.attentionMask, () => 0);
  fill<number | null>(encoding.wordIds, () => null);
  fill<number | null>(encoding.sequenceIds, () => null);
}

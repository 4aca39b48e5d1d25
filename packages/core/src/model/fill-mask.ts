import { checkOptionKeys } from '@albert-ts/config';
import type { Tensor } from '../tensor.js';
import { InputError } from './input-error.js';
import type { LengthBucketOptions, SequenceEncoding } from './length-buckets.js';

/**
 * What the fill-mask pipeline needs from a tokenizer (`AlbertTokenizer` of `@albert-ts/tokenizer`
 * satisfies it): encode one text with special tokens, the `[MASK]` id, and id → token.
 */
export interface FillMaskTokenizer {
  /** Encodes `text` with `[CLS]`/`[SEP]`. */
  encode(text: string): {
    /** Token ids, `[CLS]` first and `[SEP]` last; one per position of the sequence. */
    readonly inputIds: readonly number[];
    /** Segment ids (HF `token_type_ids`), one per token; optional, {@link fillMask} reads only `inputIds`. */
    readonly tokenTypeIds?: readonly number[];
    /** 1 for real tokens, 0 for padding (HF `attention_mask`), one per token; optional, not read by {@link fillMask}. */
    readonly attentionMask?: readonly number[];
  };
  /** The id of the mask token. */
  readonly maskTokenId: number;
  /** The pieces of ids (e.g. `▁paris`). */
  convertIdsToTokens?(ids: readonly number[]): string[];
  /** Decodes ids to text. */
  decode?(ids: readonly number[]): string;
}

/** Options of the fill-mask pipeline. */
export interface FillMaskOptions {
  /** The tokenizer; by default the one in the model's directory (`spiece.model`, `tokenizer_config.json`). */
  readonly tokenizer?: FillMaskTokenizer;
  /** Predictions per mask (default 5). */
  readonly topK?: number;
}

/** One candidate token for a mask. */
export interface FillMaskPrediction {
  /** Vocabulary id. */
  readonly tokenId: number;
  /** Its piece, when the tokenizer can tell. */
  readonly token?: string;
  /** Softmax probability over the whole vocabulary. */
  readonly score: number;
  /** The raw logit. */
  readonly logit: number;
}

/** Predictions for one `[MASK]`. */
export interface FillMaskPosition {
  /** Token index of the mask in `inputIds`. */
  readonly maskIndex: number;
  /** `topK` candidates, most likely first. */
  readonly predictions: FillMaskPrediction[];
}

/** The result of the fill-mask pipeline for one text. */
export interface FillMaskResult {
  /** The encoded ids (with special tokens). */
  readonly inputIds: number[];
  /** One entry per mask, in order. */
  readonly masks: FillMaskPosition[];
}

/** A masked-LM model as the pipeline uses it. */
export interface FillMaskModel {
  /** Runs the masked-LM head, computing the logits at `options.logitsPositions` of each row only. */
  forward(
    inputs: {
      /** Token ids, `[batch, sequence]`. */
      inputIds: number[][];
      /** Attention mask, `[batch, sequence]` (1 real token, 0 padding). */
      attentionMask?: number[][];
      /** Segment ids, `[batch, sequence]`. */
      tokenTypeIds?: number[][];
    },
    options: {
      /** The positions whose logits are wanted, `[batch, positions]` (the `[MASK]` positions). */
      logitsPositions: number[][];
    },
  ): Promise<{
    /** Masked-LM scores over the vocabulary at those positions, `[batch, positions, vocab]`, before softmax. */
    logits: Tensor<'float32'>;
  }>;
  /**
   * Runs many encodings in length buckets, one `[1, positions, vocab]` result per encoding (its
   * `logitsPositions` row) in input order (`AlbertForMaskedLM.forwardMany`); {@link fillMaskMany}
   * runs texts one by one without it.
   */
  forwardMany?(
    encodings: readonly SequenceEncoding[],
    options: LengthBucketOptions & {
      /** One row of positions per encoding. */
      logitsPositions: number[][];
    },
  ): Promise<
    {
      /** `[1, positions, vocab]`. */
      logits: Tensor<'float32'>;
    }[]
  >;
  /** Loads the tokenizer of the model's source. */
  loadTokenizer?(): Promise<FillMaskTokenizer>;
}

/** Every key of {@link FillMaskManyOptions} (checked: an unknown key is an `OptionsError`). */
export const FILL_MASK_OPTION_KEYS = ['tokenizer', 'topK', 'tokenBudget', 'maxBatchSize'] as const;

/** Options of {@link fillMaskMany}: those of {@link fillMask} plus the length buckets'. */
export interface FillMaskManyOptions extends FillMaskOptions, LengthBucketOptions {}

/** Top-k tokens (softmax over the full vocabulary, float64) at each position of `maskIndices` of `[1, sequence, vocab]` logits. */
export function topKAtPositions(
  logits: Tensor<'float32'>,
  maskIndices: readonly number[],
  topK: number,
  idToToken?: (id: number) => string | undefined,
): FillMaskPosition[] {
  return maskIndices.map((maskIndex) => topKOfRow(vocabularyRow(logits, maskIndex), maskIndex, topK, idToToken));
}

/** The same for `[1, positions, vocab]` logits computed at `maskIndices` only: row `i` is position `maskIndices[i]`. */
export function topKAtRows(
  logits: Tensor<'float32'>,
  maskIndices: readonly number[],
  topK: number,
  idToToken?: (id: number) => string | undefined,
): FillMaskPosition[] {
  return maskIndices.map((maskIndex, row) => topKOfRow(vocabularyRow(logits, row), maskIndex, topK, idToToken));
}

/** Row `row` (over the vocabulary, the last axis) of `[1, rows, vocab]` logits, as a view. */
function vocabularyRow(logits: Tensor<'float32'>, row: number): Float32Array {
  const vocab = logits.shape[logits.shape.length - 1] as number;
  return logits.data.subarray(row * vocab, (row + 1) * vocab);
}

/**
 * The ids of the `count` largest values of `row`, largest first, ties by lower id: one pass that keeps
 * the best `count` in order (a full sort of a 30000-token vocabulary took ~8 ms per mask).
 */
function largestIds(row: Float32Array, count: number): number[] {
  if (!(Number.isInteger(count) && count >= 0 && count <= 64)) {
    return Array.from({ length: row.length }, (_, index) => index)
      .sort((a, b) => (row[b] as number) - (row[a] as number) || a - b)
      .slice(0, count);
  }
  const best: number[] = [];
  for (let id = 0; id < row.length; id += 1) {
    const value = row[id] as number;
    // an equal value never displaces an earlier (lower) id
    if (best.length === count && !(value > (row[best[count - 1] as number] as number))) continue;
    let at = best.length === count ? count - 1 : best.length;
    while (at > 0 && value > (row[best[at - 1] as number] as number)) {
      best[at] = best[at - 1] as number;
      at -= 1;
    }
    best[at] = id;
  }
  return best;
}

function topKOfRow(
  row: Float32Array,
  maskIndex: number,
  topK: number,
  idToToken?: (id: number) => string | undefined,
): FillMaskPosition {
  let max = -Infinity;
  for (const value of row) max = Math.max(max, value);
  let sum = 0;
  for (const value of row) sum += Math.exp(value - max);
  const predictions = largestIds(row, topK).map((tokenId) => {
    const logit = row[tokenId] as number;
    const token = idToToken?.(tokenId);
    return { tokenId, ...(token === undefined ? {} : { token }), score: Math.exp(logit - max) / sum, logit };
  });
  return { maskIndex, predictions };
}

/** Runs the masked-LM head on already-encoded ids and returns the top-k tokens at every `maskTokenId`. */
export async function fillMaskIds(
  model: FillMaskModel,
  inputIds: readonly number[],
  options: { maskTokenId: number; topK?: number; idToToken?: (id: number) => string | undefined },
): Promise<FillMaskResult> {
  const maskIndices: number[] = [];
  inputIds.forEach((id, index) => {
    if (id === options.maskTokenId) maskIndices.push(index);
  });
  if (maskIndices.length === 0) {
    throw new InputError(
      'INPUT_NO_MASK_TOKEN',
      `fill-mask: the input has no mask token (id ${options.maskTokenId}); write [MASK] where a word should be predicted`,
      { field: 'input_ids', value: options.maskTokenId },
    );
  }
  const { logits } = await model.forward({ inputIds: [[...inputIds]] }, { logitsPositions: [maskIndices] }); // [1, masks, vocab]
  return { inputIds: [...inputIds], masks: topKAtRows(logits, maskIndices, options.topK ?? 5, options.idToToken) };
}

/** Encodes `text`, runs the masked-LM head and returns the top-k tokens for every `[MASK]`. */
export async function fillMask(
  model: FillMaskModel,
  text: string,
  options: FillMaskOptions = {},
): Promise<FillMaskResult> {
  checkOptionKeys(options, FILL_MASK_OPTION_KEYS, 'fillMask');
  const tokenizer = options.tokenizer ?? (await model.loadTokenizer?.());
  if (tokenizer === undefined) {
    throw new InputError(
      'INPUT_MISSING',
      'fill-mask needs a tokenizer: pass { tokenizer } or load the model from a directory with spiece.model',
      { field: 'tokenizer' },
    );
  }
  const encoding = tokenizer.encode(text);
  const idToToken =
    tokenizer.convertIdsToTokens === undefined ? undefined : (id: number) => tokenizer.convertIdsToTokens?.([id])[0];
  return fillMaskIds(model, encoding.inputIds, {
    maskTokenId: tokenizer.maskTokenId,
    ...(options.topK === undefined ? {} : { topK: options.topK }),
    ...(idToToken === undefined ? {} : { idToToken }),
  });
}

/**
 * {@link fillMask} for many texts: encodes them all, runs them in length buckets (sorted by length,
 * batched under `tokenBudget` tokens including padding, default 256) when the model has
 * `forwardMany`, and returns the results in input order.
 */
export async function fillMaskMany(
  model: FillMaskModel,
  texts: readonly string[],
  options: FillMaskManyOptions = {},
): Promise<FillMaskResult[]> {
  checkOptionKeys(options, FILL_MASK_OPTION_KEYS, 'fillMask');
  const tokenizer = options.tokenizer ?? (await model.loadTokenizer?.());
  if (tokenizer === undefined) {
    throw new InputError(
      'INPUT_MISSING',
      'fill-mask needs a tokenizer: pass { tokenizer } or load the model from a directory with spiece.model',
      { field: 'tokenizer' },
    );
  }
  const idToToken =
    tokenizer.convertIdsToTokens === undefined ? undefined : (id: number) => tokenizer.convertIdsToTokens?.([id])[0];
  const encodings = texts.map((text) => tokenizer.encode(text));
  const maskIndices = encodings.map((encoding, index) => {
    const positions: number[] = [];
    encoding.inputIds.forEach((id, position) => {
      if (id === tokenizer.maskTokenId) positions.push(position);
    });
    if (positions.length === 0) {
      throw new InputError(
        'INPUT_NO_MASK_TOKEN',
        `fill-mask: text ${index} has no mask token (id ${tokenizer.maskTokenId}); write [MASK] where a word should be predicted`,
        { field: 'input_ids', index, value: tokenizer.maskTokenId },
      );
    }
    return positions;
  });
  const topK = options.topK ?? 5;
  if (model.forwardMany === undefined) {
    const results: FillMaskResult[] = [];
    for (const encoding of encodings)
      results.push(
        await fillMaskIds(model, encoding.inputIds, {
          maskTokenId: tokenizer.maskTokenId,
          topK,
          ...(idToToken === undefined ? {} : { idToToken }),
        }),
      );
    return results;
  }
  const buckets: LengthBucketOptions = {
    ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
  };
  const outputs = await model.forwardMany(
    encodings.map((encoding) => ({
      inputIds: encoding.inputIds,
      ...(encoding.tokenTypeIds === undefined ? {} : { tokenTypeIds: encoding.tokenTypeIds }),
    })),
    { ...buckets, logitsPositions: maskIndices },
  );
  return outputs.map((output, index) => ({
    inputIds: [...(encodings[index]?.inputIds ?? [])],
    masks: topKAtRows(output.logits, maskIndices[index] as number[], topK, idToToken), // [1, masks, vocab]
  }));
}

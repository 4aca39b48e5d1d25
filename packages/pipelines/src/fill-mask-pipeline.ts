import type { LengthBucketOptions, SequenceEncoding, Tensor } from '@albert-ts/core';
import { checkOptionKeys } from '@albert-ts/config';
import { PipelineError } from './pipeline-error.js';
import type { PipelineEncoding, PipelineTokenizer } from './pipeline-tokenizer.js';
import { batchOf, checkIntegerOption, checkText } from './task-inputs.js';
import type { PipelineWarn } from './pipeline-warn.js';

const TASK = 'fill-mask';

/** Options of the fill-mask pipeline (Python's keywords in camelCase). */
export interface FillMaskPipelineOptions extends LengthBucketOptions {
  /** Predictions per `[MASK]` (default 5; capped at the number of targets). */
  readonly topK?: number;
  /**
   * Restrict the candidates to these tokens. A target not in the vocabulary is tokenized and its first
   * token used instead, with a warning (as Python does).
   */
  readonly targets?: string | readonly string[];
}

/** The keys of {@link FillMaskPipelineOptions}. */
export const FILL_MASK_OPTION_KEYS = ['topK', 'targets', 'tokenBudget', 'maxBatchSize'] as const;

/** One candidate for a `[MASK]`: Python's `{score, token, token_str, sequence}`. */
export interface FillMaskPrediction {
  /** Softmax probability over the whole vocabulary. */
  readonly score: number;
  /** The token id. */
  readonly token: number;
  /** The token decoded (`decode([token])`). */
  readonly token_str: string;
  /** The input decoded with the token in place of the mask (special tokens kept when there are several masks). */
  readonly sequence: string;
}

/**
 * The result for one text: the ranked candidates, or (several `[MASK]`s) one ranked list per mask.
 */
export type FillMaskOutput = FillMaskPrediction[] | FillMaskPrediction[][];

/** A masked-LM model as the fill-mask pipeline uses it (`AlbertForMaskedLM`). */
export interface FillMaskPipelineModel {
  /** Runs encodings in length buckets, computing the logits at `logitsPositions` of each only (`[1, positions, vocab]`). */
  forwardMany(
    encodings: readonly SequenceEncoding[],
    options: LengthBucketOptions & { logitsPositions: number[][] },
  ): Promise<
    {
      /** `[1, positions, vocab]`. */
      logits: Tensor<'float32'>;
    }[]
  >;
}

/** The preprocessed text: its encoding and the `[MASK]` positions. */
export interface FillMaskModelInputs {
  /** The encoding. */
  readonly encoding: PipelineEncoding;
  /** Positions of the mask token in `encoding.inputIds`. */
  readonly maskPositions: number[];
}

/**
 * Preprocess: encodes the text and finds its `[MASK]`s.
 * @throws {@link PipelineError} `PIPELINE_EMPTY_INPUT`, `PIPELINE_NO_MASK_TOKEN`.
 */
export function preprocessFillMask(tokenizer: PipelineTokenizer, text: unknown, index?: number): FillMaskModelInputs {
  const checked = checkText(TASK, 'text', text, index);
  const encoding = tokenizer.encode(checked);
  const maskPositions: number[] = [];
  encoding.inputIds.forEach((id, position) => {
    if (id === tokenizer.maskTokenId) maskPositions.push(position);
  });
  if (maskPositions.length === 0) {
    throw new PipelineError(
      'PIPELINE_NO_MASK_TOKEN',
      `${TASK}: no mask token ([MASK]) found in ${index === undefined ? 'the input' : `input ${index}`}; write [MASK] where a word should be predicted`,
      {
        task: TASK,
        field: 'text',
        ...(index === undefined ? {} : { index }),
        value: checked,
      },
    );
  }
  return { encoding, maskPositions };
}

/**
 * The ids of `targets` (Python's `get_target_ids`): a vocabulary entry as is, else the first token of
 * the target's tokenization (with a warning), duplicates removed.
 * @throws {@link PipelineError} `PIPELINE_UNKNOWN_TARGET` when no target gives an id.
 */
export function fillMaskTargetIds(
  tokenizer: PipelineTokenizer,
  targets: string | readonly string[],
  warn: PipelineWarn,
): number[] {
  const list = typeof targets === 'string' ? [targets] : [...targets];
  const ids: number[] = [];
  for (const target of list) {
    if (typeof target !== 'string') {
      throw new PipelineError(
        'PIPELINE_INVALID_OPTION',
        `${TASK}: targets must be strings, got ${JSON.stringify(target)}`,
        { task: TASK, field: 'targets', value: target },
      );
    }
    let id = tokenizer.vocabularyId(target);
    if (id === undefined) {
      const encoded = tokenizer.encode(target, { addSpecialTokens: false }).inputIds;
      if (encoded.length === 0) {
        warn(
          `The specified target token \`${target}\` does not exist in the model vocabulary. We cannot replace it with anything meaningful, ignoring it`,
        );
        continue;
      }
      id = encoded[0] as number;
      warn(
        `The specified target token \`${target}\` does not exist in the model vocabulary. Replacing with \`${tokenizer.convertIdsToTokens([id])[0] ?? ''}\`.`,
      );
    }
    if (!ids.includes(id)) ids.push(id);
  }
  if (ids.length === 0) {
    throw new PipelineError(
      'PIPELINE_UNKNOWN_TARGET',
      `${TASK}: none of the targets ${JSON.stringify(list)} can be used; at least one target must be provided`,
      { task: TASK, field: 'targets', value: list },
    );
  }
  return ids;
}

/** The ids of the `count` largest of `scores` (indices into it), largest first, ties by lower index. */
function topIndices(scores: readonly number[], count: number): number[] {
  const best: number[] = [];
  for (let index = 0; index < scores.length; index += 1) {
    const value = scores[index] as number;
    if (best.length === count && !(value > (scores[best[count - 1] as number] as number))) continue;
    let at = best.length === count ? count - 1 : best.length;
    while (at > 0 && value > (scores[best[at - 1] as number] as number)) {
      best[at] = best[at - 1] as number;
      at -= 1;
    }
    best[at] = index;
  }
  return best;
}

/**
 * Postprocess: softmax over the vocabulary at each mask, the `topK` candidates (among `targetIds`
 * when given), each with the text decoded with it in place (Python's `postprocess`).
 * @param logitsRows - one vocabulary row of logits per mask, in mask order.
 */
export function postprocessFillMask(
  tokenizer: PipelineTokenizer,
  inputs: FillMaskModelInputs,
  logitsRows: readonly Float32Array[],
  options: { readonly topK?: number; readonly targetIds?: readonly number[] } = {},
): FillMaskOutput {
  let topK = options.topK ?? 5;
  if (options.targetIds !== undefined && options.targetIds.length < topK) topK = options.targetIds.length;
  const single = inputs.maskPositions.length === 1;
  const rows = inputs.maskPositions.map((maskPosition, maskIndex) => {
    const logits = logitsRows[maskIndex] as Float32Array;
    let max = -Infinity;
    for (const value of logits) max = Math.max(max, value);
    let sum = 0;
    for (const value of logits) sum += Math.exp(value - max);
    const candidates = options.targetIds ?? null;
    const scores =
      candidates === null
        ? Array.from(logits, (value) => Math.exp(value - max) / sum)
        : candidates.map((id) => Math.exp((logits[id] as number) - max) / sum);
    return topIndices(scores, topK).map((index): FillMaskPrediction => {
      const token = candidates === null ? index : (candidates[index] as number);
      const ids = [...inputs.encoding.inputIds];
      ids[maskPosition] = token;
      const sequence = tokenizer.decode(
        ids.filter((id) => id !== tokenizer.padTokenId),
        { skipSpecialTokens: single },
      );
      return { score: scores[index] as number, token, token_str: tokenizer.decode([token]), sequence };
    });
  });
  return single ? (rows[0] as FillMaskPrediction[]) : rows;
}

/**
 * Runs the fill-mask task on one text or a batch: preprocess every text, one bucketed forward
 * computing the `[MASK]` rows only, postprocess each. A batch of one returns that one's result, as
 * Python does.
 */
export async function runFillMask(
  model: FillMaskPipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: string | readonly string[],
  options: FillMaskPipelineOptions,
  warn: PipelineWarn,
): Promise<FillMaskOutput | FillMaskOutput[]> {
  checkOptionKeys(options, FILL_MASK_OPTION_KEYS, `pipeline('${TASK}')`);
  const topK = options.topK === undefined ? 5 : checkIntegerOption(TASK, 'topK', options.topK, 1);
  const targetIds = options.targets === undefined ? undefined : fillMaskTargetIds(tokenizer, options.targets, warn);
  const { items, batched } = batchOf(TASK, inputs);
  const prepared = items.map((text, index) => preprocessFillMask(tokenizer, text, batched ? index : undefined));
  const outputs = await model.forwardMany(
    prepared.map((item) => ({ inputIds: item.encoding.inputIds, tokenTypeIds: item.encoding.tokenTypeIds })),
    {
      logitsPositions: prepared.map((item) => item.maskPositions),
      ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    },
  );
  const results = prepared.map((item, index) => {
    const logits = (outputs[index] as { logits: Tensor<'float32'> }).logits; // [1, masks, vocab]
    const vocab = logits.shape[logits.shape.length - 1] as number;
    const rows = item.maskPositions.map((_, row) => logits.data.subarray(row * vocab, (row + 1) * vocab));
    return postprocessFillMask(tokenizer, item, rows, { topK, ...(targetIds === undefined ? {} : { targetIds }) });
  });
  return batched && results.length > 1 ? results : (results[0] as FillMaskOutput);
}

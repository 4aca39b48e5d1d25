import { checkOptionKeys } from '@albert-ts/config';
import type { LengthBucketOptions, SequenceEncoding, Tensor } from '@albert-ts/core';
import { PipelineError } from './pipeline-error.js';
import type { PipelineEncoding, PipelineTokenizer } from './pipeline-tokenizer.js';
import { rankDescending, softmax } from './scores.js';
import { batchOf, checkText } from './task-inputs.js';

const TASK = 'sentence-order';

/** The two classes of ALBERT's sentence-order prediction: 0 = the segments are in their original order, 1 = swapped. */
export const SENTENCE_ORDER_LABELS = ['in_order', 'swapped'] as const;

/** A sentence-order label. */
export type SentenceOrderLabel = (typeof SENTENCE_ORDER_LABELS)[number];

/** Options of the sentence-order pipeline (only the length buckets). */
export type SentenceOrderPipelineOptions = LengthBucketOptions;

/** The keys of {@link SentenceOrderPipelineOptions}. */
export const SENTENCE_ORDER_OPTION_KEYS = ['tokenBudget', 'maxBatchSize'] as const;

/** An input: two segments, as Python's text-pair input `{text, text_pair}`. */
export interface SentenceOrderInput {
  /** The first segment. */
  readonly text: string;
  /** The segment that should follow it. */
  readonly text_pair: string;
}

/** One class with its probability. */
export interface SentenceOrderScore {
  /** `in_order` or `swapped`. */
  readonly label: SentenceOrderLabel;
  /** Softmax over the two sentence-order logits. */
  readonly score: number;
}

/** The result for one input: both classes, the more likely first. */
export type SentenceOrderOutput = SentenceOrderScore[];

/** A pre-training model as the pipeline uses it (`AlbertForPreTraining`: its SOP head). */
export interface SentenceOrderPipelineModel {
  /** Runs encodings in length buckets; `sopLogits` `[1, 2]` each. */
  forwardMany(
    encodings: readonly SequenceEncoding[],
    options?: LengthBucketOptions,
  ): Promise<
    {
      /** `[1, 2]`. */
      sopLogits: Tensor<'float32'>;
    }[]
  >;
}

/** Preprocess: `[CLS] text [SEP] text_pair [SEP]`. */
export function preprocessSentenceOrder(
  tokenizer: PipelineTokenizer,
  input: unknown,
  index?: number,
): PipelineEncoding {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PipelineError(
      'PIPELINE_INVALID_INPUT',
      `${TASK}: an input is {text, text_pair}, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
      { task: TASK, field: 'inputs', value: typeof input },
    );
  }
  const record = input as Record<string, unknown>;
  checkOptionKeys(record, ['text', 'text_pair'], `${TASK} input`);
  return tokenizer.encode(checkText(TASK, 'text', record['text'], index), {
    textPair: checkText(TASK, 'text_pair', record['text_pair'], index),
  });
}

/** Postprocess: softmax over the two SOP logits, the more likely class first. */
export function postprocessSentenceOrder(logits: ArrayLike<number>): SentenceOrderOutput {
  const scores = softmax(logits);
  return rankDescending(scores).map((index) => ({
    label: SENTENCE_ORDER_LABELS[index] as SentenceOrderLabel,
    score: scores[index] as number,
  }));
}

/** Runs sentence-order prediction on one pair or a batch. */
export async function runSentenceOrder(
  model: SentenceOrderPipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: SentenceOrderInput | readonly SentenceOrderInput[],
  options: SentenceOrderPipelineOptions,
): Promise<SentenceOrderOutput | SentenceOrderOutput[]> {
  checkOptionKeys(options, SENTENCE_ORDER_OPTION_KEYS, `pipeline('${TASK}')`);
  const { items, batched } = batchOf(TASK, inputs);
  const encodings = items.map((item, index) => preprocessSentenceOrder(tokenizer, item, batched ? index : undefined));
  const outputs = await model.forwardMany(encodings, options);
  const results = outputs.map((output) => postprocessSentenceOrder(output.sopLogits.data));
  return batched ? results : (results[0] as SentenceOrderOutput);
}

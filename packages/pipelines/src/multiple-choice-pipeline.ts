import { checkOptionKeys } from '@albert-ts/config';
import type { Tensor } from '@albert-ts/core';
import { PipelineError } from './pipeline-error.js';
import type { PipelineEncoding, PipelineTokenizer } from './pipeline-tokenizer.js';
import { rankDescending, softmax } from './scores.js';
import { batchOf, checkIntegerOption, checkText } from './task-inputs.js';

const TASK = 'multiple-choice';

/** Options of the multiple-choice pipeline. */
export interface MultipleChoicePipelineOptions {
  /** How many choices to return, best first (default all). */
  readonly topK?: number;
}

/** The keys of {@link MultipleChoicePipelineOptions}. */
export const MULTIPLE_CHOICE_OPTION_KEYS = ['topK'] as const;

/** An input: a prompt (question or context) and the choices that may follow it. */
export interface MultipleChoiceInput {
  /** The prompt, the first text of every (prompt, choice) pair. */
  readonly text: string;
  /** The candidate continuations or answers (at least one). */
  readonly choices: readonly string[];
}

/** One ranked choice. */
export interface MultipleChoiceAnswer {
  /** The choice. */
  readonly choice: string;
  /** Its position in the input's `choices`. */
  readonly index: number;
  /** Softmax over the choices' logits. */
  readonly score: number;
}

/** The result for one input: the choices, best first. */
export type MultipleChoiceOutput = MultipleChoiceAnswer[];

/** The `[1, choices, sequence]` inputs of one example. */
export interface MultipleChoiceModelInputs {
  /** Token ids. */
  inputIds: number[][][];
  /** 1 for tokens, 0 for padding. */
  attentionMask: number[][][];
  /** Segment ids. */
  tokenTypeIds: number[][][];
}

/** One example preprocessed: its choices and their padded `[choices, sequence]` encodings. */
export interface PreparedMultipleChoice {
  /** The choices. */
  readonly choices: string[];
  /** Token ids `[choices, sequence]`. */
  readonly inputIds: number[][];
  /** Attention mask `[choices, sequence]`. */
  readonly attentionMask: number[][];
  /** Segment ids `[choices, sequence]`. */
  readonly tokenTypeIds: number[][];
}

/** A multiple-choice model as the pipeline uses it (`AlbertForMultipleChoice`). */
export interface MultipleChoicePipelineModel {
  /** Runs `[1, choices, sequence]` inputs; `logits` `[1, choices]`. */
  forward(inputs: MultipleChoiceModelInputs): Promise<{
    /** `[1, choices]`. */
    logits: Tensor<'float32'>;
  }>;
}

/**
 * Preprocess: one `[CLS] text [SEP] choice [SEP]` pair per choice, right-padded to the longest.
 * @throws {@link PipelineError} for an input that is not `{text, choices}`, an empty text or choice, or no choices.
 */
export function preprocessMultipleChoice(
  tokenizer: PipelineTokenizer,
  input: unknown,
  index?: number,
): PreparedMultipleChoice {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PipelineError(
      'PIPELINE_INVALID_INPUT',
      `${TASK}: an input is {text, choices}, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
      { task: TASK, field: 'inputs', value: typeof input },
    );
  }
  const record = input as Record<string, unknown>;
  checkOptionKeys(record, ['text', 'choices'], `${TASK} input`);
  const text = checkText(TASK, 'text', record['text'], index);
  const choices = record['choices'];
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new PipelineError('PIPELINE_EMPTY_INPUT', `${TASK}: choices must be a non-empty array of texts`, {
      task: TASK,
      field: 'choices',
      ...(index === undefined ? {} : { index }),
    });
  }
  const encodings: PipelineEncoding[] = choices.map((choice, position) =>
    tokenizer.encode(text, { textPair: checkText(TASK, `choices[${position}]`, choice, index) }),
  );
  const longest = Math.max(...encodings.map((encoding) => encoding.inputIds.length));
  const pad = (values: readonly number[], fill: number): number[] => [
    ...values,
    ...new Array<number>(longest - values.length).fill(fill),
  ];
  return {
    choices: choices as string[],
    inputIds: encodings.map((encoding) => pad(encoding.inputIds, tokenizer.padTokenId)),
    attentionMask: encodings.map((encoding) => pad(encoding.attentionMask, 0)),
    tokenTypeIds: encodings.map((encoding) => pad(encoding.tokenTypeIds, 0)),
  };
}

/** Postprocess: softmax over the choices' logits, ranked (stable), cut to `topK`. */
export function postprocessMultipleChoice(
  choices: readonly string[],
  logits: ArrayLike<number>,
  options: { readonly topK?: number } = {},
): MultipleChoiceOutput {
  const scores = softmax(logits);
  return rankDescending(scores)
    .slice(0, options.topK ?? choices.length)
    .map((index) => ({ choice: choices[index] as string, index, score: scores[index] as number }));
}

/** Runs multiple choice on one input or a batch (each input is one forward of `[1, choices, sequence]`). */
export async function runMultipleChoice(
  model: MultipleChoicePipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: MultipleChoiceInput | readonly MultipleChoiceInput[],
  options: MultipleChoicePipelineOptions,
): Promise<MultipleChoiceOutput | MultipleChoiceOutput[]> {
  checkOptionKeys(options, MULTIPLE_CHOICE_OPTION_KEYS, `pipeline('${TASK}')`);
  const topK = options.topK === undefined ? undefined : checkIntegerOption(TASK, 'topK', options.topK, 1);
  const { items, batched } = batchOf(TASK, inputs);
  const prepared = items.map((item, index) => preprocessMultipleChoice(tokenizer, item, batched ? index : undefined));
  const results: MultipleChoiceOutput[] = [];
  for (const item of prepared) {
    const { logits } = await model.forward({
      inputIds: [item.inputIds],
      attentionMask: [item.attentionMask],
      tokenTypeIds: [item.tokenTypeIds],
    }); // [1, choices]
    results.push(postprocessMultipleChoice(item.choices, logits.data, topK === undefined ? {} : { topK }));
  }
  return batched ? results : (results[0] as MultipleChoiceOutput);
}

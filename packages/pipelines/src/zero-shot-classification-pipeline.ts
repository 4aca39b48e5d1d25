import { checkOptionKeys, type AlbertConfig } from '@albert-ts/config';
import type { LengthBucketOptions, SequenceEncoding, Tensor } from '@albert-ts/core';
import { PipelineError } from './pipeline-error.js';
import type { PipelineEncoding, PipelineTokenizer } from './pipeline-tokenizer.js';
import type { PipelineWarn } from './pipeline-warn.js';
import { checkText } from './task-inputs.js';

const TASK = 'zero-shot-classification';

/** Options of the zero-shot-classification pipeline. */
export interface ZeroShotClassificationPipelineOptions extends LengthBucketOptions {
  /** The labels to choose from (or a comma-separated string); may also come with the input. */
  readonly candidateLabels?: string | readonly string[];
  /** Score each label on its own (entailment vs contradiction) instead of a softmax over labels (default false). */
  readonly multiLabel?: boolean;
  /** Turns a label into a hypothesis; `{}` is replaced by the label (default `This example is {}.`). */
  readonly hypothesisTemplate?: string;
}

/** The keys of {@link ZeroShotClassificationPipelineOptions}. */
export const ZERO_SHOT_CLASSIFICATION_OPTION_KEYS = [
  'candidateLabels',
  'multiLabel',
  'hypothesisTemplate',
  'tokenBudget',
  'maxBatchSize',
] as const;

/** An input: a text (labels in the options), or Python's `{sequences, candidate_labels}`. */
export type ZeroShotClassificationInput =
  | string
  | {
      /** The text, or several. */
      readonly sequences: string | readonly string[];
      /** The labels (a list or a comma-separated string). */
      readonly candidate_labels: string | readonly string[];
    };

/** The result for one text: Python's `{sequence, labels, scores}`, labels best first. */
export interface ZeroShotClassificationOutput {
  /** The text. */
  readonly sequence: string;
  /** The candidate labels, best first. */
  readonly labels: string[];
  /** Their scores, in the same order. */
  readonly scores: number[];
}

/** An NLI sequence classifier as the pipeline uses it (`AlbertForSequenceClassification`). */
export interface ZeroShotClassificationPipelineModel {
  /** The model's config (`label2id`, for the entailment label). */
  readonly config: AlbertConfig;
  /** Runs encodings in length buckets; `logits` `[1, num_labels]` each. */
  forwardMany(
    encodings: readonly SequenceEncoding[],
    options?: LengthBucketOptions,
  ): Promise<
    {
      /** `[1, num_labels]`. */
      logits: Tensor<'float32'>;
    }[]
  >;
}

/** Python's `_parse_labels`: a comma-separated string becomes its trimmed non-empty parts. */
export function parseCandidateLabels(labels: unknown): string[] {
  if (typeof labels === 'string')
    return labels
      .split(',')
      .map((label) => label.trim())
      .filter((label) => label !== '');
  if (Array.isArray(labels) && labels.every((label) => typeof label === 'string')) return [...(labels as string[])];
  throw new PipelineError(
    'PIPELINE_INVALID_INPUT',
    `${TASK}: candidate_labels must be a string or an array of strings`,
    { task: TASK, field: 'candidate_labels', value: typeof labels },
  );
}

/**
 * The index of the entailment label: the first `label2id` entry whose name starts with `entail`
 * (case-insensitive), else -1 (the last label) with Python's warning.
 */
export function entailmentId(config: Pick<AlbertConfig, 'label2id'>, warn: PipelineWarn): number {
  for (const [label, id] of Object.entries(config.label2id)) if (label.toLowerCase().startsWith('entail')) return id;
  warn(
    "Failed to determine 'entailment' label id from the label2id mapping in the model config. Setting to -1. Define a descriptive label2id mapping in the model config to ensure correct outputs.",
  );
  return -1;
}

/**
 * Preprocess: one (text, hypothesis) pair per label, the hypothesis being the template with the label
 * in place of `{}`.
 * @throws {@link PipelineError} `PIPELINE_EMPTY_INPUT` for no labels, `PIPELINE_INVALID_OPTION` for a
 *   template without `{}`.
 */
export function preprocessZeroShotClassification(
  tokenizer: PipelineTokenizer,
  sequence: unknown,
  labels: readonly string[],
  hypothesisTemplate: string,
  index?: number,
): PipelineEncoding[] {
  const text = checkText(TASK, 'sequences', sequence, index);
  if (labels.length === 0)
    throw new PipelineError(
      'PIPELINE_EMPTY_INPUT',
      `${TASK}: You must include at least one label and at least one sequence.`,
      { task: TASK, field: 'candidate_labels' },
    );
  if (!hypothesisTemplate.includes('{}')) {
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${TASK}: The provided hypothesis_template "${hypothesisTemplate}" was not able to be formatted with the target labels. Make sure the passed template includes formatting syntax such as {} where the label should go.`,
      {
        task: TASK,
        field: 'hypothesisTemplate',
        value: hypothesisTemplate,
      },
    );
  }
  return labels.map((label) =>
    tokenizer.encode(text, {
      textPair: hypothesisTemplate.replace('{}', label),
      truncation: 'only_first',
      maxLength: tokenizer.modelMaxLength,
    }),
  );
}

/**
 * Postprocess (Python's): with `multiLabel` (or one label) softmax over [contradiction, entailment] of
 * each label; otherwise softmax of the entailment logits over the labels; labels sorted by score.
 * @param logits - one row of NLI logits per label.
 */
export function postprocessZeroShotClassification(
  sequence: string,
  labels: readonly string[],
  logits: readonly ArrayLike<number>[],
  options: { readonly entailmentId: number; readonly multiLabel?: boolean },
): ZeroShotClassificationOutput {
  const width = logits[0]?.length ?? 0;
  const entailment = options.entailmentId < 0 ? width + options.entailmentId : options.entailmentId;
  let scores: number[];
  if (options.multiLabel === true || labels.length === 1) {
    const contradiction = options.entailmentId === 0 ? width - 1 : 0;
    scores = logits.map((row) => {
      const e = Math.exp(row[entailment] as number);
      const c = Math.exp(row[contradiction] as number);
      return e / (c + e);
    });
  } else {
    const exps = logits.map((row) => Math.exp(row[entailment] as number));
    const sum = exps.reduce((total, value) => total + value, 0);
    scores = exps.map((value) => value / sum);
  }
  const order = scores.map((_, index) => index).sort((a, b) => (scores[b] as number) - (scores[a] as number) || b - a);
  return {
    sequence,
    labels: order.map((index) => labels[index] as string),
    scores: order.map((index) => scores[index] as number),
  };
}

/**
 * Runs zero-shot classification: `pipeline(text, { candidateLabels })` or `pipeline({ sequences,
 * candidate_labels })`; several sequences give one result each.
 */
export async function runZeroShotClassification(
  model: ZeroShotClassificationPipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: ZeroShotClassificationInput | readonly string[],
  options: ZeroShotClassificationPipelineOptions,
  warn: PipelineWarn,
): Promise<ZeroShotClassificationOutput | ZeroShotClassificationOutput[]> {
  checkOptionKeys(options, ZERO_SHOT_CLASSIFICATION_OPTION_KEYS, `pipeline('${TASK}')`);
  let sequences: unknown;
  let labelsValue: unknown = options.candidateLabels;
  if (typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs)) {
    const record = inputs as Record<string, unknown>;
    checkOptionKeys(record, ['sequences', 'candidate_labels'], `${TASK} input`);
    sequences = record['sequences'];
    if (record['candidate_labels'] !== undefined) labelsValue = record['candidate_labels'];
  } else sequences = inputs;
  if (labelsValue === undefined)
    throw new PipelineError(
      'PIPELINE_EMPTY_INPUT',
      `${TASK}: no candidate labels; pass candidateLabels (or candidate_labels with the input)`,
      { task: TASK, field: 'candidate_labels' },
    );
  const labels = parseCandidateLabels(labelsValue);
  const template = options.hypothesisTemplate ?? 'This example is {}.';
  const batched = Array.isArray(sequences);
  const texts: unknown[] = batched ? [...(sequences as unknown[])] : [sequences];
  if (texts.length === 0)
    throw new PipelineError(
      'PIPELINE_EMPTY_INPUT',
      `${TASK}: You must include at least one label and at least one sequence.`,
      { task: TASK, field: 'sequences' },
    );
  const pairs = texts.map((text, index) =>
    preprocessZeroShotClassification(tokenizer, text, labels, template, batched ? index : undefined),
  );
  const id = entailmentId(model.config, warn);
  const outputs = await model.forwardMany(pairs.flat(), {
    ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
  });
  const results = texts.map((text, index) =>
    postprocessZeroShotClassification(
      text as string,
      labels,
      labels.map((_, label) => (outputs[index * labels.length + label] as { logits: Tensor<'float32'> }).logits.data),
      { entailmentId: id, ...(options.multiLabel === undefined ? {} : { multiLabel: options.multiLabel }) },
    ),
  );
  return batched ? results : (results[0] as ZeroShotClassificationOutput);
}

import { checkOptionKeys, type AlbertConfig } from '@albert-ts/config';
import type { LengthBucketOptions, SequenceEncoding, Tensor } from '@albert-ts/core';
import { PipelineError } from './pipeline-error.js';
import type { PipelineEncoding, PipelineTokenizer } from './pipeline-tokenizer.js';
import { rankDescending, sigmoid, softmax } from './scores.js';
import { checkChoiceOption, checkIntegerOption, checkText } from './task-inputs.js';

const TASK = 'text-classification';

/** How scores are made from logits (Python's `function_to_apply`). */
export type ClassificationFunction = 'default' | 'softmax' | 'sigmoid' | 'none';

/** Every {@link ClassificationFunction}. */
export const CLASSIFICATION_FUNCTIONS: readonly ClassificationFunction[] = ['default', 'softmax', 'sigmoid', 'none'];

/** Options of the text-classification pipeline. */
export interface TextClassificationPipelineOptions extends LengthBucketOptions {
  /**
   * How many labels to return, best first; `null` for all. When absent, a text gets Python's legacy
   * shape: `[{label, score}]` for a string, `{label, score}` for a pair (the best label only).
   */
  readonly topK?: number | null;
  /**
   * `default` (regression: none; multi-label or one label: sigmoid; else softmax), `softmax`, `sigmoid`
   * or `none` (the raw logits).
   */
  readonly functionToApply?: ClassificationFunction;
}

/** The keys of {@link TextClassificationPipelineOptions}. */
export const TEXT_CLASSIFICATION_OPTION_KEYS = ['topK', 'functionToApply', 'tokenBudget', 'maxBatchSize'] as const;

/** An input: a text, or a pair as Python's `{text, text_pair}`. */
export type TextClassificationInput =
  | string
  | {
      /** The text (the first of a pair). */
      readonly text: string;
      /** The second text of a pair. */
      readonly text_pair?: string;
    };

/** One label with its score: Python's `{label, score}`. */
export interface TextClassificationLabel {
  /** The label (`id2label`). */
  readonly label: string;
  /** Its score. */
  readonly score: number;
}

/** The result for one input: one label (legacy shape for pairs), or a ranked list. */
export type TextClassificationOutput = TextClassificationLabel | TextClassificationLabel[];

/** A sequence classifier as the pipeline uses it (`AlbertForSequenceClassification`). */
export interface TextClassificationPipelineModel {
  /** The model's config (labels, problem type). */
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

/**
 * Preprocess: a text or `{text, text_pair}` → its encoding.
 * @throws {@link PipelineError} `PIPELINE_INVALID_INPUT`, `PIPELINE_EMPTY_INPUT`.
 */
export function preprocessTextClassification(
  tokenizer: PipelineTokenizer,
  input: unknown,
  index?: number,
): PipelineEncoding {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const record = input as Record<string, unknown>;
    checkOptionKeys(record, ['text', 'text_pair'], `${TASK} input`);
    const text = checkText(TASK, 'text', record['text'], index);
    if (record['text_pair'] === undefined) return tokenizer.encode(text);
    return tokenizer.encode(text, { textPair: checkText(TASK, 'text_pair', record['text_pair'], index) });
  }
  return tokenizer.encode(checkText(TASK, 'text', input, index));
}

/** The function `default` stands for, for this config (Python's rule). */
export function defaultClassificationFunction(
  config: Pick<AlbertConfig, 'problemType' | 'numLabels'>,
): Exclude<ClassificationFunction, 'default'> {
  if (config.problemType === 'regression') return 'none';
  if (config.problemType === 'multi_label_classification' || config.numLabels === 1) return 'sigmoid';
  return 'softmax';
}

/**
 * Postprocess: scores from one row of logits, then Python's shapes: with `legacy` (no `topK` given)
 * and top-k 1 the best `{label, score}`; otherwise every label sorted by score (stable), cut to `topK`.
 */
export function postprocessTextClassification(
  config: Pick<AlbertConfig, 'problemType' | 'numLabels' | 'id2label'>,
  logits: ArrayLike<number>,
  options: {
    readonly topK: number | null;
    readonly legacy: boolean;
    readonly functionToApply?: ClassificationFunction;
  },
): TextClassificationOutput {
  const requested = options.functionToApply ?? 'default';
  const applied = requested === 'default' ? defaultClassificationFunction(config) : requested;
  const scores = applied === 'softmax' ? softmax(logits) : applied === 'sigmoid' ? sigmoid(logits) : Array.from(logits);
  const labelOf = (index: number): string => config.id2label[index] ?? `LABEL_${index}`;
  if (options.topK === 1 && options.legacy) {
    let best = 0;
    for (let index = 1; index < scores.length; index += 1)
      if ((scores[index] as number) > (scores[best] as number)) best = index;
    return { label: labelOf(best), score: scores[best] as number };
  }
  const labels = scores.map((score, index) => ({ label: labelOf(index), score }));
  if (options.legacy) return labels;
  const ranked = rankDescending(scores).map((index) => labels[index] as TextClassificationLabel);
  return options.topK === null ? ranked : ranked.slice(0, options.topK);
}

/**
 * Runs text classification on one input or a batch (Python's shapes: a string without `topK` gives
 * `[{label, score}]`, a batch gives one result per input).
 */
export async function runTextClassification(
  model: TextClassificationPipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: TextClassificationInput | readonly TextClassificationInput[],
  options: TextClassificationPipelineOptions,
): Promise<TextClassificationOutput | TextClassificationOutput[]> {
  checkOptionKeys(options, TEXT_CLASSIFICATION_OPTION_KEYS, `pipeline('${TASK}')`);
  const legacy = options.topK === undefined;
  const topK =
    options.topK === undefined ? 1 : options.topK === null ? null : checkIntegerOption(TASK, 'topK', options.topK, 1);
  const functionToApply =
    options.functionToApply === undefined
      ? undefined
      : checkChoiceOption(TASK, 'functionToApply', options.functionToApply, CLASSIFICATION_FUNCTIONS);
  const batched = Array.isArray(inputs);
  const items: readonly unknown[] = batched ? (inputs as readonly unknown[]) : [inputs];
  if (items.length === 0)
    throw new PipelineError('PIPELINE_EMPTY_INPUT', `${TASK}: the batch is empty; give at least one input`, {
      task: TASK,
      field: 'inputs',
    });
  const encodings = items.map((item, index) =>
    preprocessTextClassification(tokenizer, item, batched ? index : undefined),
  );
  const outputs = await model.forwardMany(encodings, {
    ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
  });
  const results = outputs.map((output) =>
    postprocessTextClassification(model.config, output.logits.data, {
      topK,
      legacy,
      ...(functionToApply === undefined ? {} : { functionToApply }),
    }),
  );
  if (batched) return results;
  const single = results[0] as TextClassificationOutput;
  // Python wraps the legacy result of a plain string in a list
  return typeof inputs === 'string' && legacy ? [single as TextClassificationLabel] : single;
}

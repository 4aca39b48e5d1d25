import { checkOptionKeys } from '@albert-ts/config';
import type { LengthBucketOptions, SequenceEncoding, Tensor } from '@albert-ts/core';
import type { PipelineEncoding, PipelineTokenizer } from './pipeline-tokenizer.js';
import { batchOf, checkChoiceOption, checkText } from './task-inputs.js';
import { PipelineError } from './pipeline-error.js';

const TASK = 'feature-extraction';

/** How token vectors become one vector per text: `none` (Python's output), `mean` (over the tokens), `cls` (the `[CLS]` vector). */
export type FeaturePooling = 'none' | 'mean' | 'cls';

/** Every {@link FeaturePooling}. */
export const FEATURE_POOLINGS: readonly FeaturePooling[] = ['none', 'mean', 'cls'];

/** Options of the feature-extraction pipeline. */
export interface FeatureExtractionPipelineOptions extends LengthBucketOptions {
  /** `none` (default: Python's `[1, tokens, hidden]` per text), `mean` or `cls` (one `[1, hidden]` vector per text). */
  readonly pooling?: FeaturePooling;
  /** Divide each returned vector by its L2 norm (default false). */
  readonly normalize?: boolean;
  /** Truncate to the tokenizer's `modelMaxLength` (default false, as Python). */
  readonly truncation?: boolean;
}

/** The keys of {@link FeatureExtractionPipelineOptions}. */
export const FEATURE_EXTRACTION_OPTION_KEYS = [
  'pooling',
  'normalize',
  'truncation',
  'tokenBudget',
  'maxBatchSize',
] as const;

/** The result for one text: `[1][tokens][hidden]` (Python's nested list), or `[1][hidden]` when pooled. */
export type FeatureExtractionOutput = number[][][] | number[][];

/** An encoder as the pipeline uses it (`AlbertModel`). */
export interface FeatureExtractionPipelineModel {
  /** Runs encodings in length buckets; `lastHiddenState` `[1, length, hidden]` each. */
  forwardMany(
    encodings: readonly SequenceEncoding[],
    options?: LengthBucketOptions,
  ): Promise<
    {
      /** `[1, length, hidden]`. */
      lastHiddenState: Tensor<'float32'>;
    }[]
  >;
}

/** Preprocess: encodes the text. */
export function preprocessFeatureExtraction(
  tokenizer: PipelineTokenizer,
  text: unknown,
  options: { readonly truncation?: boolean } = {},
  index?: number,
): PipelineEncoding {
  const checked = checkText(TASK, 'text', text, index);
  return options.truncation === true
    ? tokenizer.encode(checked, { truncation: 'longest_first', maxLength: tokenizer.modelMaxLength })
    : tokenizer.encode(checked);
}

/** Postprocess: the hidden states as nested arrays, pooled and normalized when asked. */
export function postprocessFeatureExtraction(
  hidden: Tensor<'float32'>,
  options: { readonly pooling?: FeaturePooling; readonly normalize?: boolean } = {},
): FeatureExtractionOutput {
  const [, length, width] = hidden.shape as [number, number, number];
  const rows = Array.from({ length }, (_, row) => Array.from(hidden.data.subarray(row * width, (row + 1) * width)));
  const normalize = (vector: number[]): number[] => {
    if (options.normalize !== true) return vector;
    const norm = Math.max(Math.sqrt(vector.reduce((total, value) => total + value * value, 0)), 1e-12);
    return vector.map((value) => value / norm);
  };
  const pooling = options.pooling ?? 'none';
  if (pooling === 'none') return [rows.map(normalize)];
  if (pooling === 'cls') return [normalize(rows[0] as number[])];
  const mean = new Array<number>(width).fill(0);
  for (const row of rows) row.forEach((value, column) => (mean[column] = (mean[column] as number) + value / length));
  return [normalize(mean)];
}

/** Runs feature extraction on one text or a batch. */
export async function runFeatureExtraction(
  model: FeatureExtractionPipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: string | readonly string[],
  options: FeatureExtractionPipelineOptions,
): Promise<FeatureExtractionOutput | FeatureExtractionOutput[]> {
  checkOptionKeys(options, FEATURE_EXTRACTION_OPTION_KEYS, `pipeline('${TASK}')`);
  const pooling =
    options.pooling === undefined ? 'none' : checkChoiceOption(TASK, 'pooling', options.pooling, FEATURE_POOLINGS);
  if (options.normalize !== undefined && typeof options.normalize !== 'boolean') {
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${TASK}: normalize must be true or false, got ${JSON.stringify(options.normalize)}`,
      { task: TASK, field: 'normalize', value: options.normalize },
    );
  }
  const { items, batched } = batchOf(TASK, inputs);
  const encodings = items.map((text, index) =>
    preprocessFeatureExtraction(
      tokenizer,
      text,
      { truncation: options.truncation === true },
      batched ? index : undefined,
    ),
  );
  const outputs = await model.forwardMany(encodings, {
    ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
  });
  const results = outputs.map((output) =>
    postprocessFeatureExtraction(output.lastHiddenState, { pooling, normalize: options.normalize === true }),
  );
  return batched ? results : (results[0] as FeatureExtractionOutput);
}

import type { ProblemType } from '@albert-ts/config';
import type { AlbertHeadName } from '../graph/albert-graph.js';
import type { Tensor } from '../tensor.js';
import {
  AlbertPreTrainedModel,
  optionalOutputs,
  requiredOutput,
  type AlbertOptionalOutputs,
  type ForwardOptions,
} from './albert-pretrained-model.js';
import { prepareFloatLabels, prepareIntegerLabels } from './labels.js';
import { binaryCrossEntropyWithLogitsLoss, crossEntropyLoss, IGNORE_INDEX, meanSquaredErrorLoss } from './losses.js';
import { flattenArrayInput, type AlbertInputs, type ArrayInput } from './model-inputs.js';
import type { LengthBucketOptions, SequenceEncoding } from './length-buckets.js';

/** Options of {@link AlbertForSequenceClassification.forward}. */
export interface AlbertForSequenceClassificationForwardOptions extends ForwardOptions {
  /**
   * Labels: `[batch]` class indices (single-label), `[batch, num_labels]` 0/1 floats (multi-label) or
   * `[batch]` floats (regression, `num_labels` 1).
   */
  readonly labels?: ArrayInput;
  /**
   * Overrides the loss type. By default `config.problemType`, else inferred as HF does from the labels:
   * `num_labels` 1 → regression; integer labels → single-label; float labels → multi-label. In
   * JavaScript "float labels" means labels of shape `[batch, num_labels]` or a `Float32Array`/`Float64Array`.
   */
  readonly problemType?: ProblemType;
}

/** Outputs of {@link AlbertForSequenceClassification.forward}. */
export interface AlbertForSequenceClassificationOutput extends AlbertOptionalOutputs {
  /** `[batch, num_labels]`. */
  readonly logits: Tensor<'float32'>;
  /** The loss of the problem type, when `labels` are given. */
  readonly loss?: number;
  /** The problem type the loss was computed for, when `labels` are given. */
  readonly problemType?: ProblemType;
}

/**
 * ALBERT with a classifier on the pooled output (HF `AlbertForSequenceClassification`).
 *
 * @example
 * ```ts
 * import { AlbertForSequenceClassification } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 * import { loadTokenizer } from '@albert-ts/tokenizer';
 *
 * const model = await AlbertForSequenceClassification.fromPretrained('./albert-sst2', { backend: nodeBackend() });
 * const tokenizer = await loadTokenizer('./albert-sst2');
 * const { inputIds } = tokenizer.encode('I loved this film.');
 * const { logits } = await model.forward({ inputIds: [inputIds] });
 * console.log(logits.shape, model.config.id2label); // [1, numLabels], e.g. { 0: 'negative', 1: 'positive' }
 * // Or with Python's output: pipeline('sentiment-analysis', ...) from @albert-ts/pipelines.
 * ```
 */
export class AlbertForSequenceClassification extends AlbertPreTrainedModel {
  /** HF class name. */
  static readonly head: AlbertHeadName = 'AlbertForSequenceClassification';
  /** HF class name. */
  readonly head: AlbertHeadName = 'AlbertForSequenceClassification';

  /** Runs the model; computes the loss when `labels` are given. */
  async forward(
    inputs: AlbertInputs,
    options: AlbertForSequenceClassificationForwardOptions = {},
  ): Promise<AlbertForSequenceClassificationOutput> {
    this.checkOptions(options, 'forward', ['labels', 'problemType']);
    const result = await this.runGraph(inputs, options, 2);
    const logits = requiredOutput(result, 'logits');
    if (options.labels === undefined) return { logits, ...optionalOutputs(result) };
    const batch = result.prepared.shape[0] as number;
    const numLabels = this.config.numLabels;
    const problemType = options.problemType ?? this.config.problemType ?? inferProblemType(numLabels, options.labels);
    let loss: number;
    if (problemType === 'regression') {
      // HF squeezes both sides when num_labels is 1, so [batch] and [batch, 1] labels are the same
      const squeezed = numLabels === 1 && flattenArrayInput(options.labels, 'labels').shape.length === 2;
      const labels = prepareFloatLabels(
        'labels',
        options.labels,
        numLabels === 1 ? (squeezed ? [batch, 1] : [batch]) : [batch, numLabels],
      );
      loss = meanSquaredErrorLoss(logits.data, labels.values);
    } else if (problemType === 'single_label_classification') {
      const labels = prepareIntegerLabels('labels', options.labels, [batch], {
        low: 0,
        high: numLabels,
        ignore: IGNORE_INDEX,
      });
      loss = crossEntropyLoss(logits.data, numLabels, labels.values);
    } else {
      const labels = prepareFloatLabels('labels', options.labels, [batch, numLabels]);
      loss = binaryCrossEntropyWithLogitsLoss(logits.data, labels.values);
    }
    return { logits, loss, problemType, ...optionalOutputs(result) };
  }

  /**
   * Runs many encodings of different lengths in length buckets (sorted, batched under `tokenBudget`
   * tokens incl. padding) and returns one output per encoding in input order, `logits` `[1, num_labels]`:
   * the same values as running each one alone.
   */
  async forwardMany(
    encodings: readonly SequenceEncoding[],
    options: Omit<ForwardOptions, 'outputAttentions'> & LengthBucketOptions = {},
  ): Promise<AlbertForSequenceClassificationOutput[]> {
    this.checkOptions(options, 'forwardMany');
    const results = await this.runGraphMany(encodings, options, []);
    return results.map((result) => ({ logits: requiredOutput(result, 'logits'), ...optionalOutputs(result) }));
  }
}

function inferProblemType(numLabels: number, labels: ArrayInput): ProblemType {
  if (numLabels === 1) return 'regression';
  if (!Array.isArray(labels)) {
    const data = (labels as { data: unknown }).data;
    if (data instanceof Float32Array || data instanceof Float64Array) return 'multi_label_classification';
  }
  return flattenArrayInput(labels, 'labels').shape.length >= 2
    ? 'multi_label_classification'
    : 'single_label_classification';
}

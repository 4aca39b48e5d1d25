import type { AlbertHeadName } from '../graph/albert-graph.js';
import type { Tensor } from '../tensor.js';
import {
  AlbertPreTrainedModel,
  optionalOutputs,
  requiredOutput,
  type AlbertOptionalOutputs,
  type ForwardOptions,
} from './albert-pretrained-model.js';
import { prepareIntegerLabels } from './labels.js';
import { crossEntropyLoss, IGNORE_INDEX } from './losses.js';
import type { AlbertInputs, ArrayInput } from './model-inputs.js';
import type { LengthBucketOptions, SequenceEncoding } from './length-buckets.js';

/** Options of {@link AlbertForTokenClassification.forward}. */
export interface AlbertForTokenClassificationForwardOptions extends ForwardOptions {
  /** Labels `[batch, sequence]`: class indices, -100 where ignored. */
  readonly labels?: ArrayInput;
}

/** Outputs of {@link AlbertForTokenClassification.forward}. */
export interface AlbertForTokenClassificationOutput extends AlbertOptionalOutputs {
  /** `[batch, sequence, num_labels]`. */
  readonly logits: Tensor<'float32'>;
  /** Cross-entropy over the labels that are not -100, when `labels` are given. */
  readonly loss?: number;
}

/**
 * ALBERT with a classifier on every token (HF `AlbertForTokenClassification`).
 *
 * @example
 * ```ts
 * import { AlbertForTokenClassification } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 * import { loadTokenizer } from '@albert-ts/tokenizer';
 *
 * const model = await AlbertForTokenClassification.fromPretrained('./albert-ner', { backend: nodeBackend() });
 * const tokenizer = await loadTokenizer('./albert-ner');
 * const { inputIds } = tokenizer.encode('Ada Lovelace was born in London.');
 * const { logits } = await model.forward({ inputIds: [inputIds] });
 * console.log(logits.shape); // [1, sequence, numLabels]; pipeline('ner', ...) groups them into entities
 * ```
 */
export class AlbertForTokenClassification extends AlbertPreTrainedModel {
  /** HF class name. */
  static readonly head: AlbertHeadName = 'AlbertForTokenClassification';
  /** HF class name. */
  readonly head: AlbertHeadName = 'AlbertForTokenClassification';

  /** Runs the model; computes the loss when `labels` are given. */
  async forward(
    inputs: AlbertInputs,
    options: AlbertForTokenClassificationForwardOptions = {},
  ): Promise<AlbertForTokenClassificationOutput> {
    this.checkOptions(options, 'forward', ['labels']);
    const result = await this.runGraph(inputs, options, 2);
    const logits = requiredOutput(result, 'logits');
    let loss: number | undefined;
    if (options.labels !== undefined) {
      const [batch, sequence] = result.prepared.shape as [number, number];
      const labels = prepareIntegerLabels('labels', options.labels, [batch, sequence], {
        low: 0,
        high: this.config.numLabels,
        ignore: IGNORE_INDEX,
      });
      loss = crossEntropyLoss(logits.data, this.config.numLabels, labels.values);
    }
    return { logits, ...(loss === undefined ? {} : { loss }), ...optionalOutputs(result) };
  }

  /**
   * Runs many encodings of different lengths in length buckets and returns one output per encoding in
   * input order, `logits` `[1, length, num_labels]` cut to the encoding's own length.
   */
  async forwardMany(
    encodings: readonly SequenceEncoding[],
    options: Omit<ForwardOptions, 'outputAttentions'> & LengthBucketOptions = {},
  ): Promise<AlbertForTokenClassificationOutput[]> {
    this.checkOptions(options, 'forwardMany');
    const results = await this.runGraphMany(encodings, options, ['logits']);
    return results.map((result) => ({ logits: requiredOutput(result, 'logits'), ...optionalOutputs(result) }));
  }
}

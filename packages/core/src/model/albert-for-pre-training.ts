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

/** Options of {@link AlbertForPreTraining.forward}. */
export interface AlbertForPreTrainingForwardOptions extends ForwardOptions {
  /** Masked-LM labels `[batch, sequence]`: token ids, -100 where ignored. */
  readonly labels?: ArrayInput;
  /** Sentence-order labels `[batch]`: 0 (in order) or 1 (swapped). */
  readonly sentenceOrderLabel?: ArrayInput;
}

/** Outputs of {@link AlbertForPreTraining.forward}. */
export interface AlbertForPreTrainingOutput extends AlbertOptionalOutputs {
  /** `[batch, sequence, vocab]` masked-LM logits. */
  readonly predictionLogits: Tensor<'float32'>;
  /** `[batch, 2]` sentence-order logits. */
  readonly sopLogits: Tensor<'float32'>;
  /** MLM loss + SOP loss, when both `labels` and `sentenceOrderLabel` are given (as HF). */
  readonly loss?: number;
  /** The masked-LM cross-entropy alone, when `labels` are given. */
  readonly mlmLoss?: number;
  /** The sentence-order cross-entropy alone, when `sentenceOrderLabel` is given. */
  readonly sopLoss?: number;
}

/**
 * ALBERT with the masked-LM and sentence-order-prediction heads (HF `AlbertForPreTraining`).
 *
 * @example
 * ```ts
 * import { AlbertForPreTraining } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 * import { loadTokenizer } from '@albert-ts/tokenizer';
 *
 * const model = await AlbertForPreTraining.fromPretrained('./albert-base-v2', { backend: nodeBackend() });
 * const tokenizer = await loadTokenizer('./albert-base-v2');
 * const pair = tokenizer.encodePair('The sun rose.', 'Birds began to sing.');
 * const { predictionLogits, sopLogits } = await model.forward({
 *   inputIds: [pair.inputIds],
 *   tokenTypeIds: [pair.tokenTypeIds],
 * });
 * console.log(predictionLogits.shape, sopLogits.data); // [1, sequence, 30000], [in order, swapped] logits
 * ```
 */
export class AlbertForPreTraining extends AlbertPreTrainedModel {
  /** HF class name. */
  static readonly head: AlbertHeadName = 'AlbertForPreTraining';
  /** HF class name. */
  readonly head: AlbertHeadName = 'AlbertForPreTraining';

  /** Runs the model; computes the losses of the labels given. */
  async forward(
    inputs: AlbertInputs,
    options: AlbertForPreTrainingForwardOptions = {},
  ): Promise<AlbertForPreTrainingOutput> {
    this.checkOptions(options, 'forward', ['labels', 'sentenceOrderLabel']);
    const result = await this.runGraph(inputs, options, 2);
    const predictionLogits = requiredOutput(result, 'prediction_logits');
    const sopLogits = requiredOutput(result, 'sop_logits');
    const [batch, sequence] = result.prepared.shape as [number, number];
    let mlmLoss: number | undefined;
    let sopLoss: number | undefined;
    if (options.labels !== undefined) {
      const labels = prepareIntegerLabels('labels', options.labels, [batch, sequence], {
        low: 0,
        high: this.config.vocabSize,
        ignore: IGNORE_INDEX,
      });
      mlmLoss = crossEntropyLoss(predictionLogits.data, this.config.vocabSize, labels.values);
    }
    if (options.sentenceOrderLabel !== undefined) {
      const labels = prepareIntegerLabels('sentence_order_label', options.sentenceOrderLabel, [batch], {
        low: 0,
        high: 2,
        ignore: IGNORE_INDEX,
      });
      sopLoss = crossEntropyLoss(sopLogits.data, 2, labels.values);
    }
    return {
      predictionLogits,
      sopLogits,
      ...(mlmLoss !== undefined && sopLoss !== undefined ? { loss: mlmLoss + sopLoss } : {}),
      ...(mlmLoss === undefined ? {} : { mlmLoss }),
      ...(sopLoss === undefined ? {} : { sopLoss }),
      ...optionalOutputs(result),
    };
  }

  /**
   * Runs many encodings in length buckets and returns one output per encoding in input order:
   * `predictionLogits` `[1, length, vocab]`, `sopLogits` `[1, 2]`.
   */
  async forwardMany(
    encodings: readonly SequenceEncoding[],
    options: Omit<ForwardOptions, 'outputAttentions'> & LengthBucketOptions = {},
  ): Promise<AlbertForPreTrainingOutput[]> {
    this.checkOptions(options, 'forwardMany');
    const results = await this.runGraphMany(encodings, options, ['prediction_logits']);
    return results.map((result) => ({
      predictionLogits: requiredOutput(result, 'prediction_logits'),
      sopLogits: requiredOutput(result, 'sop_logits'),
      ...optionalOutputs(result),
    }));
  }
}

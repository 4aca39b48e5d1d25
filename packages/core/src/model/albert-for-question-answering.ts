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
import { questionAnsweringLoss } from './losses.js';
import type { AlbertInputs, ArrayInput } from './model-inputs.js';
import type { LengthBucketOptions, SequenceEncoding } from './length-buckets.js';

/** Options of {@link AlbertForQuestionAnswering.forward}. */
export interface AlbertForQuestionAnsweringForwardOptions extends ForwardOptions {
  /** Answer start token index per example, `[batch]` (clamped to `[0, sequence]`; `sequence` is ignored). */
  readonly startPositions?: ArrayInput;
  /** Answer end token index per example, `[batch]`. */
  readonly endPositions?: ArrayInput;
}

/** Outputs of {@link AlbertForQuestionAnswering.forward}. */
export interface AlbertForQuestionAnsweringOutput extends AlbertOptionalOutputs {
  /** `[batch, sequence]`. */
  readonly startLogits: Tensor<'float32'>;
  /** `[batch, sequence]`. */
  readonly endLogits: Tensor<'float32'>;
  /** (CE(start) + CE(end)) / 2, when both positions are given. */
  readonly loss?: number;
}

/**
 * ALBERT with a span-extraction head (HF `AlbertForQuestionAnswering`).
 *
 * @example
 * ```ts
 * import { AlbertForQuestionAnswering } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 * import { loadTokenizer } from '@albert-ts/tokenizer';
 *
 * const model = await AlbertForQuestionAnswering.fromPretrained('./albert-squad', { backend: nodeBackend() });
 * const tokenizer = await loadTokenizer('./albert-squad');
 * const pair = tokenizer.encodePair('Where do rivers flow?', 'Rivers flow into the sea.');
 * const { startLogits, endLogits } = await model.forward({
 *   inputIds: [pair.inputIds],
 *   tokenTypeIds: [pair.tokenTypeIds],
 * });
 * console.log(startLogits.shape, endLogits.shape); // [1, sequence] each; pipeline('question-answering', ...) picks the span
 * ```
 */
export class AlbertForQuestionAnswering extends AlbertPreTrainedModel {
  /** HF class name. */
  static readonly head: AlbertHeadName = 'AlbertForQuestionAnswering';
  /** HF class name. */
  readonly head: AlbertHeadName = 'AlbertForQuestionAnswering';

  /** Runs the model; computes the span loss when both positions are given. */
  async forward(
    inputs: AlbertInputs,
    options: AlbertForQuestionAnsweringForwardOptions = {},
  ): Promise<AlbertForQuestionAnsweringOutput> {
    this.checkOptions(options, 'forward', ['startPositions', 'endPositions']);
    const result = await this.runGraph(inputs, options, 2);
    const startLogits = requiredOutput(result, 'start_logits');
    const endLogits = requiredOutput(result, 'end_logits');
    let loss: number | undefined;
    if (options.startPositions !== undefined && options.endPositions !== undefined) {
      const [batch, sequence] = result.prepared.shape as [number, number];
      const any = { low: -Number.MAX_SAFE_INTEGER, high: Number.MAX_SAFE_INTEGER };
      const starts = prepareIntegerLabels('start_positions', options.startPositions, [batch], any);
      const ends = prepareIntegerLabels('end_positions', options.endPositions, [batch], any);
      loss = questionAnsweringLoss(startLogits.data, endLogits.data, sequence, starts.values, ends.values);
    }
    return { startLogits, endLogits, ...(loss === undefined ? {} : { loss }), ...optionalOutputs(result) };
  }

  /**
   * Runs many encodings (e.g. the overlapping windows of a long context) in length buckets and returns
   * one output per encoding in input order, `startLogits` / `endLogits` `[1, length]`.
   */
  async forwardMany(
    encodings: readonly SequenceEncoding[],
    options: Omit<ForwardOptions, 'outputAttentions'> & LengthBucketOptions = {},
  ): Promise<AlbertForQuestionAnsweringOutput[]> {
    this.checkOptions(options, 'forwardMany');
    const results = await this.runGraphMany(encodings, options, ['start_logits', 'end_logits']);
    return results.map((result) => ({
      startLogits: requiredOutput(result, 'start_logits'),
      endLogits: requiredOutput(result, 'end_logits'),
      ...optionalOutputs(result),
    }));
  }
}

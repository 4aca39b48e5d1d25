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

/** Options of {@link AlbertForMultipleChoice.forward}. */
export interface AlbertForMultipleChoiceForwardOptions extends ForwardOptions {
  /** The index of the right choice per example, `[batch]`. */
  readonly labels?: ArrayInput;
}

/** Outputs of {@link AlbertForMultipleChoice.forward}. */
export interface AlbertForMultipleChoiceOutput extends AlbertOptionalOutputs {
  /** `[batch, choices]`. */
  readonly logits: Tensor<'float32'>;
  /** Cross-entropy over the choices, when `labels` are given. */
  readonly loss?: number;
}

/**
 * ALBERT for multiple choice (HF `AlbertForMultipleChoice`): inputs `[batch, choices, sequence]` are
 * folded to `[batch·choices, sequence]`, each scored by a classifier on the pooled output. Hidden
 * states and attentions have the folded batch `batch·choices`.
 *
 * @example
 * ```ts
 * import { AlbertForMultipleChoice } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 * import { loadTokenizer } from '@albert-ts/tokenizer';
 *
 * const model = await AlbertForMultipleChoice.fromPretrained('./albert-swag', { backend: nodeBackend() });
 * const tokenizer = await loadTokenizer('./albert-swag');
 * const prompt = 'She opened the umbrella because';
 * const choices = ['it was raining.', 'she was hungry.'].map((choice) =>
 *   tokenizer.encodePair(prompt, choice, { padding: 'max_length', maxLength: 32 }),
 * );
 * // [batch = 1, choices = 2, sequence = 32]
 * const { logits } = await model.forward({
 *   inputIds: [choices.map((encoding) => encoding.inputIds)],
 *   attentionMask: [choices.map((encoding) => encoding.attentionMask)],
 *   tokenTypeIds: [choices.map((encoding) => encoding.tokenTypeIds)],
 * });
 * console.log(logits.data); // one score per choice
 * ```
 */
export class AlbertForMultipleChoice extends AlbertPreTrainedModel {
  /** HF class name. */
  static readonly head: AlbertHeadName = 'AlbertForMultipleChoice';
  /** HF class name. */
  readonly head: AlbertHeadName = 'AlbertForMultipleChoice';

  /** Runs the model on `[batch, choices, sequence]` inputs. */
  async forward(
    inputs: AlbertInputs,
    options: AlbertForMultipleChoiceForwardOptions = {},
  ): Promise<AlbertForMultipleChoiceOutput> {
    this.checkOptions(options, 'forward', ['labels']);
    const result = await this.runGraph(inputs, options, 3);
    const logits = requiredOutput(result, 'logits');
    let loss: number | undefined;
    if (options.labels !== undefined) {
      const [batch, choices] = result.prepared.shape as [number, number];
      const labels = prepareIntegerLabels('labels', options.labels, [batch], {
        low: 0,
        high: choices,
        ignore: IGNORE_INDEX,
      });
      loss = crossEntropyLoss(logits.data, choices, labels.values);
    }
    return { logits, ...(loss === undefined ? {} : { loss }), ...optionalOutputs(result) };
  }
}

import { AlbertTokenizer } from '@albert-ts/tokenizer';
import type { AlbertHeadName } from '../graph/albert-graph.js';
import { InputError } from './input-error.js';
import type { Tensor } from '../tensor.js';
import {
  AlbertPreTrainedModel,
  optionalOutputs,
  requiredOutput,
  type AlbertOptionalOutputs,
  type ForwardOptions,
} from './albert-pretrained-model.js';
import {
  fillMask,
  fillMaskMany,
  type FillMaskManyOptions,
  type FillMaskOptions,
  type FillMaskResult,
  type FillMaskTokenizer,
} from './fill-mask.js';
import type { LengthBucketOptions, SequenceEncoding } from './length-buckets.js';
import { prepareIntegerLabels } from './labels.js';
import { crossEntropyLoss, IGNORE_INDEX } from './losses.js';
import type { AlbertInputs, ArrayInput } from './model-inputs.js';

/** Options of {@link AlbertForMaskedLM.forward}. */
export interface AlbertForMaskedLMForwardOptions extends ForwardOptions {
  /** Labels `[batch, sequence]`: token ids, -100 where ignored. */
  readonly labels?: ArrayInput;
  /**
   * Compute the logits at these positions of each row only, `[batch, positions]` (the same count per
   * row): `logits` is then `[batch, positions, vocab]`, each row equal to that position's row of the
   * full logits. Fill-mask uses it for the `[MASK]` positions: the MLM transform and the decoder run
   * on those rows alone, and `[batch, sequence, vocab]` is never built. Not with `labels`.
   */
  readonly logitsPositions?: readonly (readonly number[])[];
}

/** Options of {@link AlbertForMaskedLM.forwardMany}. */
export interface AlbertForMaskedLMForwardManyOptions
  extends Omit<ForwardOptions, 'outputAttentions'>, LengthBucketOptions {
  /** One row of positions per encoding (any count, at least one): each result's `logits` is `[1, positions, vocab]`. */
  readonly logitsPositions?: readonly (readonly number[])[];
}

/** Outputs of {@link AlbertForMaskedLM.forward}. */
export interface AlbertForMaskedLMOutput extends AlbertOptionalOutputs {
  /** `[batch, sequence, vocab]`, or `[batch, positions, vocab]` with `logitsPositions`. */
  readonly logits: Tensor<'float32'>;
  /** Cross-entropy over the labels that are not -100, when `labels` are given. */
  readonly loss?: number;
}

/**
 * ALBERT with the masked-LM head (HF `AlbertForMaskedLM`), plus a fill-mask pipeline.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 *
 * const model = await AlbertForMaskedLM.fromPretrained('albert/albert-base-v2', { backend: nodeBackend() });
 * const result = await model.fillMask('Paris is the [MASK] of France.');
 * console.log(result.masks[0]?.predictions[0]?.token); // '▁capital'
 * await model.dispose();
 * ```
 */
export class AlbertForMaskedLM extends AlbertPreTrainedModel {
  /** HF class name. */
  static readonly head: AlbertHeadName = 'AlbertForMaskedLM';
  /** HF class name. */
  readonly head: AlbertHeadName = 'AlbertForMaskedLM';

  /** Runs the model; computes the MLM loss when `labels` are given. */
  async forward(inputs: AlbertInputs, options: AlbertForMaskedLMForwardOptions = {}): Promise<AlbertForMaskedLMOutput> {
    this.checkOptions(options, 'forward', ['labels', 'logitsPositions']);
    if (options.labels !== undefined && options.logitsPositions !== undefined) {
      throw new InputError(
        'INPUT_CONFLICT',
        'labels need the logits of every position: pass labels or logitsPositions, not both',
        { field: 'logitsPositions' },
      );
    }
    const result = await this.runGraph(inputs, options, 2, options.logitsPositions);
    const logits = requiredOutput(result, 'logits');
    let loss: number | undefined;
    if (options.labels !== undefined) {
      const [batch, sequence] = result.prepared.shape as [number, number];
      const labels = prepareIntegerLabels('labels', options.labels, [batch, sequence], {
        low: 0,
        high: this.config.vocabSize,
        ignore: IGNORE_INDEX,
      });
      loss = crossEntropyLoss(logits.data, this.config.vocabSize, labels.values);
    }
    return { logits, ...(loss === undefined ? {} : { loss }), ...optionalOutputs(result) };
  }

  /**
   * Runs many encodings of different lengths in length buckets (sorted, batched under
   * `tokenBudget` tokens incl. padding, default 256) and returns one output per encoding, in input
   * order, with `logits` `[1, length, vocab]` (and `hiddenStates` `[1, length, hidden]`): the same
   * values as running each one alone, without computing most of the padding. With
   * `logitsPositions`, each result's `logits` is `[1, positions, vocab]` at that encoding's positions.
   */
  async forwardMany(
    encodings: readonly SequenceEncoding[],
    options: AlbertForMaskedLMForwardManyOptions = {},
  ): Promise<AlbertForMaskedLMOutput[]> {
    this.checkOptions(options, 'forwardMany', ['logitsPositions']);
    const results = await this.runGraphMany(encodings, options, ['logits'], options.logitsPositions);
    return results.map((result) => ({ logits: requiredOutput(result, 'logits'), ...optionalOutputs(result) }));
  }

  private tokenizer: Promise<AlbertTokenizer> | undefined;

  /**
   * The tokenizer of the model's source (`spiece.model` + `tokenizer_config.json` /
   * `special_tokens_map.json`), loaded once.
   * @throws {@link InputError} `INPUT_MISSING` when the model was not loaded from a source.
   */
  loadTokenizer(): Promise<FillMaskTokenizer> {
    const source = this.source;
    if (source === undefined) {
      return Promise.reject(
        new InputError(
          'INPUT_MISSING',
          'this model has no file source to load a tokenizer from; pass { tokenizer } to fillMask',
          { field: 'tokenizer' },
        ),
      );
    }
    this.tokenizer ??= AlbertTokenizer.fromFiles(source);
    this.tokenizer.catch(() => (this.tokenizer = undefined));
    return this.tokenizer;
  }

  /**
   * The `topK` most likely tokens with their probabilities for every `[MASK]` of `text`. Uses
   * `options.tokenizer`, or the tokenizer of the model's directory (`spiece.model`).
   */
  fillMask(text: string, options?: FillMaskOptions): Promise<FillMaskResult>;
  /** The same for many texts, run in length buckets (see {@link AlbertForMaskedLM.forwardMany}); results in input order. */
  fillMask(texts: readonly string[], options?: FillMaskManyOptions): Promise<FillMaskResult[]>;
  fillMask(
    textOrTexts: string | readonly string[],
    options: FillMaskManyOptions = {},
  ): Promise<FillMaskResult | FillMaskResult[]> {
    return typeof textOrTexts === 'string'
      ? fillMask(this, textOrTexts, options)
      : fillMaskMany(this, textOrTexts, options);
  }
}

import type { AlbertHeadName } from '../graph/albert-graph.js';
import type { Tensor } from '../tensor.js';
import {
  AlbertPreTrainedModel,
  optionalOutputs,
  requiredOutput,
  type AlbertOptionalOutputs,
  type ForwardOptions,
} from './albert-pretrained-model.js';
import type { AlbertInputs } from './model-inputs.js';
import type { LengthBucketOptions, SequenceEncoding } from './length-buckets.js';

/** Outputs of {@link AlbertModel.forward}. */
export interface AlbertModelOutput extends AlbertOptionalOutputs {
  /** `[batch, sequence, hidden]`: the output of the last layer. */
  readonly lastHiddenState: Tensor<'float32'>;
  /** `[batch, hidden]`: `tanh(W · h[:, 0] + b)`; absent when the checkpoint has no pooler. */
  readonly poolerOutput?: Tensor<'float32'>;
}

/**
 * The bare ALBERT encoder (HF `AlbertModel`): embeddings, shared layer groups, pooler.
 *
 * @example
 * ```ts
 * import { AlbertModel } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 * import { loadTokenizer } from '@albert-ts/tokenizer';
 *
 * const model = await AlbertModel.fromPretrained('./albert-base-v2', { backend: nodeBackend() });
 * const tokenizer = await loadTokenizer('./albert-base-v2');
 * const { inputIds, attentionMask } = tokenizer.encode('ALBERT shares its layers.');
 * const { lastHiddenState, poolerOutput } = await model.forward({ inputIds: [inputIds], attentionMask: [attentionMask] });
 * console.log(lastHiddenState.shape, poolerOutput?.shape); // [1, sequence, 768] [1, 768]
 * await model.dispose();
 * ```
 */
export class AlbertModel extends AlbertPreTrainedModel {
  /** HF class name. */
  static readonly head: AlbertHeadName = 'AlbertModel';
  /** HF class name. */
  readonly head: AlbertHeadName = 'AlbertModel';

  /** Runs the encoder on token ids (or a tokenizer `Encoding` / `BatchEncoding`). */
  async forward(inputs: AlbertInputs, options: ForwardOptions = {}): Promise<AlbertModelOutput> {
    this.checkOptions(options, 'forward');
    const result = await this.runGraph(inputs, options, 2);
    const pooler = result.outputs['pooler_output'];
    return {
      lastHiddenState: requiredOutput(result, 'last_hidden_state'),
      ...(pooler === undefined ? {} : { poolerOutput: pooler }),
      ...optionalOutputs(result),
    };
  }

  /**
   * Runs many encodings in length buckets and returns one output per encoding in input order:
   * `lastHiddenState` `[1, length, hidden]` cut to the encoding's own length, `poolerOutput` `[1, hidden]`.
   */
  async forwardMany(
    encodings: readonly SequenceEncoding[],
    options: Omit<ForwardOptions, 'outputAttentions'> & LengthBucketOptions = {},
  ): Promise<AlbertModelOutput[]> {
    this.checkOptions(options, 'forwardMany');
    const results = await this.runGraphMany(encodings, options, ['last_hidden_state']);
    return results.map((result) => {
      const pooler = result.outputs['pooler_output'];
      return {
        lastHiddenState: requiredOutput(result, 'last_hidden_state'),
        ...(pooler === undefined ? {} : { poolerOutput: pooler }),
        ...optionalOutputs(result),
      };
    });
  }
}

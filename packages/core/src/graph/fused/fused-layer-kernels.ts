import { createTensor, type Tensor } from '../../tensor.js';
import { applyActivation } from '../activation.js';
import type { AlbertLayerContext, AlbertLayerKernels } from '../albert-layer-kernels.js';
import { attribute, type GraphValue } from '../graph-builder.js';
import { GraphError } from '../graph-error.js';

/** The float32 minimum HF adds for masked keys; the fused attention fills masked scores with it. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** Contrib operator domain of onnxruntime. */
const MICROSOFT = { domain: 'com.microsoft' } as const;

/**
 * Which fused attention operator the fused kernels use.
 * - `attention`: `com.microsoft` `Attention` with one packed QKV weight and a `[batch, sequence]` int32
 *   mask (onnxruntime CPU, WASM, CUDA).
 * - `multi-head-attention`: separate Q/K/V projections into `com.microsoft` `MultiHeadAttention` with a
 *   `[batch, 1, sequence, sequence]` additive `attention_bias` (WebGPU, where `mask_index` and
 *   `key_padding_mask` are unsupported).
 */
export type FusedAttentionKind = 'attention' | 'multi-head-attention';

/** What the fused kernels need beyond the plain {@link AlbertLayerContext}: direct access to weights. */
export interface FusedLayerContext extends AlbertLayerContext {
  /** The float32 tensor of a canonical weight key (to pack Q, K and V once per shared layer). */
  readonly get: (key: string) => Tensor<'float32'>;
  /** The initializer of a weight as stored (biases, LayerNorm parameters). */
  readonly weight: (key: string) => GraphValue;
  /**
   * The initializer of the linear weight `key` (`<prefix>.weight`, HF `[out, in]`) transposed to
   * `[in, out]`: the same initializer `linear` uses, so no weight is stored twice.
   */
  readonly transposedWeight: (key: string) => GraphValue;
}

/**
 * The value the fused kernels return as attention probabilities: none exist (the fused operators do not
 * expose them), so a graph that outputs attentions or applies a head mask must use the plain flavour —
 * `chooseFusedAttention` never picks a fused flavour for those.
 */
export const NO_ATTENTION_PROBABILITIES = '';

/** Packs the Q, K and V `[out, in]` weights into `Attention`'s `[in, 3·out]` layout (Q | K | V columns). */
export function packQkvWeight(query: Tensor<'float32'>, key: Tensor<'float32'>, value: Tensor<'float32'>): Tensor<'float32'> {
  const [out, input] = query.shape as [number, number];
  const packed = new Float32Array(input * 3 * out);
  [query, key, value].forEach((part, partIndex) => {
    const source = part.data;
    for (let o = 0; o < out; o += 1) {
      for (let i = 0; i < input; i += 1) packed[i * 3 * out + partIndex * out + o] = source[o * input + i] as number;
    }
  });
  return createTensor('float32', [input, 3 * out], packed);
}

/** Concatenates the Q, K and V biases into `[3·out]`. */
export function packQkvBias(query: Tensor<'float32'>, key: Tensor<'float32'>, value: Tensor<'float32'>): Tensor<'float32'> {
  const size = query.data.length;
  const packed = new Float32Array(3 * size);
  packed.set(query.data, 0);
  packed.set(key.data, size);
  packed.set(value.data, 2 * size);
  return createTensor('float32', [3 * size], packed);
}

/**
 * The fused flavour's layer kernels: attention as one `Attention` (packed QKV) or `MultiHeadAttention`
 * node, each residual add + LayerNorm (with the projection bias) as one `SkipLayerNormalization`, and
 * the FFN bias + gelu as one `FastGelu` (`gelu_new`, `gelu_pytorch_tanh`) or `BiasGelu` (`gelu`); other
 * activations stay plain operators. Same weights as the plain flavour (shared layers stay one
 * initializer each; the packed QKV weight is derived once per shared layer) and the same results within
 * float32 rounding (≤ 2e-6 on the fixtures). Absolute position embeddings only, without head_mask and
 * without attention outputs (see {@link NO_ATTENTION_PROBABILITIES}).
 */
export function fusedLayerKernels(context: FusedLayerContext, kind: FusedAttentionKind): AlbertLayerKernels {
  const { g, config, maskAdd } = context;
  if (context.relativeTable !== undefined) {
    throw new GraphError('GRAPH_UNSUPPORTED_OPTION', `the fused graph flavour has no relative-position scores (position_embedding_type ${config.positionEmbeddingType}); use the plain flavour`, {
      field: 'position_embedding_type',
      value: config.positionEmbeddingType,
    });
  }
  // The projection bias of a value produced by these kernels, added later inside SkipLayerNormalization.
  const pendingBias = new Map<GraphValue, GraphValue>();
  let attentionMask: GraphValue | undefined;
  const maskInput = (): GraphValue =>
    (attentionMask ??= g.within('fused_attention_mask', () => {
      if (kind === 'attention') {
        // [B, 1, 1, S] additive mask → [B, S] int32 with 1 where nothing is added (mask 1), 0 elsewhere
        const flat = g.reshape(maskAdd, [0, -1]); // [B, S]
        return g.cast(g.op('Equal', [flat, g.float(0)]), 'int32'); // [B, S]
      }
      const target = g.concat([g.shape(maskAdd, 0, 1), g.ints([1]), g.shape(maskAdd, 3, 4), g.shape(maskAdd, 3, 4)], 0); // [4]
      return g.op('Expand', [maskAdd, target]); // [B, 1, S, S]
    }));
  const project = (x: GraphValue, prefix: string): GraphValue => g.matMul(x, context.transposedWeight(`${prefix}.weight`)); // bias pending

  return {
    selfAttention(x, prefix, headMaskRow) {
      if (headMaskRow !== undefined) {
        throw new GraphError('GRAPH_UNSUPPORTED_OPTION', 'the fused graph flavour cannot apply head_mask; use the plain flavour', { field: 'head_mask' });
      }
      let merged: GraphValue; // [B, S, H]
      if (kind === 'attention') {
        const query = context.get(`${prefix}.query.weight`);
        const queryBias = context.get(`${prefix}.query.bias`);
        const packedWeight = g.derivedWeight(query, 'qkv-packed', `${prefix}.qkv.weight.packed`, () =>
          packQkvWeight(query, context.get(`${prefix}.key.weight`), context.get(`${prefix}.value.weight`)),
        ); // [H, 3H]
        const packedBias = g.derivedWeight(queryBias, 'qkv-packed', `${prefix}.qkv.bias.packed`, () =>
          packQkvBias(queryBias, context.get(`${prefix}.key.bias`), context.get(`${prefix}.value.bias`)),
        ); // [3H]
        merged = g.op(
          'Attention',
          [x, packedWeight, packedBias, maskInput()],
          { num_heads: attribute.int(config.numAttentionHeads), mask_filter_value: attribute.float(FLOAT32_MIN) },
          MICROSOFT,
        ); // [B, S, H]
      } else {
        const query = context.linear(x, `${prefix}.query`); // [B, S, H]
        const key = context.linear(x, `${prefix}.key`); // [B, S, H]
        const value = context.linear(x, `${prefix}.value`); // [B, S, H]
        merged = g.op('MultiHeadAttention', [query, key, value, '', '', maskInput()], { num_heads: attribute.int(config.numAttentionHeads) }, MICROSOFT); // [B, S, H]
      }
      const output = project(merged, `${prefix}.dense`); // [B, S, H] without the dense bias
      pendingBias.set(output, context.weight(`${prefix}.dense.bias`));
      return { output, probabilities: NO_ATTENTION_PROBABILITIES };
    },
    residualLayerNorm(x, residual, prefix) {
      const inputs = [x, residual, context.weight(`${prefix}.weight`), context.weight(`${prefix}.bias`)];
      const bias = pendingBias.get(x);
      return g.op('SkipLayerNormalization', bias === undefined ? inputs : [...inputs, bias], { epsilon: attribute.float(config.layerNormEps) }, MICROSOFT); // [B, S, H]
    },
    feedForward(x, prefix) {
      const product = project(x, `${prefix}.ffn`); // [B, S, I] without bias
      const bias = context.weight(`${prefix}.ffn.bias`);
      let intermediate: GraphValue; // [B, S, I]
      switch (config.hiddenAct) {
        case 'gelu_new':
        case 'gelu_pytorch_tanh':
          intermediate = g.op('FastGelu', [product, bias], {}, MICROSOFT); // tanh gelu of (x·W + b)
          break;
        case 'gelu':
          intermediate = g.op('BiasGelu', [product, bias], {}, MICROSOFT); // erf gelu of (x·W + b)
          break;
        default:
          intermediate = applyActivation(g, g.add(product, bias), config.hiddenAct);
      }
      const output = project(intermediate, `${prefix}.ffn_output`); // [B, S, H] without bias
      pendingBias.set(output, context.weight(`${prefix}.ffn_output.bias`));
      return output;
    },
  };
}

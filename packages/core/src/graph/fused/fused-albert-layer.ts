import type { HiddenAct } from '@albert-ts/config';
import { createTensor, type Tensor } from '../../tensor.js';
import { applyActivation } from '../activation.js';
import { attribute, type GraphBuilder, type GraphValue } from '../graph-builder.js';

/** The float32 minimum HF adds for masked keys; the fused attention fills masked scores with it. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** Contrib operator domain of onnxruntime. */
const MICROSOFT = { domain: 'com.microsoft' } as const;

/**
 * Which fused attention operator a fused layer uses.
 * - `attention`: `com.microsoft` `Attention` with one packed QKV weight and the raw `[batch, sequence]`
 *   mask (onnxruntime CPU / WASM).
 * - `multi-head-attention`: separate Q/K/V projections into `com.microsoft` `MultiHeadAttention` with a
 *   `[batch, 1, sequence, sequence]` additive `attention_bias` (WebGPU, where `mask_index` and
 *   `key_padding_mask` are unsupported).
 */
export type FusedAttentionKind = 'attention' | 'multi-head-attention';

/** The attention-mask value a fused layer reads, built once per graph by {@link fusedAttentionMask}. */
export type FusedAttentionMask =
  | { readonly kind: 'attention'; readonly maskIndex: GraphValue }
  | { readonly kind: 'multi-head-attention'; readonly attentionBias: GraphValue };

/** What {@link fusedAlbertLayer} needs from the graph being built. */
export interface FusedLayerContext {
  /** The graph. */
  readonly g: GraphBuilder;
  /** The float32 tensor of a canonical weight key. */
  readonly get: (key: string) => Tensor<'float32'>;
  /** The initializer of a weight as stored (`[H]` vectors, LayerNorm parameters). */
  readonly weight: (key: string) => GraphValue;
  /** The initializer of a linear weight transposed to `[in, out]` (the same one the plain flavour uses). */
  readonly kernel: (key: string) => GraphValue;
  /** `num_attention_heads`. */
  readonly heads: number;
  /** `hidden_size`. */
  readonly hiddenSize: number;
  /** `layer_norm_eps`. */
  readonly epsilon: number;
  /** `hidden_act`. */
  readonly activation: HiddenAct;
  /** The mask input of the fused attention. */
  readonly mask: FusedAttentionMask;
}

/**
 * Builds the mask input of the fused attention once per graph.
 * @param mask - the `[batch, sequence]` int64 `attention_mask`.
 * @param additiveMask - HF's `(1 - mask) · float32.min` as `[batch, 1, 1, sequence]` (the plain flavour's).
 */
export function fusedAttentionMask(g: GraphBuilder, kind: FusedAttentionKind, mask: GraphValue, additiveMask: GraphValue): FusedAttentionMask {
  return g.within('fused_attention_mask', () => {
    if (kind === 'attention') return { kind, maskIndex: g.cast(mask, 'int32') }; // [B, S] raw 0/1 mask
    const batch = g.shape(mask, 0, 1); // [1]
    const sequence = g.shape(mask, 1, 2); // [1]
    const target = g.concat([batch, g.ints([1]), sequence, sequence], 0); // [4]
    return { kind, attentionBias: g.op('Expand', [additiveMask, target]) }; // [B, 1, S, S]
  });
}

/** Packs the Q, K and V `[out, in]` weights into `Attention`'s `[in, 3·out]` layout (Q | K | V columns). */
function packQkvWeight(query: Tensor<'float32'>, key: Tensor<'float32'>, value: Tensor<'float32'>): Tensor<'float32'> {
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
function packQkvBias(query: Tensor<'float32'>, key: Tensor<'float32'>, value: Tensor<'float32'>): Tensor<'float32'> {
  const size = query.data.length;
  const packed = new Float32Array(3 * size);
  packed.set(query.data, 0);
  packed.set(key.data, size);
  packed.set(value.data, 2 * size);
  return createTensor('float32', [3 * size], packed);
}

/** `activation(x·W + b)` with the bias folded into a fused gelu where one matches `hidden_act` exactly. */
function fusedBiasActivation(context: FusedLayerContext, x: GraphValue, prefix: string): GraphValue {
  const { g } = context;
  const product = g.matMul(x, context.kernel(`${prefix}.weight`)); // [B, S, I]
  const bias = context.weight(`${prefix}.bias`);
  switch (context.activation) {
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), bias added inside
      return g.op('FastGelu', [product, bias], {}, MICROSOFT); // [B, S, I]
    case 'gelu':
      // 0.5·x·(1 + erf(x/√2)), bias added inside
      return g.op('BiasGelu', [product, bias], {}, MICROSOFT); // [B, S, I]
    default:
      return applyActivation(g, g.add(product, bias), context.activation); // [B, S, I]
  }
}

/** `LayerNorm(x·W + b + residual)` as one `SkipLayerNormalization`. */
function projectAddNorm(context: FusedLayerContext, x: GraphValue, prefix: string, residual: GraphValue, normPrefix: string): GraphValue {
  const { g } = context;
  const product = g.matMul(x, context.kernel(`${prefix}.weight`)); // [B, S, H]
  return g.op(
    'SkipLayerNormalization',
    [product, residual, context.weight(`${normPrefix}.weight`), context.weight(`${normPrefix}.bias`), context.weight(`${prefix}.bias`)],
    { epsilon: attribute.float(context.epsilon) },
    MICROSOFT,
  ); // [B, S, H]
}

/**
 * One ALBERT layer (attention → add & norm → FFN → add & norm) with onnxruntime's fused contrib
 * operators. Same weights (shared layers stay one initializer each; the packed QKV weight is derived
 * once per shared layer) and the same results as the plain layer within float32 rounding.
 * Only for absolute position embeddings, without head_mask and without attention outputs.
 * @param x - `[batch, sequence, hidden]` input of the layer.
 * @param prefix - `albert.encoder.albert_layer_groups.{g}.albert_layers.{j}`.
 * @returns `[batch, sequence, hidden]`.
 */
export function fusedAlbertLayer(context: FusedLayerContext, x: GraphValue, prefix: string): GraphValue {
  const { g } = context;
  const attentionPrefix = `${prefix}.attention`;
  const attended = g.within('attention', () => {
    let attentionContext: GraphValue; // [B, S, H]
    if (context.mask.kind === 'attention') {
      const query = context.get(`${attentionPrefix}.query.weight`);
      const queryBias = context.get(`${attentionPrefix}.query.bias`);
      const packedWeight = g.derivedWeight(query, 'qkv-packed', `${attentionPrefix}.qkv.weight.packed`, () =>
        packQkvWeight(query, context.get(`${attentionPrefix}.key.weight`), context.get(`${attentionPrefix}.value.weight`)),
      ); // [H, 3H]
      const packedBias = g.derivedWeight(queryBias, 'qkv-packed', `${attentionPrefix}.qkv.bias.packed`, () =>
        packQkvBias(queryBias, context.get(`${attentionPrefix}.key.bias`), context.get(`${attentionPrefix}.value.bias`)),
      ); // [3H]
      attentionContext = g.op(
        'Attention',
        [x, packedWeight, packedBias, context.mask.maskIndex],
        { num_heads: attribute.int(context.heads), mask_filter_value: attribute.float(FLOAT32_MIN) },
        MICROSOFT,
      );
    } else {
      const project = (name: string): GraphValue => g.add(g.matMul(x, context.kernel(`${attentionPrefix}.${name}.weight`)), context.weight(`${attentionPrefix}.${name}.bias`)); // [B, S, H]
      attentionContext = g.op(
        'MultiHeadAttention',
        [project('query'), project('key'), project('value'), '', '', context.mask.attentionBias],
        { num_heads: attribute.int(context.heads) },
        MICROSOFT,
      );
    }
    return projectAddNorm(context, attentionContext, `${attentionPrefix}.dense`, x, `${attentionPrefix}.LayerNorm`); // [B, S, H]
  });
  return g.within('ffn', () => {
    const intermediate = fusedBiasActivation(context, attended, `${prefix}.ffn`); // [B, S, I]
    return projectAddNorm(context, intermediate, `${prefix}.ffn_output`, attended, `${prefix}.full_layer_layer_norm`); // [B, S, H]
  });
}

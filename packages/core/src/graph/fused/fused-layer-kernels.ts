import { applyActivation } from '../activation.js';
import { plainLayerKernels, type AlbertLayerContext, type AlbertLayerKernels } from '../albert-layer-kernels.js';
import { attribute, type GraphValue } from '../graph-builder.js';

/** The float32 minimum HF adds for masked keys; the fused attention fills masked scores with it. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** Contrib operator domain of onnxruntime. */
const MICROSOFT = { domain: 'com.microsoft' } as const;

/** `hidden_act` values with a fused bias + activation operator that computes exactly HF's formula. */
const FUSED_GELU: Readonly<Record<string, string>> = {
  gelu_new: 'FastGelu',
  gelu_pytorch_tanh: 'FastGelu',
  gelu: 'BiasGelu',
};

/**
 * Which fused attention operator the fused kernels use.
 * - `attention`: `com.microsoft` `Attention` with one packed QKV weight and a `[batch, sequence]` int32
 *   mask (onnxruntime CPU, WASM, CUDA).
 * - `multi-head-attention`: separate Q/K/V projections into `com.microsoft` `MultiHeadAttention` with a
 *   `[batch, 1, sequence, sequence]` additive `attention_bias` (WebGPU, where `mask_index` and
 *   `key_padding_mask` are unsupported).
 */
export type FusedAttentionKind = 'attention' | 'multi-head-attention';

/** Choices inside the fused flavour that depend on the backend's kernels. */
export interface FusedLayerKernelOptions {
  /**
   * Residual Add + LayerNorm (with the pending projection bias) as one `SkipLayerNormalization`
   * (default `true`); `false` emits `Add` + `LayerNormalization` (faster on onnxruntime's CPU).
   */
  readonly skipLayerNormalization?: boolean;
}

/**
 * The fused flavour's layer kernels, with the attention operator chosen per backend
 * (`chooseFusedAttention`): attention as one `Attention` node (CPU/WASM; the Q, K and V kernels are
 * packed by a `Concat` of the existing initializers, which onnxruntime folds once at session creation,
 * so the file stores no packed copy) or one `MultiHeadAttention` node with HF's exact additive mask as
 * `attention_bias` (WebGPU); each residual add + LayerNorm, with the projection bias, as one
 * `SkipLayerNormalization` (or `Add` + `LayerNormalization`, see {@link FusedLayerKernelOptions}); the FFN bias + gelu as one `FastGelu` (tanh gelu) or `BiasGelu` (erf
 * gelu). Where a fused operator cannot reproduce HF (attention probabilities requested, head_mask,
 * relative positions, other activations) that part uses the plain kernel. Same weights as the plain
 * flavour and the same results within float32 rounding (≤ 2e-6 on the fixtures).
 */
export function fusedLayerKernels(
  context: AlbertLayerContext,
  kind: FusedAttentionKind,
  options: FusedLayerKernelOptions = {},
): AlbertLayerKernels {
  const { g, config, maskAdd } = context;
  const plain = plainLayerKernels(context);
  // The projection bias of a value produced by these kernels, added inside SkipLayerNormalization.
  const pendingBias = new Map<GraphValue, GraphValue>();
  let attentionMask: GraphValue | undefined;
  const maskInput = (): GraphValue =>
    (attentionMask ??= g.within('fused_attention_mask', () => {
      if (kind === 'attention') {
        // [B, 1, 1, S] additive mask → [B, S] int32: 1 where nothing is added (mask 1), 0 elsewhere
        const flat = g.reshape(maskAdd, [0, -1]); // [B, S]
        return g.cast(g.op('Equal', [flat, g.float(0)]), 'int32'); // [B, S]
      }
      const sequence = g.shape(maskAdd, 3, 4); // [1]: S
      return g.op('Expand', [maskAdd, g.concat([g.shape(maskAdd, 0, 1), g.ints([1]), sequence, sequence], 0)]); // [B, 1, S, S]
    }));
  const project = (x: GraphValue, prefix: string): GraphValue => {
    const output = g.matMul(x, context.linearKernel(prefix)); // [B, S, out], bias pending
    pendingBias.set(output, context.weight(`${prefix}.bias`));
    return output;
  };

  return {
    selfAttention(x, prefix, headMaskRow) {
      if (context.outputAttentions || headMaskRow !== undefined || context.relativeTable !== undefined)
        return plain.selfAttention(x, prefix, headMaskRow);
      let merged: GraphValue; // [B, S, H]
      if (kind === 'attention') {
        const packedWeight = g.concat(
          [
            context.linearKernel(`${prefix}.query`),
            context.linearKernel(`${prefix}.key`),
            context.linearKernel(`${prefix}.value`),
          ],
          1,
        ); // [H, 3H]
        const packedBias = g.concat(
          [
            context.weight(`${prefix}.query.bias`),
            context.weight(`${prefix}.key.bias`),
            context.weight(`${prefix}.value.bias`),
          ],
          0,
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
        merged = g.op(
          'MultiHeadAttention',
          [query, key, value, '', '', maskInput()],
          { num_heads: attribute.int(config.numAttentionHeads) },
          MICROSOFT,
        ); // [B, S, H]
      }
      return { output: project(merged, `${prefix}.dense`) }; // [B, S, H] without the dense bias
    },
    residualLayerNorm(x, residual, prefix) {
      const bias = pendingBias.get(x);
      if (options.skipLayerNormalization === false) {
        const sum = g.add(bias === undefined ? x : g.add(x, bias), residual); // [B, S, H]
        return context.layerNorm(sum, prefix);
      }
      const inputs = [x, residual, context.weight(`${prefix}.weight`), context.weight(`${prefix}.bias`)];
      return g.op(
        'SkipLayerNormalization',
        bias === undefined ? inputs : [...inputs, bias],
        { epsilon: attribute.float(config.layerNormEps) },
        MICROSOFT,
      ); // [B, S, H]
    },
    feedForward(x, prefix) {
      const operator = FUSED_GELU[config.hiddenAct];
      let intermediate: GraphValue; // [B, S, I]
      if (operator === undefined) {
        intermediate = applyActivation(g, context.linear(x, `${prefix}.ffn`), config.hiddenAct);
      } else {
        const product = g.matMul(x, context.linearKernel(`${prefix}.ffn`)); // [B, S, I]
        intermediate = g.op(operator, [product, context.weight(`${prefix}.ffn.bias`)], {}, MICROSOFT); // gelu(x·W + b)
      }
      return project(intermediate, `${prefix}.ffn_output`); // [B, S, H] without bias
    },
  };
}

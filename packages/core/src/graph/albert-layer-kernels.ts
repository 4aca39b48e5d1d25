import type { AlbertConfig } from '@albert-ts/config';
import { applyActivation } from './activation.js';
import type { GraphBuilder, GraphValue } from './graph-builder.js';

/**
 * What the kernels of one ALBERT layer may use from the graph being built. The encoder loop and the
 * heads are shared by every flavour; a flavour only supplies {@link AlbertLayerKernels}.
 */
export interface AlbertLayerContext {
  /** The graph being built. */
  readonly g: GraphBuilder;
  /** The model's config. */
  readonly config: AlbertConfig;
  /** `y = x Wᵀ + b` for the HF linear layer `prefix` (weight stored transposed, once). */
  readonly linear: (x: GraphValue, prefix: string) => GraphValue;
  /** The initializer of a weight by canonical key. */
  readonly weight: (key: string) => GraphValue;
  /** The transposed `[in, out]` kernel of the HF linear layer `prefix` (one initializer). */
  readonly linearKernel: (prefix: string) => GraphValue;
  /** LayerNorm with the weights of `prefix` and `layer_norm_eps`. */
  readonly layerNorm: (x: GraphValue, prefix: string) => GraphValue;
  /** `(1 - attention_mask) · float32_min`, `[B, 1, 1, S]`. */
  readonly maskAdd: GraphValue;
  /** The `head_mask` input `[L, heads]`, when the graph has one. */
  readonly headMask: GraphValue | undefined;
  /** `R[l, r] = distance_embedding[l - r + max_pos - 1]` `[S, S, d]` of a layer (relative types only). */
  readonly relativeTable: ((attentionPrefix: string) => GraphValue) | undefined;
  /** `[S, -1, heads, S]` as a shape tensor (relative types only). */
  readonly relativeShape: GraphValue | undefined;
  /** Whether the attention probabilities are graph outputs (so they must be computed explicitly). */
  readonly outputAttentions: boolean;
}

/**
 * The per-layer operators of a graph flavour. `plain` builds them from standard opset-17 operators; a
 * fused flavour can build them from `com.microsoft` operators (Attention / MultiHeadAttention with an
 * attention bias, SkipLayerNormalization, FastGelu) and must give the same results within 1e-4.
 */
export interface AlbertLayerKernels {
  /**
   * Multi-head self-attention of `x` `[B, S, H]` with the weights under `prefix`
   * (`...albert_layers.{j}.attention`), through the output projection `dense`. Returns the projected
   * output `[B, S, H]` and, when computed explicitly, the attention probabilities `[B, heads, S, S]`
   * after the head mask (always when {@link AlbertLayerContext.outputAttentions} is set).
   */
  selfAttention(
    x: GraphValue,
    prefix: string,
    headMaskRow: number | undefined,
  ): {
    /** The attention output after the `dense` projection, `[batch, sequence, hidden]`; the residual LayerNorm is {@link AlbertLayerKernels.residualLayerNorm}'s job. */
    output: GraphValue;
    /** Attention probabilities after softmax and head mask, `[batch, heads, sequence, sequence]`; absent when a fused operator computed them internally. */
    probabilities?: GraphValue;
  };
  /** `LayerNorm(x + residual)` with the weights under `prefix`. */
  residualLayerNorm(x: GraphValue, residual: GraphValue, prefix: string): GraphValue;
  /** `ffn_output(act(ffn(x)))` for the layer under `prefix` (`...albert_layers.{j}`). */
  feedForward(x: GraphValue, prefix: string): GraphValue;
}

/** The plain flavour's kernels: standard ONNX operators only, the eager computation of HF. */
export function plainLayerKernels(context: AlbertLayerContext): AlbertLayerKernels {
  const { g, config, linear, layerNorm, maskAdd, headMask } = context;
  const heads = config.numAttentionHeads;
  const headSize = config.attentionHeadSize;
  const hidden = config.hiddenSize;
  const splitHeads = (x: GraphValue): GraphValue => g.transpose(g.reshape(x, [0, 0, heads, headSize]), [0, 2, 1, 3]); // [B, heads, S, d]

  return {
    selfAttention(x, prefix, headMaskRow) {
      const query = splitHeads(linear(x, `${prefix}.query`)); // [B, heads, S, d]
      const key = splitHeads(linear(x, `${prefix}.key`)); // [B, heads, S, d]
      const value = splitHeads(linear(x, `${prefix}.value`)); // [B, heads, S, d]
      let scores = g.matMul(query, g.transpose(key, [0, 1, 3, 2])); // [B, heads, S, S]
      scores = g.div(scores, g.float(Math.sqrt(headSize))); // [B, heads, S, S]
      if (context.relativeTable !== undefined && context.relativeShape !== undefined) {
        // added after the 1/√d scaling (ALBERT differs from BERT here)
        const table = context.relativeTable(prefix); // [S(l), S(r), d]
        // einsum("bhld,lrd->bhlr", Q, R) as a batched MatMul over l
        const queryByPosition = g.reshape(g.transpose(query, [2, 0, 1, 3]), [0, -1, headSize]); // [S(l), B·heads, d]
        const byQuery = g.matMul(queryByPosition, g.transpose(table, [0, 2, 1])); // [S(l), B·heads, S(r)]
        scores = g.add(scores, g.transpose(g.reshape(byQuery, context.relativeShape), [1, 2, 0, 3])); // [B, heads, S, S]
        if (config.positionEmbeddingType === 'relative_key_query') {
          // einsum("bhrd,lrd->bhlr", K, R) as a batched MatMul over r
          const keyByPosition = g.reshape(g.transpose(key, [2, 0, 1, 3]), [0, -1, headSize]); // [S(r), B·heads, d]
          const byKey = g.matMul(keyByPosition, g.transpose(table, [1, 2, 0])); // [S(r), B·heads, S(l)]
          scores = g.add(scores, g.transpose(g.reshape(byKey, context.relativeShape), [1, 2, 3, 0])); // [B, heads, S, S]
        }
      }
      scores = g.add(scores, maskAdd); // [B, heads, S, S]
      let probabilities = g.softmax(scores, -1); // [B, heads, S, S]
      if (headMask !== undefined && headMaskRow !== undefined) {
        const row = g.reshape(g.gather(headMask, g.int(headMaskRow)), [1, heads, 1, 1]); // [1, heads, 1, 1]
        probabilities = g.mul(probabilities, row); // [B, heads, S, S]
      }
      const merged = g.reshape(g.transpose(g.matMul(probabilities, value), [0, 2, 1, 3]), [0, 0, hidden]); // [B, S, H]
      return { output: linear(merged, `${prefix}.dense`), probabilities }; // [B, S, H]
    },
    residualLayerNorm(x, residual, prefix) {
      return layerNorm(g.add(residual, x), prefix); // [B, S, H]
    },
    feedForward(x, prefix) {
      const intermediate = applyActivation(g, linear(x, `${prefix}.ffn`), config.hiddenAct); // [B, S, I]
      return linear(intermediate, `${prefix}.ffn_output`); // [B, S, H]
    },
  };
}

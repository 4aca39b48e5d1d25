import type { Backend } from '../../backend/backend.js';
import type { FusedAttentionKind } from './fused-layer-kernels.js';

/** What the caller asks for: the backend's best graph (`auto`, default) or the plain ONNX graph. */
export type GraphFlavourRequest = 'auto' | 'plain';

/** What the graph has to expose or support, which decides whether a fused layer can be used. */
export interface FusedLayerConstraints {
  /** `position_embedding_type`; the fused attention has no relative-position scores. */
  readonly positionEmbeddingType: 'absolute' | 'relative_key' | 'relative_key_query';
  /** `hidden_act`, to check that the backend has the fused activation it maps to (when it has one). */
  readonly hiddenAct: string;
  /** A `head_mask` input scales attention probabilities, which the fused operators do not expose. */
  readonly headMask?: boolean;
  /** Attention probabilities as outputs, which the fused operators do not produce. */
  readonly outputAttentions?: boolean;
  /**
   * The graph's precision. With `int8` the packed `Attention` is not chosen: its packed Q/K/V kernel
   * is a `Concat` the int8 pass cannot quantize, while `MultiHeadAttention` keeps three quantized MatMuls
   * (measured: W1 25.8 ms vs 33.4 ms on onnxruntime-node, docs/performance.md).
   */
  readonly precision?: 'float32' | 'int8' | 'float16';
}

/** The outcome of {@link chooseFusedAttention}: a fused attention kind, or `null` with the reason. */
export interface FusedAttentionChoice {
  /** The fused attention to build, or `null` for the plain flavour. */
  readonly kind: FusedAttentionKind | null;
  /** Whether the backend lists `SkipLayerNormalization` (else residual Add + `LayerNormalization`). */
  readonly skipLayerNormalization: boolean;
  /** Why (for logs and the CLI's `--verbose`). */
  readonly reason: string;
}

/**
 * The `com.microsoft` operators a fused layer of `kind` needs for `hiddenAct`. `SkipLayerNormalization`
 * is optional: used where the backend lists it (see {@link FusedAttentionChoice.skipLayerNormalization}).
 */
export function fusedLayerOperators(kind: FusedAttentionKind, hiddenAct: string): string[] {
  const operators = [kind === 'attention' ? 'Attention' : 'MultiHeadAttention'];
  if (hiddenAct === 'gelu_new' || hiddenAct === 'gelu_pytorch_tanh') operators.push('FastGelu');
  if (hiddenAct === 'gelu') operators.push('BiasGelu');
  return operators;
}

/**
 * Picks the graph flavour for a backend from its name and declared contrib operators: on WebGPU
 * backends (`webgpu`, `node-webgpu`) `MultiHeadAttention` with an additive `attention_bias`
 * (`mask_index` and `key_padding_mask` are unsupported there); elsewhere (onnxruntime CPU, WASM, CUDA)
 * the packed-QKV `Attention` (`MultiHeadAttention` for int8 graphs), else `MultiHeadAttention`; plain when the backend lacks the operators or
 * the graph needs what fused operators cannot give. Pure; never throws.
 */
export function chooseFusedAttention(
  backend: Pick<Backend, 'name' | 'capabilities'>,
  request: GraphFlavourRequest,
  constraints: FusedLayerConstraints,
): FusedAttentionChoice {
  const skipLayerNormalization = backend.capabilities.contribOperators.includes('SkipLayerNormalization');
  if (request === 'plain') return { kind: null, skipLayerNormalization, reason: 'the plain flavour was requested' };
  if (constraints.positionEmbeddingType !== 'absolute') {
    return {
      kind: null,
      skipLayerNormalization,
      reason: `position_embedding_type ${constraints.positionEmbeddingType} adds relative-position scores the fused attention cannot take`,
    };
  }
  if (constraints.headMask === true)
    return {
      kind: null,
      skipLayerNormalization,
      reason: 'head_mask scales attention probabilities inside the attention',
    };
  if (constraints.outputAttentions === true)
    return { kind: null, skipLayerNormalization, reason: 'attention probabilities were requested as outputs' };
  const available = new Set(backend.capabilities.contribOperators);
  const kinds: readonly FusedAttentionKind[] =
    backend.name.includes('webgpu') || constraints.precision === 'int8'
      ? ['multi-head-attention']
      : ['attention', 'multi-head-attention'];
  for (const kind of kinds) {
    const missing = fusedLayerOperators(kind, constraints.hiddenAct).filter((operator) => !available.has(operator));
    if (missing.length === 0)
      return {
        kind,
        skipLayerNormalization,
        reason: `the backend implements ${[...fusedLayerOperators(kind, constraints.hiddenAct), ...(skipLayerNormalization ? ['SkipLayerNormalization'] : [])].join(', ')}`,
      };
  }
  return {
    kind: null,
    skipLayerNormalization,
    reason: `backend ${backend.name} does not list the fused operators (${kinds.map((kind) => fusedLayerOperators(kind, constraints.hiddenAct).join(' + ')).join(' or ')})`,
  };
}

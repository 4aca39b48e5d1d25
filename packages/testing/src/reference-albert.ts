import type { AlbertConfig, HiddenAct } from '@albert-ts/config';
import type { AlbertGraphWeights } from '@albert-ts/core';

/**
 * A deliberately naive float64 ALBERT encoder (embeddings → E→H → shared layer groups → pooler),
 * written from the reference description in `fixtures/models/README.md`. It checks graph variants
 * that have no PyTorch fixture (relative_key_query, every hidden_act, uneven group splits, inner
 * groups with head masks). Loops only; fine for toy sizes.
 */
export interface ReferenceAlbertInputs {
  /** `[batch, sequence]` ids. */
  readonly inputIds: readonly (readonly number[])[];
  /** `[batch, sequence]`, default ones. */
  readonly attentionMask?: readonly (readonly number[])[];
  /** `[batch, sequence]`, default zeros. */
  readonly tokenTypeIds?: readonly (readonly number[])[];
  /** `[batch, sequence]`, default `0..S-1`. */
  readonly positionIds?: readonly (readonly number[])[];
  /** `[num_hidden_layers, heads]`. */
  readonly headMask?: readonly (readonly number[])[];
}

/** Outputs of {@link referenceAlbertForward}, row-major float64. */
export interface ReferenceAlbertOutputs {
  /** `[B, S, H]`. */
  readonly lastHiddenState: Float64Array;
  /** L + 1 entries `[B, S, H]`. */
  readonly hiddenStates: Float64Array[];
  /** L × inner entries `[B, heads, S, S]`. */
  readonly attentions: Float64Array[];
  /** `[B, H]` when the weights have a pooler. */
  readonly poolerOutput?: Float64Array;
}

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const erfGelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
const tanhGelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** HF's `ACT2FN` formulas in float64. */
export function referenceActivation(name: HiddenAct, x: number): number {
  switch (name) {
    case 'gelu':
    case 'gelu_python':
      return erfGelu(x);
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_python_tanh':
    case 'gelu_accurate':
      return tanhGelu(x);
    case 'gelu_fast':
      return 0.5 * x * (1 + Math.tanh(x * 0.7978845608 * (1 + 0.044715 * x * x)));
    case 'gelu_10':
      return Math.min(Math.max(erfGelu(x), -10), 10);
    case 'quick_gelu':
      return x * sigmoid(1.702 * x);
    case 'laplace':
      return 0.5 * (1 + erf((x - 0.707107) / (0.282095 * Math.SQRT2)));
    case 'relu':
      return Math.max(x, 0);
    case 'relu2':
      return Math.max(x, 0) ** 2;
    case 'relu6':
      return Math.min(Math.max(x, 0), 6);
    case 'leaky_relu':
      return x >= 0 ? x : 0.01 * x;
    case 'hardswish':
      return (x * Math.min(Math.max(x + 3, 0), 6)) / 6;
    case 'silu':
    case 'swish':
      return x * sigmoid(x);
    case 'mish':
      return x * Math.tanh(Math.log1p(Math.exp(x)));
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return Math.tanh(x);
    case 'linear':
      return x;
    default:
      throw new Error(`no reference for ${String(name)}`);
  }
}

/** Runs the reference encoder. */
export function referenceAlbertForward(
  config: AlbertConfig,
  weights: AlbertGraphWeights,
  inputs: ReferenceAlbertInputs,
): ReferenceAlbertOutputs {
  const B = inputs.inputIds.length;
  const S = inputs.inputIds[0]?.length ?? 0;
  const { embeddingSize: E, hiddenSize: H, numAttentionHeads: heads, layerNormEps: eps } = config;
  const d = H / heads;
  const w = (key: string): Float32Array => weights.get(key).data;
  const rows = B * S;

  const layerNorm = (x: Float64Array, width: number, prefix: string): Float64Array => {
    const gamma = w(`${prefix}.weight`);
    const beta = w(`${prefix}.bias`);
    const out = new Float64Array(x.length);
    for (let row = 0; row < x.length / width; row += 1) {
      let mean = 0;
      for (let i = 0; i < width; i += 1) mean += x[row * width + i] as number;
      mean /= width;
      let variance = 0;
      for (let i = 0; i < width; i += 1) variance += ((x[row * width + i] as number) - mean) ** 2;
      variance /= width;
      for (let i = 0; i < width; i += 1)
        out[row * width + i] =
          (((x[row * width + i] as number) - mean) / Math.sqrt(variance + eps)) * (gamma[i] as number) +
          (beta[i] as number);
    }
    return out;
  };
  const linear = (x: Float64Array, inWidth: number, prefix: string): Float64Array => {
    const weight = weights.get(`${prefix}.weight`);
    const outWidth = weight.shape[0] as number;
    const bias = w(`${prefix}.bias`);
    const count = x.length / inWidth;
    const out = new Float64Array(count * outWidth);
    for (let row = 0; row < count; row += 1) {
      for (let o = 0; o < outWidth; o += 1) {
        let sum = bias[o] as number;
        for (let i = 0; i < inWidth; i += 1)
          sum += (x[row * inWidth + i] as number) * (weight.data[o * inWidth + i] as number);
        out[row * outWidth + o] = sum;
      }
    }
    return out;
  };
  const at = (matrix: readonly (readonly number[])[] | undefined, b: number, s: number, fallback: number): number =>
    matrix?.[b]?.[s] ?? fallback;

  // embeddings
  let x: Float64Array = new Float64Array(rows * E);
  const word = w('albert.embeddings.word_embeddings.weight');
  const type = w('albert.embeddings.token_type_embeddings.weight');
  const position = w('albert.embeddings.position_embeddings.weight');
  for (let b = 0; b < B; b += 1) {
    for (let s = 0; s < S; s += 1) {
      const id = at(inputs.inputIds, b, s, 0);
      const t = at(inputs.tokenTypeIds, b, s, 0);
      const p = at(inputs.positionIds, b, s, s);
      for (let e = 0; e < E; e += 1) {
        let value = (word[id * E + e] as number) + (type[t * E + e] as number);
        if (config.positionEmbeddingType === 'absolute') value += position[p * E + e] as number;
        x[(b * S + s) * E + e] = value;
      }
    }
  }
  x = layerNorm(x, E, 'albert.embeddings.LayerNorm');
  let h: Float64Array = linear(x, E, 'albert.encoder.embedding_hidden_mapping_in');
  const hiddenStates: Float64Array[] = [h];
  const attentions: Float64Array[] = [];
  const layersPerGroup = Math.trunc(config.numHiddenLayers / config.numHiddenGroups);

  const attention = (input: Float64Array, prefix: string, headMaskRow: readonly number[] | undefined): Float64Array => {
    const q = linear(input, H, `${prefix}.query`);
    const k = linear(input, H, `${prefix}.key`);
    const v = linear(input, H, `${prefix}.value`);
    const distance = config.positionEmbeddingType === 'absolute' ? undefined : w(`${prefix}.distance_embedding.weight`);
    const probabilities = new Float64Array(B * heads * S * S);
    const context = new Float64Array(rows * H);
    for (let b = 0; b < B; b += 1) {
      for (let head = 0; head < heads; head += 1) {
        for (let l = 0; l < S; l += 1) {
          const scores = new Float64Array(S);
          for (let r = 0; r < S; r += 1) {
            let dot = 0;
            for (let i = 0; i < d; i += 1)
              dot += (q[(b * S + l) * H + head * d + i] as number) * (k[(b * S + r) * H + head * d + i] as number);
            let score = dot / Math.sqrt(d);
            if (distance !== undefined) {
              const index = l - r + config.maxPositionEmbeddings - 1;
              let relative = 0;
              for (let i = 0; i < d; i += 1)
                relative += (q[(b * S + l) * H + head * d + i] as number) * (distance[index * d + i] as number);
              if (config.positionEmbeddingType === 'relative_key_query') {
                for (let i = 0; i < d; i += 1)
                  relative += (k[(b * S + r) * H + head * d + i] as number) * (distance[index * d + i] as number);
              }
              score += relative;
            }
            score += (1 - at(inputs.attentionMask, b, r, 1)) * -3.4028234663852886e38;
            scores[r] = score;
          }
          const max = Math.max(...scores);
          let sum = 0;
          for (let r = 0; r < S; r += 1) sum += Math.exp((scores[r] as number) - max);
          for (let r = 0; r < S; r += 1) {
            const p = (Math.exp((scores[r] as number) - max) / sum) * (headMaskRow?.[head] ?? 1);
            probabilities[((b * heads + head) * S + l) * S + r] = p;
            for (let i = 0; i < d; i += 1)
              context[(b * S + l) * H + head * d + i] =
                (context[(b * S + l) * H + head * d + i] as number) + p * (v[(b * S + r) * H + head * d + i] as number);
          }
        }
      }
    }
    attentions.push(probabilities);
    return linear(context, H, `${prefix}.dense`);
  };

  for (let layer = 0; layer < config.numHiddenLayers; layer += 1) {
    const group = config.groupIndexOfLayer(layer);
    for (let inner = 0; inner < config.innerGroupNum; inner += 1) {
      const prefix = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      const row = inputs.headMask?.[group * layersPerGroup + inner];
      const projected = attention(h, `${prefix}.attention`, row);
      const attended = layerNorm(
        h.map((value, index) => value + (projected[index] as number)),
        H,
        `${prefix}.attention.LayerNorm`,
      );
      const intermediate = linear(attended, H, `${prefix}.ffn`).map((value) =>
        referenceActivation(config.hiddenAct, value),
      );
      const output = linear(intermediate, config.intermediateSize, `${prefix}.ffn_output`);
      h = layerNorm(
        output.map((value, index) => value + (attended[index] as number)),
        H,
        `${prefix}.full_layer_layer_norm`,
      );
    }
    hiddenStates.push(h);
  }
  let poolerOutput: Float64Array | undefined;
  if (weights.has('albert.pooler.weight')) {
    const first = new Float64Array(B * H);
    for (let b = 0; b < B; b += 1) first.set(h.subarray(b * S * H, b * S * H + H), b * H);
    poolerOutput = linear(first, H, 'albert.pooler').map(Math.tanh);
  }
  return { lastHiddenState: h, hiddenStates, attentions, ...(poolerOutput === undefined ? {} : { poolerOutput }) };
}

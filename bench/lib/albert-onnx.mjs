// The benchmark's own ALBERT → ONNX builder (AlbertForMaskedLM). Two jobs:
//  1. the "standard export" peer: layer-copied, unfused, laid out the way torch.onnx/optimum emit it
//     (transposed MatMul weights, decomposed gelu_new, additive float mask) — what transformers.js loads;
//  2. a lab for graph flavours (fused com.microsoft ops, int8) measured before they go into core.
import { OnnxGraph, float } from './onnx-writer.mjs';

const FLOAT32_MIN = -3.4028234663852886e38;
const MS = { domain: 'com.microsoft' };

/** The default flavour: what a standard exporter emits. */
export const STANDARD_FLAVOUR = Object.freeze({
  shareLayers: false,
  attention: 'plain', // 'plain' | 'attention' (com.microsoft Attention) | 'mha' (MultiHeadAttention + attention_bias)
  skipLayerNorm: false,
  gelu: 'plain', // 'plain' (decomposed tanh formula) | 'fast' (com.microsoft FastGelu with bias)
  embedLayerNorm: false,
  quantize: 'none', // 'none' | 'dynamic-quantize-matmul' | 'matmul-integer'
  quantizeDecoder: false,
  outputs: ['logits'],
});

function transpose2d(data, rows, columns) {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < columns; c += 1) out[c * rows + r] = data[r * columns + c];
  }
  return out;
}

/** Symmetric per-output-column int8 quantization of a [K, N] matrix. */
export function quantizeColumns(data, rows, columns) {
  const scale = new Float32Array(columns);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < columns; c += 1) scale[c] = Math.max(scale[c], Math.abs(data[r * columns + c]));
  }
  for (let c = 0; c < columns; c += 1) scale[c] = scale[c] / 127 || 1;
  const quantized = new Int8Array(data.length);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < columns; c += 1) quantized[r * columns + c] = Math.round(data[r * columns + c] / scale[c]);
  }
  return { quantized, scale };
}

/**
 * Builds AlbertForMaskedLM as ONNX bytes from HF-named weights.
 * @returns {{ bytes: Uint8Array, inputNames: string[], outputNames: string[] }}
 */
export function buildAlbertOnnx(weights, config, flavourOverrides = {}) {
  const flavour = { ...STANDARD_FLAVOUR, ...flavourOverrides };
  const g = new OnnxGraph('albert');
  const { hidden_size: H, num_attention_heads: heads, embedding_size: E, vocab_size: V } = config;
  const headSize = H / heads;
  const eps = config.layer_norm_eps;
  const get = (key) => {
    const tensor = weights.get(key);
    if (!tensor) throw new Error(`missing weight ${key}`);
    return tensor;
  };
  const cache = new Map();
  const once = (key, make) => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key);
  };
  // Initializer for a weight; `copy` is the layer tag when layers are copied (a new initializer per layer).
  const param = (key, copy = '') =>
    once(`p:${key}${copy}`, () => g.initializer(`${key}${copy}`, 'float32', get(key).shape, get(key).data));
  const paramT = (key, copy = '') =>
    once(`t:${key}${copy}`, () => {
      const { shape, data } = get(key);
      return g.initializer(`${key}.T${copy}`, 'float32', [shape[1], shape[0]], transpose2d(data, shape[0], shape[1]));
    });

  const matmul = (x, key, copy, quantizable = true) => {
    if (flavour.quantize === 'none' || !quantizable) return g.node('MatMul', [x, paramT(key, copy)]);
    const names = once(`q:${key}${copy}`, () => {
      const { shape, data } = get(key);
      const { quantized, scale } = quantizeColumns(transpose2d(data, shape[0], shape[1]), shape[1], shape[0]);
      return {
        weight: g.initializer(`${key}.int8${copy}`, 'int8', [shape[1], shape[0]], quantized),
        scale: g.initializer(`${key}.scale${copy}`, 'float32', [shape[0]], scale),
        zero: g.initializer(`${key}.zero${copy}`, 'int8', [shape[0]], new Int8Array(shape[0])),
      };
    });
    if (flavour.quantize === 'dynamic-quantize-matmul') {
      return g.node('DynamicQuantizeMatMul', [x, names.weight, names.scale, names.zero], {}, MS);
    }
    // DynamicQuantizeLinear (uint8 activations) + MatMulIntegerToFloat.
    const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], {}, { outputCount: 3 });
    return g.node('MatMulIntegerToFloat', [xq, names.weight, xScale, names.scale, xZero, names.zero], {}, MS);
  };
  const linear = (x, prefix, copy, quantizable = true) =>
    g.node('Add', [matmul(x, `${prefix}.weight`, copy, quantizable), param(`${prefix}.bias`, copy)]);
  const layerNorm = (x, prefix, copy) =>
    g.node('LayerNormalization', [x, param(`${prefix}.weight`, copy), param(`${prefix}.bias`, copy)], {
      axis: -1,
      epsilon: float(eps),
    });
  const geluNew = (x) => {
    // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
    const cube = g.node('Pow', [x, g.scalar(3)]);
    const inner = g.node('Add', [x, g.node('Mul', [cube, g.scalar(0.044715)])]);
    const t = g.node('Tanh', [g.node('Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))])]);
    return g.node('Mul', [g.node('Mul', [x, g.scalar(0.5)]), g.node('Add', [t, g.scalar(1)])]);
  };
  const biasGelu = (x, prefix, copy, quantizable = true) =>
    flavour.gelu === 'fast'
      ? g.node('FastGelu', [matmul(x, `${prefix}.weight`, copy, quantizable), param(`${prefix}.bias`, copy)], {}, MS)
      : geluNew(linear(x, prefix, copy, quantizable));
  const residualLayerNorm = (x, prefix, residual, lnPrefix, copy) => {
    if (flavour.skipLayerNorm) {
      return g.node(
        'SkipLayerNormalization',
        [
          matmul(x, `${prefix}.weight`, copy),
          residual,
          param(`${lnPrefix}.weight`, copy),
          param(`${lnPrefix}.bias`, copy),
          param(`${prefix}.bias`, copy),
        ],
        { epsilon: float(eps) },
        MS,
      );
    }
    return layerNorm(g.node('Add', [linear(x, prefix, copy), residual]), lnPrefix, copy);
  };

  // Inputs.
  g.input('input_ids', 'int64', ['batch', 'sequence']);
  g.input('attention_mask', 'int64', ['batch', 'sequence']);
  g.input('token_type_ids', 'int64', ['batch', 'sequence']);

  // Embeddings (width E) → LayerNorm → E→H mapping.
  let embedded; // [batch, sequence, E]
  let maskInt32;
  if (flavour.embedLayerNorm) {
    const ids = g.node('Cast', ['input_ids'], { to: 6 });
    const types = g.node('Cast', ['token_type_ids'], { to: 6 });
    maskInt32 = g.node('Cast', ['attention_mask'], { to: 6 });
    [embedded] = g.node(
      'EmbedLayerNormalization',
      [
        ids,
        types,
        param('albert.embeddings.word_embeddings.weight'),
        param('albert.embeddings.position_embeddings.weight'),
        param('albert.embeddings.token_type_embeddings.weight'),
        param('albert.embeddings.LayerNorm.weight'),
        param('albert.embeddings.LayerNorm.bias'),
        maskInt32,
      ],
      { epsilon: float(eps) },
      { ...MS, outputCount: 2 },
    );
  } else {
    const words = g.node('Gather', [param('albert.embeddings.word_embeddings.weight'), 'input_ids'], { axis: 0 });
    const sequenceLength = g.node('Slice', [g.node('Shape', ['input_ids']), g.ints([1]), g.ints([2])]);
    const positionIds = g.node('Range', [
      g.constant('int64', [], [0]),
      g.node('Squeeze', [sequenceLength, g.ints([0])]),
      g.constant('int64', [], [1]),
    ]);
    const positions = g.node('Gather', [param('albert.embeddings.position_embeddings.weight'), positionIds], {
      axis: 0,
    });
    const types = g.node('Gather', [param('albert.embeddings.token_type_embeddings.weight'), 'token_type_ids'], {
      axis: 0,
    });
    embedded = layerNorm(g.node('Add', [g.node('Add', [words, types]), positions]), 'albert.embeddings.LayerNorm', '');
  }
  let hidden = linear(embedded, 'albert.encoder.embedding_hidden_mapping_in', ''); // [batch, sequence, H]

  // The additive mask HF builds: (1 - mask) · float32.min, [batch, 1, 1, sequence].
  let maskBias;
  if (flavour.attention === 'attention') {
    maskInt32 ??= g.node('Cast', ['attention_mask'], { to: 6 });
  } else {
    const maskFloat = g.node('Cast', ['attention_mask'], { to: 1 });
    maskBias = g.node('Mul', [g.node('Sub', [g.scalar(1), maskFloat]), g.scalar(FLOAT32_MIN)]);
    maskBias = g.node('Unsqueeze', [maskBias, g.ints([1, 2])]);
    if (flavour.attention === 'mha') {
      // MultiHeadAttention wants [batch, 1, sequence, sequence].
      const shape = g.node('Shape', ['attention_mask']);
      const s = g.node('Slice', [shape, g.ints([1]), g.ints([2])]);
      const b = g.node('Slice', [shape, g.ints([0]), g.ints([1])]);
      maskBias = g.node('Expand', [maskBias, g.node('Concat', [b, g.ints([1]), s, s], { axis: 0 })]);
    }
  }

  const layersPerGroup = config.num_hidden_layers / config.num_hidden_groups;
  for (let layer = 0; layer < config.num_hidden_layers; layer += 1) {
    const group = Math.trunc(layer / layersPerGroup);
    for (let inner = 0; inner < config.inner_group_num; inner += 1) {
      const copy = flavour.shareLayers ? '' : `.layer${layer}`;
      const p = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      let context; // [batch, sequence, H]
      if (flavour.attention === 'attention') {
        const packed = once(`qkv${p}${copy}`, () => {
          const weight = new Float32Array(H * 3 * H);
          const bias = new Float32Array(3 * H);
          ['query', 'key', 'value'].forEach((name, part) => {
            const w = get(`${p}.attention.${name}.weight`).data; // [out, in]
            for (let o = 0; o < H; o += 1)
              for (let i = 0; i < H; i += 1) weight[i * 3 * H + part * H + o] = w[o * H + i];
            bias.set(get(`${p}.attention.${name}.bias`).data, part * H);
          });
          return {
            weight: g.initializer(`${p}.attention.qkv.weight${copy}`, 'float32', [H, 3 * H], weight),
            bias: g.initializer(`${p}.attention.qkv.bias${copy}`, 'float32', [3 * H], bias),
          };
        });
        context = g.node(
          'Attention',
          [hidden, packed.weight, packed.bias, maskInt32],
          { num_heads: heads, mask_filter_value: float(FLOAT32_MIN) },
          MS,
        );
      } else if (flavour.attention === 'mha') {
        const q = linear(hidden, `${p}.attention.query`, copy);
        const k = linear(hidden, `${p}.attention.key`, copy);
        const v = linear(hidden, `${p}.attention.value`, copy);
        context = g.node('MultiHeadAttention', [q, k, v, '', '', maskBias], { num_heads: heads }, MS);
      } else {
        const split = (x) => g.node('Reshape', [x, g.ints([0, 0, heads, headSize])]); // [batch, sequence, heads, d]
        const q = g.node('Transpose', [split(linear(hidden, `${p}.attention.query`, copy))], { perm: [0, 2, 1, 3] });
        const k = g.node('Transpose', [split(linear(hidden, `${p}.attention.key`, copy))], { perm: [0, 2, 3, 1] });
        const v = g.node('Transpose', [split(linear(hidden, `${p}.attention.value`, copy))], { perm: [0, 2, 1, 3] });
        let scores = g.node('Div', [g.node('MatMul', [q, k]), g.scalar(Math.sqrt(headSize))]); // [batch, heads, sequence, sequence]
        scores = g.node('Add', [scores, maskBias]);
        const probabilities = g.node('Softmax', [scores], { axis: -1 });
        const merged = g.node('Transpose', [g.node('MatMul', [probabilities, v])], { perm: [0, 2, 1, 3] });
        context = g.node('Reshape', [merged, g.ints([0, 0, H])]);
      }
      const attended = residualLayerNorm(context, `${p}.attention.dense`, hidden, `${p}.attention.LayerNorm`, copy);
      const intermediate = biasGelu(attended, `${p}.ffn`, copy); // [batch, sequence, I]
      hidden = residualLayerNorm(intermediate, `${p}.ffn_output`, attended, `${p}.full_layer_layer_norm`, copy);
    }
  }

  const outputNames = [];
  if (flavour.outputs.includes('last_hidden_state')) {
    g.node('Identity', [hidden], {}, { outputs: ['last_hidden_state'] });
    g.output('last_hidden_state', 'float32', ['batch', 'sequence', H]);
    outputNames.push('last_hidden_state');
  }
  if (flavour.outputs.includes('logits')) {
    // MLM head: dense H→E, gelu_new, LayerNorm, decoder tied to the word embeddings (+ bias).
    const transformed = layerNorm(
      biasGelu(hidden, 'predictions.dense', '', flavour.quantizeDecoder),
      'predictions.LayerNorm',
      '',
    );
    const decoderWeight = once('decoder', () => {
      const { data } = get('albert.embeddings.word_embeddings.weight');
      return g.initializer('predictions.decoder.weight.T', 'float32', [E, V], transpose2d(data, V, E));
    });
    let decoded;
    if (flavour.quantize !== 'none' && flavour.quantizeDecoder) {
      weights.set('predictions.decoder.weight', get('albert.embeddings.word_embeddings.weight'));
      decoded = matmul(transformed, 'predictions.decoder.weight', '');
    } else {
      decoded = g.node('MatMul', [transformed, decoderWeight]);
    }
    g.node('Add', [decoded, param('predictions.bias')], {}, { outputs: ['logits'] });
    g.output('logits', 'float32', ['batch', 'sequence', V]);
    outputNames.push('logits');
  }
  return { bytes: g.toBytes(17), inputNames: ['input_ids', 'attention_mask', 'token_type_ids'], outputNames };
}

/** A single MatMul [M, K] × [K, N] model for the GEMM-rate measurement. */
export function buildMatMulOnnx(k, n, seed = 7) {
  const g = new OnnxGraph('gemm');
  const weight = new Float32Array(k * n);
  let state = seed;
  for (let i = 0; i < weight.length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    weight[i] = (state / 4294967296 - 0.5) * 0.1;
  }
  g.input('a', 'float32', ['m', k]);
  g.node('MatMul', ['a', g.initializer('b', 'float32', [k, n], weight)], {}, { outputs: ['y'] });
  g.output('y', 'float32', ['m', n]);
  return g.toBytes(17);
}

import { describe, expect, it } from 'vitest';
import { AlbertConfig, type HiddenAct } from '@albert-ts/config';
import { createTensor, type Tensor } from '../../tensor.js';
import { GraphBuilder, type GraphValue } from '../graph-builder.js';
import type { OnnxModelProto } from '../onnx-proto.js';
import { fusedLayerKernels, type FusedAttentionKind, type FusedLayerContext } from './fused-layer-kernels.js';
import { chooseFusedAttention, fusedLayerOperators } from './choose-fused-attention.js';

const H = 4;
const I = 6;
const PREFIX = 'albert.encoder.albert_layer_groups.0.albert_layers.0';

function layerWeights(): Map<string, Tensor<'float32'>> {
  const weights = new Map<string, Tensor<'float32'>>();
  let counter = 0;
  const make = (key: string, shape: number[]): void => {
    const size = shape.reduce((a, b) => a * b, 1);
    weights.set(key, createTensor('float32', shape, Float32Array.from({ length: size }, () => (counter += 1))));
  };
  for (const name of ['query', 'key', 'value', 'dense']) {
    make(`${PREFIX}.attention.${name}.weight`, [H, H]);
    make(`${PREFIX}.attention.${name}.bias`, [H]);
  }
  make(`${PREFIX}.attention.LayerNorm.weight`, [H]);
  make(`${PREFIX}.attention.LayerNorm.bias`, [H]);
  make(`${PREFIX}.ffn.weight`, [I, H]);
  make(`${PREFIX}.ffn.bias`, [I]);
  make(`${PREFIX}.ffn_output.weight`, [H, I]);
  make(`${PREFIX}.ffn_output.bias`, [H]);
  make(`${PREFIX}.full_layer_layer_norm.weight`, [H]);
  make(`${PREFIX}.full_layer_layer_norm.bias`, [H]);
  return weights;
}

/** Builds `layers` applications of one shared layer the way the model builder's encoder loop does. */
function build(kind: FusedAttentionKind, hiddenAct: HiddenAct, layers = 2): OnnxModelProto {
  const config = AlbertConfig.fromJSON({ hidden_size: H, num_attention_heads: 2, intermediate_size: I, embedding_size: 2, vocab_size: 10, num_hidden_layers: layers, hidden_act: hiddenAct });
  const weights = layerWeights();
  const g = new GraphBuilder('test');
  const x = g.input('x', 'float32', ['batch', 'sequence', H]);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const maskAdd = g.unsqueeze(g.mul(g.sub(g.float(1), g.cast(mask, 'float32')), g.float(-3.4028234663852886e38)), [1, 2]);
  const get = (key: string): Tensor<'float32'> => {
    const tensor = weights.get(key);
    if (tensor === undefined) throw new Error(`missing ${key}`);
    return tensor;
  };
  const weight = (key: string): GraphValue => g.weight(key, get(key));
  const transposedWeight = (key: string): GraphValue => g.derivedWeight(get(key), 'transposed', `${key}.transposed`, (t) => t);
  const context: FusedLayerContext = {
    g,
    config,
    linear: (value, prefix) => g.add(g.matMul(value, transposedWeight(`${prefix}.weight`)), weight(`${prefix}.bias`)),
    layerNorm: (value, prefix) => g.layerNorm(value, weight(`${prefix}.weight`), weight(`${prefix}.bias`), config.layerNormEps),
    maskAdd,
    headMask: undefined,
    relativeTable: undefined,
    relativeShape: undefined,
    get,
    weight,
    transposedWeight,
  };
  const kernels = fusedLayerKernels(context, kind);
  let hidden: GraphValue = x;
  for (let layer = 0; layer < layers; layer += 1) {
    const input = hidden;
    const attended = kernels.residualLayerNorm(kernels.selfAttention(input, `${PREFIX}.attention`, undefined).output, input, `${PREFIX}.attention.LayerNorm`);
    hidden = kernels.residualLayerNorm(kernels.feedForward(attended, PREFIX), attended, `${PREFIX}.full_layer_layer_norm`);
  }
  g.output(hidden, 'y', 'float32');
  return g.build({ producerVersion: 'test' });
}

describe('fusedLayerKernels', () => {
  it('emits Attention + SkipLayerNormalization (with the projection bias) + FastGelu for gelu_new; shared weights stored once', () => {
    const proto = build('attention', 'gelu_new');
    const ops = proto.graph.nodes.map((node) => node.opType);
    expect(ops.filter((op) => op === 'Attention')).toHaveLength(2);
    expect(ops.filter((op) => op === 'SkipLayerNormalization')).toHaveLength(4);
    expect(ops.filter((op) => op === 'FastGelu')).toHaveLength(2);
    expect(ops).not.toContain('Softmax');
    expect(ops).not.toContain('Add');
    for (const node of proto.graph.nodes.filter((n) => n.opType === 'SkipLayerNormalization')) expect(node.inputs).toHaveLength(5);
    const names = proto.graph.initializers.map((tensor) => tensor.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((name) => name.includes('qkv.weight.packed'))).toHaveLength(1);
    expect(proto.opsetImports).toContainEqual({ domain: 'com.microsoft', version: 1 });
    const attention = proto.graph.nodes.find((node) => node.opType === 'Attention');
    expect(attention?.domain).toBe('com.microsoft');
    expect(attention?.attributes['num_heads']).toEqual({ kind: 'int', value: 2 });
    expect(proto.graph.nodes.filter((node) => node.opType === 'Equal')).toHaveLength(1); // mask derived once
  });

  it('packs Q, K and V [out, in] weights into [in, 3·out] columns and concatenates the biases', () => {
    const proto = build('attention', 'gelu_new', 1);
    const weights = layerWeights();
    const packed = proto.graph.initializers.find((tensor) => tensor.name.endsWith('qkv.weight.packed'));
    const bias = proto.graph.initializers.find((tensor) => tensor.name.endsWith('qkv.bias.packed'));
    expect(packed?.dims).toEqual([H, 3 * H]);
    const values = new Float32Array(packed!.rawData.slice().buffer);
    ['query', 'key', 'value'].forEach((name, part) => {
      const w = weights.get(`${PREFIX}.attention.${name}.weight`)!.data;
      for (let o = 0; o < H; o += 1) for (let i = 0; i < H; i += 1) expect(values[i * 3 * H + part * H + o]).toBe(w[o * H + i]);
    });
    const biasValues = Array.from(new Float32Array(bias!.rawData.slice().buffer));
    const expected = ['query', 'key', 'value'].flatMap((name) => Array.from(weights.get(`${PREFIX}.attention.${name}.bias`)!.data));
    expect(biasValues).toEqual(expected);
  });

  it('uses MultiHeadAttention with a [batch, 1, S, S] attention_bias for the WebGPU kind, BiasGelu for erf gelu', () => {
    const proto = build('multi-head-attention', 'gelu');
    const mha = proto.graph.nodes.filter((node) => node.opType === 'MultiHeadAttention');
    expect(mha).toHaveLength(2);
    expect(mha[0]?.inputs).toHaveLength(6);
    expect(mha[0]?.inputs[5]).toMatch(/Expand/);
    expect(proto.graph.nodes.filter((node) => node.opType === 'BiasGelu')).toHaveLength(2);
  });

  it('keeps activations without a fused operator as plain ops', () => {
    const ops = build('attention', 'relu', 1).graph.nodes.map((node) => node.opType);
    expect(ops).toContain('Relu');
    expect(ops).not.toContain('FastGelu');
  });
});

describe('chooseFusedAttention', () => {
  const operators = ['Attention', 'MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu', 'BiasGelu'];
  const cpu = { name: 'node-cpu', capabilities: { contribOperators: operators, float16: false } };
  const webgpu = { name: 'webgpu', capabilities: { contribOperators: operators, float16: true } };
  const webgpuWithoutBiasGelu = { name: 'node-webgpu', capabilities: { contribOperators: ['Attention', 'MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu'], float16: true } };
  const limited = { name: 'wasm', capabilities: { contribOperators: ['MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu'], float16: false } };
  const absolute = { positionEmbeddingType: 'absolute', hiddenAct: 'gelu_new' } as const;
  it('prefers the packed Attention on CPU/WASM, MultiHeadAttention on WebGPU', () => {
    expect(chooseFusedAttention(cpu, 'auto', absolute).kind).toBe('attention');
    expect(chooseFusedAttention(webgpu, 'auto', absolute).kind).toBe('multi-head-attention');
    expect(chooseFusedAttention(limited, 'auto', absolute).kind).toBe('multi-head-attention');
    expect(chooseFusedAttention({ name: 'x', capabilities: { contribOperators: [], float16: false } }, 'auto', absolute)).toMatchObject({ kind: null });
  });
  it('falls back to plain with a reason when the graph needs what fused ops cannot give', () => {
    expect(chooseFusedAttention(cpu, 'plain', absolute).kind).toBeNull();
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, positionEmbeddingType: 'relative_key' }).reason).toMatch(/relative_key/);
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, headMask: true }).kind).toBeNull();
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, outputAttentions: true }).kind).toBeNull();
    expect(chooseFusedAttention(webgpuWithoutBiasGelu, 'auto', { ...absolute, hiddenAct: 'gelu' }).reason).toMatch(/BiasGelu/);
    expect(chooseFusedAttention(webgpuWithoutBiasGelu, 'auto', { ...absolute, hiddenAct: 'relu' }).kind).toBe('multi-head-attention');
  });
  it('lists the operators a fused layer emits', () => {
    expect(fusedLayerOperators('attention', 'gelu_new')).toEqual(['Attention', 'SkipLayerNormalization', 'FastGelu']);
    expect(fusedLayerOperators('multi-head-attention', 'relu')).toEqual(['MultiHeadAttention', 'SkipLayerNormalization']);
  });
});

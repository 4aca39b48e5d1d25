import { describe, expect, it } from 'vitest';
import { createTensor, type Tensor } from '../../tensor.js';
import { GraphBuilder, type GraphValue } from '../graph-builder.js';
import { fusedAlbertLayer, fusedAttentionMask, type FusedAttentionKind, type FusedLayerContext } from './fused-albert-layer.js';
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

function build(kind: FusedAttentionKind, activation: FusedLayerContext['activation'], layers = 2) {
  const weights = layerWeights();
  const g = new GraphBuilder('test');
  const x = g.input('x', 'float32', ['batch', 'sequence', H]);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const additive = g.unsqueeze(g.mul(g.sub(g.float(1), g.cast(mask, 'float32')), g.float(-3.4028234663852886e38)), [1, 2]);
  const get = (key: string): Tensor<'float32'> => {
    const tensor = weights.get(key);
    if (tensor === undefined) throw new Error(`missing ${key}`);
    return tensor;
  };
  const context: FusedLayerContext = {
    g,
    get,
    weight: (key) => g.weight(key, get(key)),
    kernel: (key) => g.derivedWeight(get(key), 'transposed', `${key}.transposed`, (t) => t),
    heads: 2,
    hiddenSize: H,
    epsilon: 1e-12,
    activation,
    mask: fusedAttentionMask(g, kind, mask, additive),
  };
  let hidden: GraphValue = x;
  for (let layer = 0; layer < layers; layer += 1) hidden = g.within(`layer_${layer}`, () => fusedAlbertLayer(context, hidden, PREFIX));
  g.output(hidden, 'y', 'float32');
  return g.build({ producerVersion: 'test' });
}

describe('fusedAlbertLayer', () => {
  it('emits Attention + SkipLayerNormalization + FastGelu for gelu_new, with shared weights stored once', () => {
    const proto = build('attention', 'gelu_new');
    const ops = proto.graph.nodes.map((node) => node.opType);
    expect(ops.filter((op) => op === 'Attention')).toHaveLength(2);
    expect(ops.filter((op) => op === 'SkipLayerNormalization')).toHaveLength(4);
    expect(ops.filter((op) => op === 'FastGelu')).toHaveLength(2);
    expect(ops).not.toContain('Softmax');
    const names = proto.graph.initializers.map((tensor) => tensor.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((name) => name.includes('qkv.weight.packed'))).toHaveLength(1);
    expect(proto.opsetImports).toContainEqual({ domain: 'com.microsoft', version: 1 });
    const attention = proto.graph.nodes.find((node) => node.opType === 'Attention');
    expect(attention?.domain).toBe('com.microsoft');
    expect(attention?.attributes['num_heads']).toEqual({ kind: 'int', value: 2 });
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
    const proto = build('attention', 'relu', 1);
    const ops = proto.graph.nodes.map((node) => node.opType);
    expect(ops).toContain('Relu');
    expect(ops).not.toContain('FastGelu');
  });
});

describe('chooseFusedAttention', () => {
  const cpu = { contribOperators: ['Attention', 'MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu', 'BiasGelu'], float16: false };
  const webgpu = { contribOperators: ['MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu'], float16: true };
  const absolute = { positionEmbeddingType: 'absolute', hiddenAct: 'gelu_new' } as const;
  it('prefers the packed Attention where the backend lists it, else MultiHeadAttention', () => {
    expect(chooseFusedAttention(cpu, 'auto', absolute).kind).toBe('attention');
    expect(chooseFusedAttention(webgpu, 'auto', absolute).kind).toBe('multi-head-attention');
    expect(chooseFusedAttention({ contribOperators: [], float16: false }, 'auto', absolute)).toMatchObject({ kind: null });
  });
  it('falls back to plain with a reason when the graph needs what fused ops cannot give', () => {
    expect(chooseFusedAttention(cpu, 'plain', absolute).kind).toBeNull();
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, positionEmbeddingType: 'relative_key' }).reason).toMatch(/relative_key/);
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, headMask: true }).kind).toBeNull();
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, outputAttentions: true }).kind).toBeNull();
    expect(chooseFusedAttention(webgpu, 'auto', { ...absolute, hiddenAct: 'gelu' }).kind).toBeNull();
  });
  it('lists the operators a fused layer emits', () => {
    expect(fusedLayerOperators('attention', 'gelu_new')).toEqual(['Attention', 'SkipLayerNormalization', 'FastGelu']);
    expect(fusedLayerOperators('multi-head-attention', 'relu')).toEqual(['MultiHeadAttention', 'SkipLayerNormalization']);
  });
});

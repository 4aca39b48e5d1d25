import { describe, expect, it } from 'vitest';
import { AlbertConfig, type HiddenAct } from '@albert-ts/config';
import { createTensor, type Tensor } from '../../tensor.js';
import { GraphBuilder, type GraphValue } from '../graph-builder.js';
import type { OnnxModelProto } from '../onnx-proto.js';
import type { AlbertLayerContext } from '../albert-layer-kernels.js';
import { fusedLayerKernels, type FusedAttentionKind } from './fused-layer-kernels.js';
import { chooseFusedAttention, fusedLayerOperators } from './choose-fused-attention.js';

const H = 4;
const I = 6;
const PREFIX = 'albert.encoder.albert_layer_groups.0.albert_layers.0';

function layerWeights(): Map<string, Tensor<'float32'>> {
  const weights = new Map<string, Tensor<'float32'>>();
  let counter = 0;
  const make = (key: string, shape: number[]): void => {
    const size = shape.reduce((a, b) => a * b, 1);
    weights.set(
      key,
      createTensor(
        'float32',
        shape,
        Float32Array.from({ length: size }, () => (counter += 1)),
      ),
    );
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
function build(
  kind: FusedAttentionKind,
  hiddenAct: HiddenAct,
  layers = 2,
  outputAttentions = false,
  skipLayerNormalization = true,
): OnnxModelProto {
  const config = AlbertConfig.fromJSON({
    hidden_size: H,
    num_attention_heads: 2,
    intermediate_size: I,
    embedding_size: 2,
    vocab_size: 10,
    num_hidden_layers: layers,
    hidden_act: hiddenAct,
  });
  const weights = layerWeights();
  const g = new GraphBuilder('test');
  const x = g.input('x', 'float32', ['batch', 'sequence', H]);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const maskAdd = g.unsqueeze(
    g.mul(g.sub(g.float(1), g.cast(mask, 'float32')), g.float(-3.4028234663852886e38)),
    [1, 2],
  );
  const get = (key: string): Tensor<'float32'> => {
    const tensor = weights.get(key);
    if (tensor === undefined) throw new Error(`missing ${key}`);
    return tensor;
  };
  const weight = (key: string): GraphValue => g.weight(key, get(key));
  const linearKernel = (prefix: string): GraphValue =>
    g.derivedWeight(get(`${prefix}.weight`), 'transposed', `${prefix}.weight.transposed`, (t) => t);
  const context: AlbertLayerContext = {
    g,
    config,
    linear: (value, prefix) => g.add(g.matMul(value, linearKernel(prefix)), weight(`${prefix}.bias`)),
    weight,
    linearKernel,
    layerNorm: (value, prefix) =>
      g.layerNorm(value, weight(`${prefix}.weight`), weight(`${prefix}.bias`), config.layerNormEps),
    maskAdd,
    headMask: undefined,
    relativeTable: undefined,
    relativeShape: undefined,
    outputAttentions,
  };
  const kernels = fusedLayerKernels(context, kind, { skipLayerNormalization });
  let hidden: GraphValue = x;
  for (let layer = 0; layer < layers; layer += 1) {
    const input = hidden;
    const attended = kernels.residualLayerNorm(
      kernels.selfAttention(input, `${PREFIX}.attention`, undefined).output,
      input,
      `${PREFIX}.attention.LayerNorm`,
    );
    hidden = kernels.residualLayerNorm(
      kernels.feedForward(attended, PREFIX),
      attended,
      `${PREFIX}.full_layer_layer_norm`,
    );
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
    for (const node of proto.graph.nodes.filter((n) => n.opType === 'SkipLayerNormalization'))
      expect(node.inputs).toHaveLength(5);
    const names = proto.graph.initializers.map((tensor) => tensor.name);
    expect(new Set(names).size).toBe(names.length);
    expect(proto.opsetImports).toContainEqual({ domain: 'com.microsoft', version: 1 });
    const attention = proto.graph.nodes.find((node) => node.opType === 'Attention');
    expect(attention?.domain).toBe('com.microsoft');
    expect(attention?.attributes['num_heads']).toEqual({ kind: 'int', value: 2 });
    expect(proto.graph.nodes.filter((node) => node.opType === 'Equal')).toHaveLength(1); // mask derived once
  });

  it('packs Q, K and V by concatenating the stored kernels (no packed copy in the file)', () => {
    const proto = build('attention', 'gelu_new', 1);
    const attention = proto.graph.nodes.find((node) => node.opType === 'Attention');
    const packed = proto.graph.nodes.find((node) => node.outputs[0] === attention?.inputs[1]);
    expect(packed?.opType).toBe('Concat');
    expect(packed?.inputs).toEqual(
      ['query', 'key', 'value'].map((name) => `${PREFIX}.attention.${name}.weight.transposed`),
    );
    expect(packed?.attributes['axis']).toEqual({ kind: 'int', value: 1 });
    expect(proto.graph.initializers.every((tensor) => !tensor.name.includes('packed'))).toBe(true);
  });

  it('falls back to the plain attention where probabilities are outputs', () => {
    const ops = build('attention', 'gelu_new', 1, true).graph.nodes.map((node) => node.opType);
    expect(ops).toContain('Softmax');
    expect(ops).not.toContain('Attention');
    expect(ops).toContain('SkipLayerNormalization');
  });

  it('uses MultiHeadAttention with a [batch, 1, S, S] attention_bias for the WebGPU kind, BiasGelu for erf gelu', () => {
    const proto = build('multi-head-attention', 'gelu');
    const mha = proto.graph.nodes.filter((node) => node.opType === 'MultiHeadAttention');
    expect(mha).toHaveLength(2);
    expect(mha[0]?.inputs).toHaveLength(6);
    expect(mha[0]?.inputs[5]).toMatch(/Expand/);
    expect(proto.graph.nodes.filter((node) => node.opType === 'BiasGelu')).toHaveLength(2);
  });

  it('keeps residual Add + LayerNormalization when SkipLayerNormalization is off', () => {
    const ops = build('attention', 'gelu_new', 2, false, false).graph.nodes.map((node) => node.opType);
    expect(ops).not.toContain('SkipLayerNormalization');
    expect(ops.filter((op) => op === 'LayerNormalization')).toHaveLength(4);
    expect(ops.filter((op) => op === 'Attention')).toHaveLength(2);
    expect(ops.filter((op) => op === 'FastGelu')).toHaveLength(2);
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
  const webgpuWithoutBiasGelu = {
    name: 'node-webgpu',
    capabilities: {
      contribOperators: ['Attention', 'MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu'],
      float16: true,
    },
  };
  const limited = {
    name: 'wasm',
    capabilities: { contribOperators: ['MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu'], float16: false },
  };
  const absolute = { positionEmbeddingType: 'absolute', hiddenAct: 'gelu_new' } as const;
  it('prefers the packed Attention on CPU/WASM, MultiHeadAttention on WebGPU', () => {
    expect(chooseFusedAttention(cpu, 'auto', absolute).kind).toBe('attention');
    expect(chooseFusedAttention(webgpu, 'auto', absolute).kind).toBe('multi-head-attention');
    expect(chooseFusedAttention(limited, 'auto', absolute).kind).toBe('multi-head-attention');
    expect(
      chooseFusedAttention({ name: 'x', capabilities: { contribOperators: [], float16: false } }, 'auto', absolute),
    ).toMatchObject({ kind: null });
  });
  it('falls back to plain with a reason when the graph needs what fused ops cannot give', () => {
    expect(chooseFusedAttention(cpu, 'plain', absolute).kind).toBeNull();
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, positionEmbeddingType: 'relative_key' }).reason).toMatch(
      /relative_key/,
    );
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, headMask: true }).kind).toBeNull();
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, outputAttentions: true }).kind).toBeNull();
    expect(chooseFusedAttention(webgpuWithoutBiasGelu, 'auto', { ...absolute, hiddenAct: 'gelu' }).reason).toMatch(
      /BiasGelu/,
    );
    expect(chooseFusedAttention(webgpuWithoutBiasGelu, 'auto', { ...absolute, hiddenAct: 'relu' }).kind).toBe(
      'multi-head-attention',
    );
  });
  it('lists the operators a fused layer needs (SkipLayerNormalization is optional)', () => {
    expect(fusedLayerOperators('attention', 'gelu_new')).toEqual(['Attention', 'FastGelu']);
    expect(fusedLayerOperators('multi-head-attention', 'relu')).toEqual(['MultiHeadAttention']);
  });
  it('keeps Q, K and V as separate (quantizable) MatMuls for int8 graphs', () => {
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, precision: 'int8' }).kind).toBe('multi-head-attention');
    expect(chooseFusedAttention(cpu, 'auto', { ...absolute, precision: 'float32' }).kind).toBe('attention');
  });
  it('uses SkipLayerNormalization only where the backend lists it', () => {
    expect(chooseFusedAttention(cpu, 'auto', absolute).skipLayerNormalization).toBe(true);
    const withoutSkip = {
      name: 'node-cpu',
      capabilities: { contribOperators: ['Attention', 'FastGelu'], float16: false },
    };
    expect(chooseFusedAttention(withoutSkip, 'auto', absolute)).toMatchObject({
      kind: 'attention',
      skipLayerNormalization: false,
    });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import { readSafetensors } from '../checkpoint/read-safetensors.js';
import { resolveAlbertWeights } from '../checkpoint/resolve-albert-weights.js';
import { createTensor, type Tensor } from '../tensor.js';
import { buildAlbertGraph, buildAlbertModelProto, type AlbertGraphWeights } from './albert-graph.js';
import { GraphError } from './graph-error.js';

const repository = new URL('../../../../', import.meta.url);

function loadFixture(directory: string) {
  const config = AlbertConfig.parse(readFileSync(new URL(`${directory}/config.json`, repository), 'utf8'));
  const bytes = readFileSync(new URL(`${directory}/model.safetensors`, repository));
  const weights = resolveAlbertWeights(
    config,
    readSafetensors(new Uint8Array(bytes), 'model.safetensors'),
    'AlbertForPreTraining',
    { file: 'model.safetensors' },
  );
  return { config, weights, checkpointBytes: bytes.byteLength };
}

/** Random weights for every key the graph asks for, with the shapes HF uses. */
function syntheticWeights(config: AlbertConfig): AlbertGraphWeights & { totalBytes: number } {
  const tensors = new Map<string, Tensor<'float32'>>();
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.04;
  const add = (key: string, shape: number[]) =>
    tensors.set(
      key,
      createTensor('float32', shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, random)),
    );
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, intermediateSize: I } = config;
  add('albert.embeddings.word_embeddings.weight', [V, E]);
  add('albert.embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, E]);
  add('albert.embeddings.token_type_embeddings.weight', [config.typeVocabSize, E]);
  for (const part of ['weight', 'bias']) add(`albert.embeddings.LayerNorm.${part}`, [E]);
  add('albert.encoder.embedding_hidden_mapping_in.weight', [H, E]);
  add('albert.encoder.embedding_hidden_mapping_in.bias', [H]);
  for (let group = 0; group < config.numHiddenGroups; group += 1) {
    for (let inner = 0; inner < config.innerGroupNum; inner += 1) {
      const prefix = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      for (const name of ['query', 'key', 'value', 'dense']) {
        add(`${prefix}.attention.${name}.weight`, [H, H]);
        add(`${prefix}.attention.${name}.bias`, [H]);
      }
      for (const part of ['weight', 'bias']) {
        add(`${prefix}.attention.LayerNorm.${part}`, [H]);
        add(`${prefix}.full_layer_layer_norm.${part}`, [H]);
      }
      add(`${prefix}.ffn.weight`, [I, H]);
      add(`${prefix}.ffn.bias`, [I]);
      add(`${prefix}.ffn_output.weight`, [H, I]);
      add(`${prefix}.ffn_output.bias`, [H]);
    }
  }
  add('albert.pooler.weight', [H, H]);
  add('albert.pooler.bias', [H]);
  let totalBytes = 0;
  for (const tensor of tensors.values()) totalBytes += tensor.data.byteLength;
  return { get: (key) => tensors.get(key) as Tensor<'float32'>, has: (key) => tensors.has(key), totalBytes };
}

describe('buildAlbertGraph', () => {
  it('stores each shared weight once: the demo model (6 layers sharing one group) is about its checkpoint size', () => {
    const { config, weights, checkpointBytes } = loadFixture('apps/cli/demo-model');
    const graph = buildAlbertGraph(config, weights, { head: 'AlbertForPreTraining' });
    const ratio = graph.bytes.byteLength / checkpointBytes;
    console.log(
      `demo model: ONNX ${graph.bytes.byteLength} bytes, checkpoint ${checkpointBytes} bytes, ratio ${ratio.toFixed(4)}`,
    );
    expect(ratio).toBeLessThanOrEqual(1.05);
    expect(ratio).toBeGreaterThan(0.95);
  });

  it('stores each shared weight once: 12 layers of one shared group', () => {
    const config = AlbertConfig.fromJSON({
      vocab_size: 3000,
      embedding_size: 64,
      hidden_size: 256,
      num_attention_heads: 4,
      intermediate_size: 1024,
      num_hidden_layers: 12,
      num_hidden_groups: 1,
    });
    const weights = syntheticWeights(config);
    const graph = buildAlbertGraph(config, weights, {
      head: 'AlbertModel',
      outputHiddenStates: true,
      outputAttentions: true,
    });
    const ratio = graph.bytes.byteLength / weights.totalBytes;
    console.log(
      `12 layers × 1 group: ONNX ${graph.bytes.byteLength} bytes, weights ${weights.totalBytes} bytes, ratio ${ratio.toFixed(4)}`,
    );
    expect(ratio).toBeLessThanOrEqual(1.05);
  });

  it('albert-base-v2 (12 layers sharing one group, 11.7M parameters): ONNX ≤ 1.05 × the weights', () => {
    const config = AlbertConfig.preset('albert-base-v2');
    const weights = syntheticWeights(config);
    const started = performance.now();
    const graph = buildAlbertGraph(config, weights, { head: 'AlbertModel' });
    const ratio = graph.bytes.byteLength / weights.totalBytes;
    console.log(
      `albert-base-v2: ONNX ${graph.bytes.byteLength} bytes, weights ${weights.totalBytes} bytes, ratio ${ratio.toFixed(4)}, built in ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(ratio).toBeLessThanOrEqual(1.05);
  });

  it('references one initializer per (group, inner layer) from every layer that uses it', () => {
    const { config, weights } = loadFixture('fixtures/models/grouped');
    const { proto } = buildAlbertModelProto(config, weights, { head: 'AlbertModel' });
    const names = proto.graph.initializers.map((initializer) => initializer.name);
    expect(new Set(names).size).toBe(names.length);
    const queryKernels = names.filter((name) => name.endsWith('attention.query.weight.transposed'));
    expect(queryKernels.length).toBe(config.numHiddenGroups * config.innerGroupNum); // 3 × 2, not 6 × 2
    const uses = proto.graph.nodes.filter((node) =>
      node.inputs.includes('albert.encoder.albert_layer_groups.1.albert_layers.0.attention.query.weight.transposed'),
    );
    expect(uses.length).toBe(2); // layers 2 and 3 run group 1
  });

  it('rejects a head mask row outside the group rows, as HF does', () => {
    const { config, weights } = loadFixture('fixtures/models/grouped');
    const uneven = config.with({ numHiddenLayers: 3, numHiddenGroups: 3, innerGroupNum: 2 });
    expect(() => buildAlbertGraph(uneven, weights, { head: 'AlbertModel', headMask: true })).toThrow(GraphError);
  });

  it('names the missing weight of a head', () => {
    const { config, weights } = loadFixture('fixtures/models/tiny');
    expect(() => buildAlbertGraph(config, weights, { head: 'AlbertForQuestionAnswering' })).toThrow(
      /qa_outputs\.weight/,
    );
  });

  it('the fused flavour uses com.microsoft operators, and plain attention where they cannot match HF', () => {
    const { config, weights } = loadFixture('fixtures/models/tiny');
    const fused = buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM', flavour: 'fused' }).proto;
    const opTypes = new Set(fused.graph.nodes.map((node) => node.opType));
    for (const opType of ['MultiHeadAttention', 'SkipLayerNormalization', 'FastGelu'])
      expect(opTypes).toContain(opType);
    const packed = buildAlbertModelProto(config, weights, {
      head: 'AlbertForMaskedLM',
      flavour: 'fused',
      fusedAttention: 'attention',
    }).proto;
    expect(packed.graph.nodes.some((node) => node.opType === 'Attention')).toBe(true);
    expect(opTypes).not.toContain('Softmax');
    expect(fused.opsetImports).toContainEqual({ domain: 'com.microsoft', version: 1 });
    const withAttentions = buildAlbertModelProto(config, weights, {
      head: 'AlbertForMaskedLM',
      flavour: 'fused',
      outputAttentions: true,
    }).proto;
    expect(withAttentions.graph.nodes.some((node) => node.opType === 'MultiHeadAttention')).toBe(false);
    const plain = buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM' }).proto;
    expect(plain.graph.nodes.every((node) => node.domain === '')).toBe(true);
    expect(plain.opsetImports).toEqual([{ domain: '', version: 17 }]);
  });
});

describe('graph precision', () => {
  it('int8 quantizes the MatMuls and float16 casts at the edges, keeping float32 inputs and outputs', () => {
    const { config, weights } = loadFixture('apps/cli/demo-model');
    const float32 = buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM' }).proto;
    const int8 = buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM', precision: 'int8' }).proto;
    const float16 = buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM', precision: 'float16' }).proto;
    expect(float32.graph.nodes.some((node) => node.opType === 'DynamicQuantizeMatMul')).toBe(false);
    expect(int8.graph.nodes.filter((node) => node.opType === 'DynamicQuantizeMatMul').length).toBeGreaterThan(0);
    expect(
      int8.graph.nodes.some(
        (node) =>
          node.opType === 'MatMul' &&
          node.inputs[1] === 'albert.encoder.albert_layer_groups.0.albert_layers.0.attention.query.weight',
      ),
    ).toBe(false);
    expect(int8.graph.initializers.some((tensor) => tensor.elementType === 'int8')).toBe(true);
    // the MLM decoder: one float32 [E + 1, V] table in float32; in int8 a quantized linear with its bias folded in
    const initializerNames = (proto: typeof int8) => proto.graph.initializers.map((tensor) => tensor.name);
    expect(initializerNames(float32)).toContain('predictions.decoder.table');
    expect(initializerNames(int8)).not.toContain('predictions.decoder.table');
    const identity = int8.graph.nodes.find((node) => node.outputs.includes('logits'))!; // graph outputs are Identity nodes
    const logits = int8.graph.nodes.find((node) => node.outputs.includes(identity.inputs[0]!))!;
    expect(logits.opType).toBe('DynamicQuantizeMatMul');
    expect(logits.inputs[4]).toBe('predictions.decoder.bias');
    expect(
      int8.graph.nodes.filter((node) => node.opType === 'Add' && node.inputs.some((input) => input.endsWith('.bias'))),
    ).toHaveLength(0);
    expect(float16.graph.initializers.every((tensor) => tensor.elementType !== 'float32')).toBe(true);
    for (const proto of [int8, float16]) {
      expect(proto.graph.inputs).toEqual(float32.graph.inputs);
      expect(proto.graph.outputs).toEqual(float32.graph.outputs);
    }
    expect(() =>
      buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM', precision: 'bfloat16' as 'float16' }),
    ).toThrow(GraphError);
  });
});

/**
 * Test support for the cross-backend consistency tests: a randomized ALBERT (albert-base-like
 * structure, small widths) generated from a seed, and inputs that the tiny reference fixtures do not
 * cover (long sequences, batch 16, an all-padding row, mixed token types). Backends are compared with
 * onnxruntime-node `cpu` on it. Browser-safe (no Node APIs).
 */
import { AlbertConfig } from '@albert-ts/config';
import {
  buildAlbertGraph,
  chooseFusedAttention,
  createTensor,
  type AlbertGraph,
  type AlbertHeadName,
  type Backend,
  type Tensor,
} from '@albert-ts/core';

/** The randomized model's config: H=128, 4 heads, E=64, L=4 layers in G=2 groups, I=256, V=2000. */
export const CONSISTENCY_CONFIG_JSON = {
  vocab_size: 2000,
  embedding_size: 64,
  hidden_size: 128,
  num_hidden_layers: 4,
  num_hidden_groups: 2,
  inner_group_num: 1,
  num_attention_heads: 4,
  intermediate_size: 256,
  hidden_act: 'gelu_new',
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  position_embedding_type: 'absolute',
  architectures: ['AlbertForPreTraining'],
} as const;

/** The seed of the weights and inputs. */
export const CONSISTENCY_SEED = 20_261_126;

/** A deterministic PRNG (mulberry32): uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Weights by canonical key, with `get`/`has` as the graph builder expects. */
export interface RandomWeights {
  get(key: string): Tensor<'float32'>;
  has(key: string): boolean;
}

/** Random AlbertForPreTraining weights: normal(0, 0.05) matrices, LayerNorm weights near 1, small biases. */
export function randomAlbertWeights(config: AlbertConfig, seed: number): RandomWeights {
  const random = seededRandom(seed);
  const normal = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const weights = new Map<string, Tensor<'float32'>>();
  const add = (key: string, shape: number[], kind: 'matrix' | 'bias' | 'norm'): void => {
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    const data = new Float32Array(size);
    for (let index = 0; index < size; index += 1) {
      data[index] = kind === 'matrix' ? normal() * 0.05 : kind === 'bias' ? normal() * 0.02 : 1 + normal() * 0.05;
    }
    weights.set(key, createTensor('float32', shape, data));
  };
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, intermediateSize: I } = config;
  add('albert.embeddings.word_embeddings.weight', [V, E], 'matrix');
  add('albert.embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, E], 'matrix');
  add('albert.embeddings.token_type_embeddings.weight', [config.typeVocabSize, E], 'matrix');
  add('albert.embeddings.LayerNorm.weight', [E], 'norm');
  add('albert.embeddings.LayerNorm.bias', [E], 'bias');
  add('albert.encoder.embedding_hidden_mapping_in.weight', [H, E], 'matrix');
  add('albert.encoder.embedding_hidden_mapping_in.bias', [H], 'bias');
  for (let group = 0; group < config.numHiddenGroups; group += 1) {
    for (let inner = 0; inner < config.innerGroupNum; inner += 1) {
      const prefix = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      for (const projection of ['query', 'key', 'value', 'dense']) {
        add(`${prefix}.attention.${projection}.weight`, [H, H], 'matrix');
        add(`${prefix}.attention.${projection}.bias`, [H], 'bias');
      }
      add(`${prefix}.attention.LayerNorm.weight`, [H], 'norm');
      add(`${prefix}.attention.LayerNorm.bias`, [H], 'bias');
      add(`${prefix}.ffn.weight`, [I, H], 'matrix');
      add(`${prefix}.ffn.bias`, [I], 'bias');
      add(`${prefix}.ffn_output.weight`, [H, I], 'matrix');
      add(`${prefix}.ffn_output.bias`, [H], 'bias');
      add(`${prefix}.full_layer_layer_norm.weight`, [H], 'norm');
      add(`${prefix}.full_layer_layer_norm.bias`, [H], 'bias');
    }
  }
  add('albert.pooler.weight', [H, H], 'matrix');
  add('albert.pooler.bias', [H], 'bias');
  add('predictions.dense.weight', [E, H], 'matrix');
  add('predictions.dense.bias', [E], 'bias');
  add('predictions.LayerNorm.weight', [E], 'norm');
  add('predictions.LayerNorm.bias', [E], 'bias');
  add('predictions.bias', [V], 'bias');
  add('sop_classifier.classifier.weight', [2, H], 'matrix');
  add('sop_classifier.classifier.bias', [2], 'bias');
  // tied, as the checkpoint resolver does
  weights.set(
    'predictions.decoder.weight',
    weights.get('albert.embeddings.word_embeddings.weight') as Tensor<'float32'>,
  );
  weights.set('predictions.decoder.bias', weights.get('predictions.bias') as Tensor<'float32'>);
  return {
    get(key) {
      const tensor = weights.get(key);
      if (tensor === undefined) throw new Error(`random weights have no ${key}`);
      return tensor;
    },
    has: (key) => weights.has(key),
  };
}

/** One consistency case: a head, and its four int64 inputs. */
export interface ConsistencyCase {
  readonly name: string;
  readonly head: AlbertHeadName;
  readonly feeds: Readonly<Record<string, Tensor>>;
}

/** The graph flavours the consistency tests run: plain ONNX, and fused as core would pick it for the backend. */
export type ConsistencyFlavour = 'plain' | 'fused';

/**
 * Builds the graph of `head` for the randomized model: plain, or (for `backend`) fused with the
 * attention operator core's `chooseFusedAttention` picks for it. `undefined` when the backend has no
 * fused flavour.
 */
export function buildConsistencyGraph(
  head: AlbertHeadName,
  flavour: ConsistencyFlavour = 'plain',
  backend?: Pick<Backend, 'name' | 'capabilities'>,
): AlbertGraph | undefined {
  const config = AlbertConfig.fromJSON(CONSISTENCY_CONFIG_JSON);
  const weights = randomAlbertWeights(config, CONSISTENCY_SEED);
  if (flavour === 'plain') return buildAlbertGraph(config, weights, { head });
  if (backend === undefined) throw new Error('the fused consistency graph needs the backend it is built for');
  const choice = chooseFusedAttention(backend, 'auto', {
    positionEmbeddingType: 'absolute',
    hiddenAct: config.hiddenAct,
  });
  if (choice.kind === null) return undefined;
  return buildAlbertGraph(config, weights, {
    head,
    flavour: 'fused',
    fusedAttention: choice.kind,
    skipLayerNormalization: choice.skipLayerNormalization,
  });
}

/**
 * Inputs of `batch` rows of `sequence` tokens; row r keeps `lengths[r]` real tokens (0: an all-padding
 * row) then padding id 0, masked. Token types switch to 1 halfway through the real tokens.
 */
function makeFeeds(
  random: () => number,
  vocabSize: number,
  sequence: number,
  lengths: readonly number[],
): Record<string, Tensor> {
  const batch = lengths.length;
  const ids = new BigInt64Array(batch * sequence);
  const mask = new BigInt64Array(batch * sequence);
  const types = new BigInt64Array(batch * sequence);
  const positions = new BigInt64Array(batch * sequence);
  lengths.forEach((length, row) => {
    for (let column = 0; column < sequence; column += 1) {
      const index = row * sequence + column;
      positions[index] = BigInt(column);
      if (column < length) {
        ids[index] = BigInt(column === 0 ? 2 : column === length - 1 ? 3 : 5 + Math.floor(random() * (vocabSize - 5)));
        mask[index] = 1n;
        types[index] = column >= length / 2 ? 1n : 0n;
      }
    }
  });
  const shape = [batch, sequence];
  return {
    input_ids: createTensor('int64', shape, ids),
    attention_mask: createTensor('int64', shape, mask),
    token_type_ids: createTensor('int64', shape, types),
    position_ids: createTensor('int64', shape, positions),
  };
}

/**
 * The cases: batch 16 × 32 with an all-padding row and ragged lengths, one full 512-token sequence, and
 * the MLM + SOP heads on 4 × 24 (an all-padding row again). Sized so that the slowest backend here
 * (WebGPU on SwiftShader, a CPU emulation of a GPU) stays within seconds.
 */
export function consistencyCases(): ConsistencyCase[] {
  const random = seededRandom(CONSISTENCY_SEED + 1);
  const V = CONSISTENCY_CONFIG_JSON.vocab_size;
  const batch16Lengths = Array.from({ length: 16 }, (_, row) =>
    row === 5 ? 0 : row === 0 ? 32 : 1 + Math.floor(random() * 32),
  );
  return [
    { name: 'batch16-seq32-all-padding-row', head: 'AlbertModel', feeds: makeFeeds(random, V, 32, batch16Lengths) },
    { name: 'batch1-seq512', head: 'AlbertModel', feeds: makeFeeds(random, V, 512, [512]) },
    { name: 'pretraining-batch4-seq24', head: 'AlbertForPreTraining', feeds: makeFeeds(random, V, 24, [24, 17, 0, 5]) },
  ];
}

/** Largest |a - b| over two float32 tensors of the same shape (Infinity on a shape mismatch or NaN). */
export function maxAbsoluteDifference(actual: Tensor, expected: Tensor): number {
  if (actual.shape.join(',') !== expected.shape.join(',')) return Number.POSITIVE_INFINITY;
  const a = actual.data as Float32Array;
  const b = expected.data as Float32Array;
  let worst = 0;
  for (let index = 0; index < a.length; index += 1) {
    const difference = Math.abs((a[index] as number) - (b[index] as number));
    if (!(difference <= worst)) worst = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
  }
  return worst;
}

/** Tolerance of the consistency comparison (absolute, float32 against float32). */
export const CONSISTENCY_TOLERANCE = 1e-4;

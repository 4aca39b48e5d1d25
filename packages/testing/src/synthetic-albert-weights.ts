import type { AlbertConfig } from '@albert-ts/config';
import { createTensor, type AlbertGraphWeights, type Tensor } from '@albert-ts/core';

/** Weights of random values for every encoder tensor (and the pooler) of a config, HF key names and shapes. */
export interface SyntheticAlbertWeights extends AlbertGraphWeights {
  /** Every tensor by canonical key. */
  readonly tensors: ReadonlyMap<string, Tensor<'float32'>>;
  /** Sum of the tensors' bytes. */
  readonly totalBytes: number;
}

/**
 * Deterministic pseudo-random ALBERT encoder + pooler weights (normal-ish with std ≈ `scale`; LayerNorm
 * weights around 1) for graph tests of configs that have no checkpoint.
 */
export function syntheticAlbertWeights(
  config: AlbertConfig,
  options: { seed?: number; scale?: number } = {},
): SyntheticAlbertWeights {
  let state = options.seed ?? 12345;
  const scale = options.scale ?? 0.2;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const tensors = new Map<string, Tensor<'float32'>>();
  const add = (key: string, shape: number[], center = 0): void => {
    const size = shape.reduce((product, dim) => product * dim, 1);
    tensors.set(
      key,
      createTensor(
        'float32',
        shape,
        Float32Array.from({ length: size }, () => center + normal() * scale),
      ),
    );
  };
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, intermediateSize: I } = config;
  add('albert.embeddings.word_embeddings.weight', [V, E]);
  add('albert.embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, E]);
  add('albert.embeddings.token_type_embeddings.weight', [config.typeVocabSize, E]);
  add('albert.embeddings.LayerNorm.weight', [E], 1);
  add('albert.embeddings.LayerNorm.bias', [E]);
  add('albert.encoder.embedding_hidden_mapping_in.weight', [H, E]);
  add('albert.encoder.embedding_hidden_mapping_in.bias', [H]);
  for (let group = 0; group < config.numHiddenGroups; group += 1) {
    for (let inner = 0; inner < config.innerGroupNum; inner += 1) {
      const prefix = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      for (const name of ['query', 'key', 'value', 'dense']) {
        add(`${prefix}.attention.${name}.weight`, [H, H]);
        add(`${prefix}.attention.${name}.bias`, [H]);
      }
      if (config.positionEmbeddingType !== 'absolute')
        add(`${prefix}.attention.distance_embedding.weight`, [
          2 * config.maxPositionEmbeddings - 1,
          H / config.numAttentionHeads,
        ]);
      add(`${prefix}.attention.LayerNorm.weight`, [H], 1);
      add(`${prefix}.attention.LayerNorm.bias`, [H]);
      add(`${prefix}.ffn.weight`, [I, H]);
      add(`${prefix}.ffn.bias`, [I]);
      add(`${prefix}.ffn_output.weight`, [H, I]);
      add(`${prefix}.ffn_output.bias`, [H]);
      add(`${prefix}.full_layer_layer_norm.weight`, [H], 1);
      add(`${prefix}.full_layer_layer_norm.bias`, [H]);
    }
  }
  add('albert.pooler.weight', [H, H]);
  add('albert.pooler.bias', [H]);
  let totalBytes = 0;
  for (const tensor of tensors.values()) totalBytes += tensor.data.byteLength;
  return {
    tensors,
    totalBytes,
    get(key: string): Tensor<'float32'> {
      const tensor = tensors.get(key);
      if (tensor === undefined) throw new Error(`synthetic weights: no ${key}`);
      return tensor;
    },
    has: (key: string) => tensors.has(key),
  };
}

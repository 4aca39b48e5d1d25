import type { AlbertConfig } from '@albert-ts/config';
import { albertWeightSpecs, createTensor, type AlbertHeadName, type Tensor } from '@albert-ts/core';
import { seededRandom } from '../data/training-example.js';
import type { TrainingWeights } from '../graph/albert-training-graph.js';

/**
 * The weights of `head` for fine-tuning from a base checkpoint: every tensor of `base` the head uses,
 * and the missing ones (a new classifier, a fresh pooler) initialized as HF's `_init_weights` does —
 * linear weights from N(0, initializer_range) (seeded), biases 0, LayerNorm weights 1.
 *
 * This is the training package's own small initializer for its demo and tests; core's head
 * initialization (the tasks issue) is the one to use once it lands.
 */
export function withInitializedHead(config: AlbertConfig, head: AlbertHeadName, base: { get(key: string): Tensor<'float32'>; has(key: string): boolean }, seed = 0): TrainingWeights {
  const random = seededRandom(seed);
  const normal = (): number => {
    const u = Math.max(random(), Number.MIN_VALUE);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const tensors = new Map<string, Tensor<'float32'>>();
  for (const spec of albertWeightSpecs(config, head)) {
    if (base.has(spec.key)) {
      tensors.set(spec.key, base.get(spec.key));
      continue;
    }
    if (spec.optional && !spec.key.startsWith('albert.pooler')) continue;
    const size = spec.shape.reduce((product, value) => product * value, 1);
    let data: Float32Array;
    if (spec.key.endsWith('.bias')) data = new Float32Array(size);
    else if (spec.key.includes('LayerNorm')) data = new Float32Array(size).fill(1);
    else data = Float32Array.from({ length: size }, () => normal() * config.initializerRange);
    tensors.set(spec.key, createTensor('float32', spec.shape, data));
  }
  const aliases: Record<string, string> = { 'predictions.decoder.weight': 'albert.embeddings.word_embeddings.weight', 'predictions.decoder.bias': 'predictions.bias' };
  const resolve = (key: string): string => (tensors.has(key) ? key : (aliases[key] ?? key));
  return {
    keys: [...tensors.keys()],
    has: (key) => tensors.has(resolve(key)),
    get: (key) => {
      const tensor = tensors.get(resolve(key));
      if (tensor === undefined) throw new Error(`no weight ${key}`);
      return tensor;
    },
  };
}

import type { AlbertConfig } from '@albert-ts/config';
import { createTensor, type Tensor } from '../tensor.js';
import type { AlbertHead } from './albert-weight-specs.js';

/** A source of standard-normal numbers (mean 0, std 1). */
export type NormalSampler = () => number;

/**
 * A seeded standard-normal sampler (mulberry32 uniform numbers through Box–Muller): the same seed gives
 * the same numbers on every platform. Not PyTorch's generator: the values differ from a Python run
 * with the same seed, the distribution is the same.
 * @example
 * ```ts
 * const normal = seededNormalSampler(42);
 * normal(); // the same first value on every run
 * ```
 */
export function seededNormalSampler(seed: number): NormalSampler {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

/**
 * A fresh parameter as HF's `AlbertPreTrainedModel._init_weights` makes it: LayerNorm weights 1 and
 * biases 0, every other bias 0 (the MLM head's `predictions.bias` included), every other weight
 * (linear layers, embeddings) normal with mean 0 and std `initializer_range`.
 * @param key - the parameter's HF key (`classifier.weight`, `predictions.LayerNorm.bias`, ...).
 * @param shape - its shape.
 * @param config - gives `initializer_range`.
 * @param normal - standard-normal numbers (see {@link seededNormalSampler}).
 */
export function initializeAlbertWeight(
  key: string,
  shape: readonly number[],
  config: Pick<AlbertConfig, 'initializerRange'>,
  normal: NormalSampler,
): Tensor<'float32'> {
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const data = new Float32Array(size);
  const isLayerNorm = /(^|\.)(LayerNorm|full_layer_layer_norm)\.(weight|bias)$/.test(key);
  if (isLayerNorm && key.endsWith('.weight')) data.fill(1);
  else if (!key.endsWith('.bias') && !isLayerNorm)
    for (let index = 0; index < size; index += 1) data[index] = normal() * config.initializerRange;
  return createTensor('float32', [...shape], data);
}

/**
 * Whether `key` (canonical: encoder keys with `albert.`) belongs to what a task head adds on top of the
 * encoder — the pooler and the head's own modules — and may therefore be initialized when a checkpoint
 * lacks it. Embedding and encoder-layer tensors never are.
 */
export function isHeadWeightKey(key: string): boolean {
  return !key.startsWith('albert.') || key.startsWith('albert.pooler.');
}

/** The key as the model names it in its state dict (HF's warning lists these): `AlbertModel` has no `albert.` prefix. */
export function modelKeyOf(head: AlbertHead, key: string): string {
  return head === 'AlbertModel' && key.startsWith('albert.') ? key.slice('albert.'.length) : key;
}

/** A tensor whose shape in the checkpoint differs from the model's (see `ignoreMismatchedSizes`). */
export interface MismatchedWeight {
  /** The model's key. */
  readonly key: string;
  /** Shape in the checkpoint. */
  readonly checkpointShape: readonly number[];
  /** Shape the config implies. */
  readonly modelShape: readonly number[];
}

/**
 * HF's warnings for weights that a loaded model had to initialize (`modeling_utils`' wording): one for
 * missing keys, one for keys whose shapes did not match. Empty when nothing was initialized.
 * @param head - the model class (`AlbertForSequenceClassification`).
 * @param location - the checkpoint's directory or Hub id.
 */
export function newlyInitializedWarnings(
  head: AlbertHead,
  location: string,
  missing: readonly string[],
  mismatched: readonly MismatchedWeight[],
): string[] {
  const warnings: string[] = [];
  const train =
    'You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.';
  if (missing.length > 0) {
    const list = `[${missing.map((key) => `'${key}'`).join(', ')}]`;
    warnings.push(
      `Some weights of ${head} were not initialized from the model checkpoint at ${location} and are newly initialized: ${list}\n${train}`,
    );
  }
  if (mismatched.length > 0) {
    const size = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`;
    const lines = mismatched
      .map(
        (entry) =>
          `- ${entry.key}: found shape ${size(entry.checkpointShape)} in the checkpoint and ${size(entry.modelShape)} in the model instantiated`,
      )
      .join('\n');
    warnings.push(
      `Some weights of ${head} were not initialized from the model checkpoint at ${location} and are newly initialized because the shapes did not match:\n${lines}\n${train}`,
    );
  }
  return warnings;
}

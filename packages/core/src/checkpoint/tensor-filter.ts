import type { AlbertConfig } from '@albert-ts/config';
import { albertWeightSpecs } from './albert-weight-specs.js';
import type { AlbertHead } from './albert-weight-specs.js';
import { CheckpointError } from './checkpoint-error.js';
import { isHeadWeightKey } from './initialize-albert-weights.js';

/**
 * Decides, before a checkpoint reader allocates a float tensor, whether it is decoded. Readers call
 * {@link TensorFilter.admit} once per float tensor, after its shape has been checked against its
 * bytes and before any copy, conversion, transposition or inflation.
 */
export interface TensorFilter {
  /**
   * @param key - the key as stored (after Flax renaming).
   * @param shape - the tensor's shape (PyTorch layout).
   * @param file - the file it is in, for errors.
   * @returns `true` to decode the tensor, `false` to leave it out (listed in `skipped` as unused).
   * @throws {@link CheckpointError} to refuse the file (e.g. a shape the config does not allow).
   */
  admit(key: string, shape: readonly number[], file: string): boolean;
  /**
   * Whether a tensor of this key could be admitted, from its key alone. Sharded checkpoints do not
   * read a shard none of whose listed keys is wanted. Absent: every key is wanted.
   */
  wants?(key: string): boolean;
  /**
   * Called by the sharded readers with every key an index lists, before any shard is looked up or
   * read: throws `CHECKPOINT_MISSING_TENSOR` for a tensor the model needs that no shard holds. Absent:
   * missing tensors are found once the shards are read.
   * @param keys - the keys of the index's `weight_map`.
   * @param file - the index file, for errors.
   */
  checkKeys?(keys: ReadonlySet<string>, file: string): void;
}

/** Options of {@link albertTensorFilter}. */
export interface AlbertTensorFilterOptions {
  /**
   * Head weights absent from the file will be initialized (`loadPretrainedWeights`'s
   * `initializeMissingHead`), so {@link TensorFilter.checkKeys} does not require them. Default false.
   */
  readonly initializeMissingHead?: boolean;
}

interface ExpectedTensor {
  readonly shape: readonly number[];
  readonly source: string;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The filter `loadPretrainedWeights` uses: a tensor `head` needs for `config` (under its canonical
 * key or without the `albert.` prefix, plus the tied MLM decoder duplicates) must have the shape the
 * config implies — `CHECKPOINT_SHAPE_MISMATCH` before anything is allocated — and is decoded; every
 * other tensor is left undecoded. So loading never allocates more than the tensors the config needs
 * (at most twice, for a file holding both key spellings), whatever the file claims.
 *
 * @example
 * ```ts
 * const checkpoint = await readCheckpoint(source, { filter: albertTensorFilter(config, 'AlbertForMaskedLM') });
 * ```
 */
export function albertTensorFilter(
  config: AlbertConfig,
  head: AlbertHead,
  options: AlbertTensorFilterOptions = {},
): TensorFilter {
  const expected = new Map<string, ExpectedTensor>();
  const specs = albertWeightSpecs(config, head);
  for (const spec of specs) {
    const entry = { shape: spec.shape, source: spec.shapeSource };
    expected.set(spec.key, entry);
    if (spec.key.startsWith('albert.')) expected.set(spec.key.slice('albert.'.length), entry);
  }
  const usesDecoder = head === 'AlbertForPreTraining' || head === 'AlbertForMaskedLM';
  if (usesDecoder && config.tieWordEmbeddings) {
    expected.set('predictions.decoder.weight', {
      shape: [config.vocabSize, config.embeddingSize],
      source: '[vocab_size, embedding_size]',
    });
    expected.set('predictions.decoder.bias', { shape: [config.vocabSize], source: '[vocab_size]' });
  }
  return {
    wants: (key) => expected.has(key),
    checkKeys(keys, file) {
      // the same rules as resolveAlbertWeights: one prefix mode for the file, optional specs, the MLM bias
      // under its tied name, head weights that will be initialized
      let prefixed = false;
      for (const key of keys) if (key.startsWith('albert.')) prefixed = true;
      const storedKeyOf = (key: string): string =>
        !prefixed && key.startsWith('albert.') ? key.slice('albert.'.length) : key;
      const missing = specs.filter(
        (spec) =>
          !spec.optional &&
          !keys.has(storedKeyOf(spec.key)) &&
          !(spec.key === 'predictions.bias' && config.tieWordEmbeddings && keys.has('predictions.decoder.bias')) &&
          !(options.initializeMissingHead === true && isHeadWeightKey(spec.key)),
      );
      const [first] = missing;
      if (first === undefined) return;
      const names = missing.map((spec) => storedKeyOf(spec.key));
      const others =
        names.length > 1
          ? ` (and ${names.length - 1} more: ${names.slice(1, 6).join(', ')}${names.length > 6 ? ', ...' : ''})`
          : '';
      throw new CheckpointError(
        'CHECKPOINT_MISSING_TENSOR',
        `${file}: missing tensor ${storedKeyOf(first.key)} ${formatShape(first.shape)}, which ${head} needs${others}; no shard of the index lists it`,
        { file, key: storedKeyOf(first.key), expected: [...first.shape], actual: null, missing: names, head },
      );
    },
    admit(key, shape, file) {
      const tensor = expected.get(key);
      if (tensor === undefined) return false;
      if (shape.length !== tensor.shape.length || shape.some((dimension, index) => dimension !== tensor.shape[index])) {
        throw new CheckpointError(
          'CHECKPOINT_SHAPE_MISMATCH',
          `${file}: tensor ${key} has shape ${formatShape(shape)} but the config${config.file === undefined ? '' : ` (${config.file})`} implies ${formatShape(tensor.shape)} = ${tensor.source} for ${head}`,
          { file, key, expected: [...tensor.shape], actual: [...shape], head },
        );
      }
      return true;
    },
  };
}

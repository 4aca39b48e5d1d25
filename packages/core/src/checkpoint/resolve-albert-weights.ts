import type { AlbertConfig } from '@albert-ts/config';
import type { Tensor } from '../tensor.js';
import { albertWeightSpecs } from './albert-weight-specs.js';
import type { AlbertHead, AlbertWeightSpec } from './albert-weight-specs.js';
import { CheckpointError } from './checkpoint-error.js';
import type { SkippedTensor } from './read-safetensors.js';
import type { StateDict } from './state-dict.js';
import {
  initializeAlbertWeight,
  isHeadWeightKey,
  modelKeyOf,
  type MismatchedWeight,
  type NormalSampler,
} from './initialize-albert-weights.js';

/**
 * The weights of one ALBERT head, checked against its config and keyed canonically: encoder keys
 * always with the `albert.` prefix, head keys as HF names them (`predictions.dense.weight`,
 * `classifier.weight`, ...).
 */
export interface AlbertWeights {
  /**
   * The tensor of a canonical key. Tied aliases resolve too: `predictions.decoder.weight` →
   * `albert.embeddings.word_embeddings.weight`, `predictions.decoder.bias` → `predictions.bias`
   * (when `tie_word_embeddings` is true).
   * @throws {@link CheckpointError} `CHECKPOINT_MISSING_TENSOR` naming the key when absent.
   */
  get(key: string): Tensor<'float32'>;
  /** Whether {@link AlbertWeights.get} would return a tensor for this key. */
  has(key: string): boolean;
  /** Canonical keys of the distinct tensors, in module order (tied aliases are not repeated here). */
  readonly keys: readonly string[];
  /**
   * Keys of the file that the head does not use (e.g. an old `position_ids` buffer, another head's
   * weights), as stored. Tied duplicates that match are not listed.
   */
  readonly unexpectedKeys: readonly string[];
  /** Model keys of head weights the checkpoint lacked, initialized (sorted; see {@link ResolveAlbertWeightsOptions.initialization}). */
  readonly newlyInitializedKeys?: readonly string[];
  /** Weights whose checkpoint shape did not match, initialized instead (`ignoreMismatchedSizes`). */
  readonly mismatchedKeys?: readonly MismatchedWeight[];
}

/** How {@link resolveAlbertWeights} fills in what the checkpoint lacks, as HF's `from_pretrained` does. */
export interface WeightInitializationOptions {
  /** Standard-normal numbers for the new weights (see `seededNormalSampler`). */
  readonly normal: NormalSampler;
  /** Initialize tensors whose checkpoint shape differs from the config's instead of failing (HF `ignore_mismatched_sizes`). */
  readonly ignoreMismatchedSizes?: boolean;
  /** Initialize the head weights the checkpoint lacks (default true). */
  readonly initializeMissingHead?: boolean;
}

/** Options of {@link resolveAlbertWeights}. */
export interface ResolveAlbertWeightsOptions {
  /** The weights file, named in errors (for sharded checkpoints, the index file). */
  readonly file: string;
  /** The file each key was read from (sharded checkpoints), to name the shard in errors. */
  readonly fileOfKey?: ReadonlyMap<string, string>;
  /** Non-float tensors the reader left out (see `CheckpointContents.skipped`). */
  readonly skipped?: readonly SkippedTensor[];
  /**
   * Initialize the head weights (pooler and head modules, never embeddings or encoder layers) that the
   * checkpoint lacks, with HF's rules (`initializeAlbertWeight`), instead of failing. Default: fail.
   */
  readonly initialization?: WeightInitializationOptions;
}

const TIED_ALIASES: Readonly<Record<string, string>> = {
  'predictions.decoder.weight': 'albert.embeddings.word_embeddings.weight',
  'predictions.decoder.bias': 'predictions.bias',
};

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dimension, index) => dimension === b[index]);
}

function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) {
    if (a[index] !== b[index] && !(Number.isNaN(a[index]) && Number.isNaN(b[index]))) return false;
  }
  return true;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks a state dict against what `head` needs for `config` and returns its weights under
 * canonical keys. Follows HF's key rules: the `albert.` prefix may be present or absent on encoder
 * keys (AlbertModel checkpoints have none; a prefixed checkpoint is read with the prefix, an
 * unprefixed one without); head keys never have it. Tied `predictions.decoder.*` may be absent or
 * stored as duplicates (then they must equal the tensors they are tied to). Keys the head does not
 * use are ignored and listed in `unexpectedKeys`. Nothing is ever invented: a missing tensor or a
 * wrong shape is an error.
 *
 * @throws {@link CheckpointError} `CHECKPOINT_MISSING_TENSOR`, `CHECKPOINT_SHAPE_MISMATCH`,
 *   `CHECKPOINT_WRONG_DTYPE` or `CHECKPOINT_TIED_WEIGHT_MISMATCH`, naming the file, the key, and the
 *   expected and actual shapes.
 */
export function resolveAlbertWeights(
  config: AlbertConfig,
  stateDict: StateDict,
  head: AlbertHead,
  options: ResolveAlbertWeightsOptions,
): AlbertWeights {
  const skippedByKey = new Map(
    (options.skipped ?? []).filter((tensor) => tensor.unused !== true).map((tensor) => [tensor.key, tensor.dtype]),
  );
  const unusedKeys = (options.skipped ?? []).filter((tensor) => tensor.unused === true).map((tensor) => tensor.key);
  const allKeys = [...stateDict.keys(), ...skippedByKey.keys(), ...unusedKeys];
  // One prefix mode for the whole file, as HF decides it: prefixed if any key has the prefix.
  const prefixed = allKeys.some((key) => key.startsWith('albert.'));
  const storedKeyOf = (canonical: string): string =>
    !prefixed && canonical.startsWith('albert.') ? canonical.slice('albert.'.length) : canonical;
  const fileOf = (storedKey: string): string => options.fileOfKey?.get(storedKey) ?? options.file;

  const resolved = new Map<string, Tensor<'float32'>>();
  const used = new Set<string>();
  const missing: AlbertWeightSpec[] = [];
  const initialization = options.initialization;
  const newlyInitialized: string[] = [];
  const mismatched: MismatchedWeight[] = [];
  const initialize = (spec: AlbertWeightSpec): Tensor<'float32'> =>
    initializeAlbertWeight(spec.key, spec.shape, config, (initialization as WeightInitializationOptions).normal);
  const checkShape = (spec: AlbertWeightSpec, storedKey: string, tensor: Tensor<'float32'>): boolean => {
    if (!sameShape(tensor.shape, spec.shape)) {
      if (initialization?.ignoreMismatchedSizes === true) {
        mismatched.push({
          key: modelKeyOf(head, spec.key),
          checkpointShape: [...tensor.shape],
          modelShape: [...spec.shape],
        });
        return false;
      }
      const file = fileOf(storedKey);
      throw new CheckpointError(
        'CHECKPOINT_SHAPE_MISMATCH',
        `${file}: tensor ${storedKey} has shape ${formatShape(tensor.shape)} but the config${config.file === undefined ? '' : ` (${config.file})`} implies ${formatShape(spec.shape)} = ${spec.shapeSource} for ${head}`,
        { file, key: storedKey, expected: [...spec.shape], actual: [...tensor.shape], head },
      );
    }
    return true;
  };

  const specs = albertWeightSpecs(config, head);
  const tiedBias = stateDict.get('predictions.decoder.bias');
  for (const spec of specs) {
    const storedKey = storedKeyOf(spec.key);
    const tensor = stateDict.get(storedKey);
    if (tensor === undefined) {
      const dtype = skippedByKey.get(storedKey);
      if (dtype !== undefined) {
        const file = fileOf(storedKey);
        throw new CheckpointError(
          'CHECKPOINT_WRONG_DTYPE',
          `${file}: tensor ${storedKey} is stored as ${dtype}; a weight must be a float tensor`,
          {
            file,
            key: storedKey,
            expected: 'float32, float16, bfloat16 or float64',
            actual: dtype,
          },
        );
      }
      // Old files may store the MLM bias only under its tied name.
      if (spec.key === 'predictions.bias' && tiedBias !== undefined && config.tieWordEmbeddings) {
        resolved.set(spec.key, checkShape(spec, 'predictions.decoder.bias', tiedBias) ? tiedBias : initialize(spec));
        used.add('predictions.decoder.bias');
        continue;
      }
      if (!spec.optional) {
        if (
          initialization !== undefined &&
          initialization.initializeMissingHead !== false &&
          isHeadWeightKey(spec.key)
        ) {
          resolved.set(spec.key, initialize(spec));
          newlyInitialized.push(modelKeyOf(head, spec.key));
        } else missing.push(spec);
      }
      continue;
    }
    resolved.set(spec.key, checkShape(spec, storedKey, tensor) ? tensor : initialize(spec));
    used.add(storedKey);
  }
  if (missing.length > 0) {
    const first = missing[0]!;
    const storedKey = storedKeyOf(first.key);
    const others =
      missing.length > 1
        ? ` (and ${missing.length - 1} more: ${missing
            .slice(1, 6)
            .map((spec) => storedKeyOf(spec.key))
            .join(', ')}${missing.length > 6 ? ', ...' : ''})`
        : '';
    throw new CheckpointError(
      'CHECKPOINT_MISSING_TENSOR',
      `${options.file}: missing tensor ${storedKey} ${formatShape(first.shape)}, which ${head} needs${others}`,
      {
        file: options.file,
        key: storedKey,
        expected: [...first.shape],
        actual: null,
        missing: missing.map((spec) => storedKeyOf(spec.key)),
        head,
      },
    );
  }

  // Tied duplicates: accepted when equal to what they are tied to, never counted as unexpected.
  const usesDecoder = head === 'AlbertForPreTraining' || head === 'AlbertForMaskedLM';
  if (usesDecoder && config.tieWordEmbeddings) {
    for (const [alias, target] of Object.entries(TIED_ALIASES)) {
      const duplicate = stateDict.get(alias);
      if (duplicate === undefined || used.has(alias)) continue;
      const original = resolved.get(target)!;
      if (!sameShape(duplicate.shape, original.shape) || !bitwiseEqual(duplicate.data, original.data)) {
        const file = fileOf(alias);
        throw new CheckpointError(
          'CHECKPOINT_TIED_WEIGHT_MISMATCH',
          `${file}: tensor ${alias} ${formatShape(duplicate.shape)} is tied to ${storedKeyOf(target)} ${formatShape(original.shape)} but differs from it`,
          {
            file,
            key: alias,
            expected: [...original.shape],
            actual: [...duplicate.shape],
            tiedTo: storedKeyOf(target),
          },
        );
      }
      used.add(alias);
    }
  }

  const unexpectedKeys = allKeys.filter((key) => !used.has(key));
  const keys = [...resolved.keys()];
  const lookup = (key: string): Tensor<'float32'> | undefined =>
    resolved.get(key) ??
    (usesDecoder && config.tieWordEmbeddings && key in TIED_ALIASES ? resolved.get(TIED_ALIASES[key]!) : undefined);
  return {
    keys,
    unexpectedKeys,
    newlyInitializedKeys: newlyInitialized.sort(),
    mismatchedKeys: mismatched,
    has: (key) => lookup(key) !== undefined,
    get(key) {
      const tensor = lookup(key);
      if (tensor === undefined) {
        throw new CheckpointError(
          'CHECKPOINT_MISSING_TENSOR',
          `${options.file}: ${head} weights have no tensor ${key}`,
          {
            file: options.file,
            key,
            head,
          },
        );
      }
      return tensor;
    },
  };
}

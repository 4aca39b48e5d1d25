import type { Tensor } from '../tensor.js';
import { AlbertError, checkOptionKeys, decodeUtf8Text } from '@albert-ts/config';
import { CheckpointError } from './checkpoint-error.js';
import type { CheckpointErrorCode } from './checkpoint-error.js';
import { limitExceeded, resolveCheckpointLimits, type CheckpointLimits } from './checkpoint-limits.js';
import type { ModelFileSource } from './model-file-source.js';
import { readFlaxMsgpack } from './read-flax-msgpack.js';
import { readPytorchCheckpoint } from './read-pytorch-checkpoint.js';
import { parseSafetensors } from './read-safetensors.js';
import type { CheckpointReadOptions, SkippedTensor } from './read-safetensors.js';
import type { StateDict } from './state-dict.js';
import type { TensorFilter } from './tensor-filter.js';

/** The weights file layouts {@link readCheckpoint} understands. */
export type CheckpointFormat =
  'safetensors' | 'safetensors-sharded' | 'pytorch-zip' | 'pytorch-legacy' | 'pytorch-sharded' | 'flax-msgpack';

/** Result of {@link readCheckpoint}. */
export interface CheckpointContents {
  /** Every float tensor of the checkpoint, as float32, keyed as stored. */
  readonly stateDict: StateDict;
  /** The files that were read, in order (the index file first for sharded checkpoints). */
  readonly files: string[];
  /** The layout that was found. */
  readonly format: CheckpointFormat;
  /** Non-float tensors (integer buffers such as an old `position_ids`): validated, not decoded. */
  readonly skipped: readonly SkippedTensor[];
  /** For sharded checkpoints, the shard each key was read from (empty for single files). */
  readonly fileOfKey: ReadonlyMap<string, string>;
}

/** Weights file names, in order of preference. */
export const WEIGHTS_FILE_NAMES = [
  'model.safetensors',
  'model.safetensors.index.json',
  'pytorch_model.bin',
  'pytorch_model.bin.index.json',
  'flax_model.msgpack',
] as const;

const LFS_POINTER_PREFIX = new TextEncoder().encode('version https://git-lfs.github.com/spec/');

/** Reads a weights file, refusing Git LFS pointer files (a clone made without `git lfs`). */
async function readWeightsFile(source: ModelFileSource, name: string): Promise<Uint8Array> {
  const bytes = await source.read(name);
  if (bytes.length < 1024 && LFS_POINTER_PREFIX.every((byte, index) => bytes[index] === byte)) {
    throw new CheckpointError(
      'CHECKPOINT_LFS_POINTER',
      `${name}: the file is a Git LFS pointer, not the weights (the repository was cloned without Git LFS; run \`git lfs pull\` in ${source.description})`,
      { file: name, source: source.description },
    );
  }
  return bytes;
}

interface FileContents {
  readonly stateDict: StateDict;
  readonly skipped: readonly SkippedTensor[];
}

async function readShardedCheckpoint(
  source: ModelFileSource,
  indexFile: string,
  readShard: (bytes: Uint8Array, file: string) => FileContents | Promise<FileContents>,
  limits: Pick<CheckpointLimits, 'maximumIndexBytes' | 'maximumIndexEntries'>,
  filter: TensorFilter | undefined,
): Promise<{
  stateDict: StateDict;
  skipped: SkippedTensor[];
  files: string[];
  fileOfKey: ReadonlyMap<string, string>;
}> {
  const invalid = (message: string, details: Record<string, unknown> = {}): never => {
    throw new CheckpointError('CHECKPOINT_INVALID_INDEX', `${indexFile}: ${message}`, { file: indexFile, ...details });
  };
  let index: unknown;
  try {
    const bytes = await source.read(indexFile);
    if (bytes.length > limits.maximumIndexBytes)
      limitExceeded(indexFile, 'maximumIndexBytes', 'the index file size', bytes.length, limits.maximumIndexBytes);
    index = JSON.parse(decodeUtf8Text(bytes, indexFile));
  } catch (error) {
    if (error instanceof AlbertError) throw error;
    return invalid(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    return invalid('has no "weight_map" object');
  }
  // Bounded before anything is built from it: a weight_map of a million keys is refused, not walked.
  let entries = 0;
  for (const key in weightMap) {
    if (!Object.hasOwn(weightMap, key)) continue;
    entries += 1;
    if (entries > limits.maximumIndexEntries) {
      limitExceeded(
        indexFile,
        'maximumIndexEntries',
        'the number of weight_map entries',
        entries,
        limits.maximumIndexEntries,
      );
    }
  }
  const keysByShard = new Map<string, string[]>();
  for (const [key, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof shard !== 'string') return invalid(`weight_map entry of ${key} is not a file name`, { key });
    const keys = keysByShard.get(shard) ?? [];
    keys.push(key);
    keysByShard.set(shard, keys);
  }
  if (keysByShard.size === 0) return invalid('weight_map is empty');
  // A tensor the config needs that no shard lists is reported now, before any shard is looked up or read.
  filter?.checkKeys?.(new Set(Object.keys(weightMap)), indexFile);
  const wants = filter?.wants?.bind(filter);

  const stateDict = new Map<string, Tensor<'float32'>>();
  const skipped: SkippedTensor[] = [];
  const shardOfKey = new Map<string, string>();
  const files = [indexFile];
  // Every shard must exist before any is read (fail fast, before large reads).
  for (const [shard, keys] of keysByShard) {
    if (!(await source.has(shard))) {
      throw new CheckpointError(
        'CHECKPOINT_FILE_NOT_FOUND',
        `${shard}: shard listed in ${indexFile} (for ${keys[0]}${keys.length > 1 ? ` and ${keys.length - 1} more` : ''}) is not in ${source.description}`,
        { file: shard, index: indexFile, key: keys[0], source: source.description },
      );
    }
  }
  for (const [shard, keys] of keysByShard) {
    if (wants !== undefined && !keys.some(wants)) {
      // no tensor the model uses: the shard is never read (its keys are listed as unused)
      for (const key of keys) shardOfKey.set(key, shard);
      skipped.push(...keys.map((key) => ({ key, dtype: 'unread', unused: true })));
      continue;
    }
    const contents = await readShard(await readWeightsFile(source, shard), shard);
    files.push(shard);
    const present = new Set([...contents.stateDict.keys(), ...contents.skipped.map((tensor) => tensor.key)]);
    for (const key of keys) {
      if (!present.has(key)) {
        throw new CheckpointError(
          'CHECKPOINT_MISSING_TENSOR',
          `${shard}: tensor ${key} is listed in ${indexFile} for this shard but is not in it`,
          {
            file: shard,
            index: indexFile,
            key,
          },
        );
      }
    }
    for (const [key, tensor] of contents.stateDict) {
      const other = shardOfKey.get(key);
      if (other !== undefined) {
        throw new CheckpointError('CHECKPOINT_DUPLICATE_TENSOR', `${shard}: tensor ${key} is also stored in ${other}`, {
          file: shard,
          key,
          other,
        });
      }
      shardOfKey.set(key, shard);
      stateDict.set(key, tensor);
    }
    for (const tensor of contents.skipped) shardOfKey.set(tensor.key, shard);
    skipped.push(...contents.skipped);
  }
  return { stateDict, skipped, files, fileOfKey: shardOfKey };
}

/** The error code a reader's unexpected failure becomes, per format. */
const INVALID_CODES: Readonly<Record<CheckpointFormat, CheckpointErrorCode>> = {
  safetensors: 'CHECKPOINT_INVALID_HEADER',
  'safetensors-sharded': 'CHECKPOINT_INVALID_HEADER',
  'pytorch-zip': 'CHECKPOINT_INVALID_TORCH_FILE',
  'pytorch-legacy': 'CHECKPOINT_INVALID_TORCH_FILE',
  'pytorch-sharded': 'CHECKPOINT_INVALID_TORCH_FILE',
  'flax-msgpack': 'CHECKPOINT_INVALID_MSGPACK',
};

/**
 * Runs a reader; an error that is not an `AlbertError` (a bug the crafted input reached, or the
 * runtime running out of room) becomes a `CheckpointError` of the format's code naming the file, so
 * that no input file reaches the user as an untyped error.
 */
async function typed<T>(format: CheckpointFormat, file: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AlbertError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CheckpointError(INVALID_CODES[format], `${file}: cannot be read (${reason})`, { file }, { cause: error });
  }
}

/** Options of {@link readCheckpoint}. */
export type ReadCheckpointOptions = CheckpointReadOptions;

/**
 * Finds and reads the weights of a model from a source. Looks for, in this order,
 * `model.safetensors`, `model.safetensors.index.json` (sharded), `pytorch_model.bin` (torch zip or
 * legacy format, through a restricted unpickler), `pytorch_model.bin.index.json` and
 * `flax_model.msgpack` (kernels transposed to PyTorch layout, keys renamed to PyTorch names).
 *
 * With `options.filter` (`loadPretrainedWeights` passes `albertTensorFilter(config, head)`), every
 * float tensor is checked before it is allocated and only the tensors the model uses are decoded;
 * `options.limits` raises or lowers the {@link CheckpointLimits}.
 *
 * @throws {@link CheckpointError} when no weights file exists or a file is malformed or unsafe.
 */
export async function readCheckpoint(
  source: ModelFileSource,
  options: ReadCheckpointOptions = {},
): Promise<CheckpointContents> {
  checkOptionKeys(options, ['filter', 'limits'], 'readCheckpoint');
  const limits = resolveCheckpointLimits(options.limits);
  for (const name of WEIGHTS_FILE_NAMES) {
    if (!(await source.has(name))) continue;
    switch (name) {
      case 'model.safetensors': {
        const bytes = await readWeightsFile(source, name);
        const parsed = await typed('safetensors', name, () => parseSafetensors(bytes, name, options));
        return {
          stateDict: parsed.stateDict,
          skipped: parsed.skipped,
          files: [name],
          format: 'safetensors',
          fileOfKey: new Map(),
        };
      }
      case 'model.safetensors.index.json': {
        const readShard = (bytes: Uint8Array, file: string) =>
          typed('safetensors-sharded', file, () => parseSafetensors(bytes, file, options));
        const sharded = await readShardedCheckpoint(source, name, readShard, limits, options.filter);
        return { ...sharded, format: 'safetensors-sharded' };
      }
      case 'pytorch_model.bin': {
        const bytes = await readWeightsFile(source, name);
        const contents = await typed('pytorch-zip', name, () => readPytorchCheckpoint(bytes, name, options));
        return {
          stateDict: contents.stateDict,
          skipped: contents.skipped,
          files: [name],
          format: contents.format,
          fileOfKey: new Map(),
        };
      }
      case 'pytorch_model.bin.index.json': {
        const readShard = (bytes: Uint8Array, file: string) =>
          typed('pytorch-sharded', file, () => readPytorchCheckpoint(bytes, file, options));
        const sharded = await readShardedCheckpoint(source, name, readShard, limits, options.filter);
        return { ...sharded, format: 'pytorch-sharded' };
      }
      case 'flax_model.msgpack': {
        const bytes = await readWeightsFile(source, name);
        const contents = await typed('flax-msgpack', name, () => readFlaxMsgpack(bytes, name, options));
        return {
          stateDict: contents.stateDict,
          skipped: contents.skipped,
          files: [name],
          format: 'flax-msgpack',
          fileOfKey: new Map(),
        };
      }
    }
  }
  const unsupported = ['tf_model.h5', 'model.ckpt.index'];
  for (const name of unsupported) {
    if (await source.has(name)) {
      throw new CheckpointError(
        'CHECKPOINT_NO_WEIGHTS_FILE',
        `${source.description} has only TensorFlow weights (${name}), which albert-ts does not read yet; convert them with transformers (from_pretrained(..., from_tf=True) then save_pretrained) to model.safetensors`,
        { file: name, source: source.description, expected: [...WEIGHTS_FILE_NAMES], actual: name },
      );
    }
  }
  throw new CheckpointError(
    'CHECKPOINT_NO_WEIGHTS_FILE',
    `no weights file in ${source.description}: looked for ${WEIGHTS_FILE_NAMES.join(', ')}`,
    { file: source.description, expected: [...WEIGHTS_FILE_NAMES] },
  );
}

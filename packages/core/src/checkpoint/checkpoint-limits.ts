import { CheckpointError } from './checkpoint-error.js';

/**
 * Upper bounds the checkpoint readers enforce before they allocate, whatever a file claims. The
 * defaults are far above any ALBERT checkpoint; raise one by passing `checkpointLimits` to
 * `fromPretrained` / `loadPretrainedWeights` / `readCheckpoint`.
 *
 * When the readers know the config (always, through `loadPretrainedWeights` and `fromPretrained`),
 * every float tensor is also checked against the shape the config implies **before** it is decoded,
 * tensors the model does not use are never decoded (nor inflated), and the storages a torch zip
 * checkpoint inflates may hold at most {@link CheckpointLimits.storageOverhead} times the elements of
 * the tensors that use them.
 */
export interface CheckpointLimits {
  /** Largest safetensors header (JSON) in bytes. Default 16 MiB (safetensors itself allows 100 MB). */
  readonly maximumHeaderBytes: number;
  /** Largest sharded-checkpoint index file (`*.index.json`) in bytes. Default 16 MiB. */
  readonly maximumIndexBytes: number;
  /**
   * Most entries (tensor keys) in the `weight_map` of a sharded-checkpoint index, counted before any
   * shard is looked up. Default 65 536 (an ALBERT has fewer than 40 tensors; the largest models a few thousand).
   */
  readonly maximumIndexEntries: number;
  /** Largest `data.pkl` of a torch zip checkpoint, once inflated, in bytes. Default 64 MiB. */
  readonly maximumPickleBytes: number;
  /**
   * Largest total of storage bytes a torch zip checkpoint may inflate when no config is known
   * (`readCheckpoint` called without a tensor filter). Default 2 GiB (twice the largest ALBERT, xxlarge in float32).
   */
  readonly maximumInflatedBytes: number;
  /**
   * With a config: the storages read for the model's tensors may hold at most this many times the
   * bytes of those tensors (plus 64 KiB). Default 2.
   */
  readonly storageOverhead: number;
  /**
   * Largest tensor a strided view may expand a smaller storage into (zero or overlapping strides, as
   * `tensor.expand` saves them), in elements. Default 65 536.
   */
  readonly maximumExpandedElements: number;
}

/** The default {@link CheckpointLimits}. */
export const DEFAULT_CHECKPOINT_LIMITS: CheckpointLimits = Object.freeze({
  maximumHeaderBytes: 16 * 1024 * 1024,
  maximumIndexBytes: 16 * 1024 * 1024,
  maximumIndexEntries: 65_536,
  maximumPickleBytes: 64 * 1024 * 1024,
  maximumInflatedBytes: 2 * 1024 * 1024 * 1024,
  storageOverhead: 2,
  maximumExpandedElements: 65_536,
});

const LIMIT_NAMES = Object.keys(DEFAULT_CHECKPOINT_LIMITS) as (keyof CheckpointLimits)[];

/**
 * The defaults with `overrides` applied. Each override must be a positive number.
 *
 * @throws {@link CheckpointError} `CHECKPOINT_INVALID_LIMITS` for an unknown key or a bad value.
 */
export function resolveCheckpointLimits(overrides: Partial<CheckpointLimits> | undefined): CheckpointLimits {
  if (overrides === undefined) return DEFAULT_CHECKPOINT_LIMITS;
  if (typeof overrides !== 'object' || overrides === null) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID_LIMITS',
      `checkpointLimits must be an object, got ${typeof overrides}`,
      { file: '', actual: typeof overrides },
    );
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!(LIMIT_NAMES as string[]).includes(name)) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID_LIMITS',
        `checkpointLimits has no limit ${JSON.stringify(name)}; limits: ${LIMIT_NAMES.join(', ')}`,
        {
          file: '',
          key: name,
          expected: LIMIT_NAMES,
        },
      );
    }
    if (typeof value !== 'number' || !(value > 0)) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID_LIMITS',
        `checkpointLimits.${name} must be a positive number, got ${String(value)}`,
        {
          file: '',
          key: name,
          actual: value,
        },
      );
    }
  }
  return Object.freeze({ ...DEFAULT_CHECKPOINT_LIMITS, ...overrides });
}

/** Throws `CHECKPOINT_LIMIT_EXCEEDED` naming the file, the limit and how to raise it (internal to the readers). */
export function limitExceeded(
  file: string,
  limit: keyof CheckpointLimits,
  what: string,
  actual: number,
  maximum: number,
  key?: string,
): never {
  throw new CheckpointError(
    'CHECKPOINT_LIMIT_EXCEEDED',
    `${file}: ${what} (${actual}) exceeds the limit ${limit} = ${maximum}; if the file is trusted, raise it with the checkpointLimits option`,
    { file, ...(key === undefined ? {} : { key }), limit, expected: `<= ${maximum}`, actual },
  );
}

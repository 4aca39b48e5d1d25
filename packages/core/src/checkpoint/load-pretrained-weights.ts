import { AlbertConfig, checkOptionKeys } from '@albert-ts/config';
import { ALBERT_HEADS } from './albert-weight-specs.js';
import type { AlbertHead } from './albert-weight-specs.js';
import type { CheckpointLimits } from './checkpoint-limits.js';
import type { ModelFileSource } from './model-file-source.js';
import { readCheckpoint } from './read-checkpoint.js';
import type { CheckpointFormat } from './read-checkpoint.js';
import { resolveAlbertWeights } from './resolve-albert-weights.js';
import { albertTensorFilter } from './tensor-filter.js';
import type { AlbertWeights } from './resolve-albert-weights.js';
import { newlyInitializedWarnings, seededNormalSampler } from './initialize-albert-weights.js';

/** Options of {@link loadPretrainedWeights}. */
export interface LoadPretrainedWeightsOptions {
  /** Use this config instead of reading `config.json` from the source. */
  readonly config?: AlbertConfig;
  /** Overrides of the {@link CheckpointLimits} the readers enforce. */
  readonly checkpointLimits?: Partial<CheckpointLimits>;
  /**
   * Initialize the head weights the checkpoint lacks (pooler, classifier, ...) as HF does, with a
   * warning in {@link PretrainedWeights.warnings}, instead of failing with `CHECKPOINT_MISSING_TENSOR`
   * (default false here; `fromPretrained` turns it on). Encoder tensors are never initialized.
   */
  readonly initializeMissingHead?: boolean;
  /** Seed of the initialization (default 0 here; the same seed gives the same weights). */
  readonly seed?: number;
  /** Initialize tensors whose checkpoint shape differs from the config's (HF `ignore_mismatched_sizes`). */
  readonly ignoreMismatchedSizes?: boolean;
}

/** Result of {@link loadPretrainedWeights}. */
export interface PretrainedWeights {
  /** The model's config (parsed from `config.json` unless given). */
  readonly config: AlbertConfig;
  /** The head that was resolved. */
  readonly head: AlbertHead;
  /** The head's weights, checked against the config. */
  readonly weights: AlbertWeights;
  /** The layout of the weights file(s). */
  readonly format: CheckpointFormat;
  /** The files that were read (config.json first when it was read). */
  readonly files: readonly string[];
  /** HF's "Some weights of ... were not initialized" warnings, when weights were initialized. */
  readonly warnings: readonly string[];
}

/**
 * The head a config's `architectures` names (its first entry, when it is an ALBERT head), else
 * `AlbertModel`.
 */
export function headOfConfig(config: AlbertConfig): AlbertHead {
  const architecture = config.architectures?.[0];
  return (ALBERT_HEADS as readonly string[]).includes(architecture ?? '')
    ? (architecture as AlbertHead)
    : 'AlbertModel';
}

/**
 * Reads `config.json` (through `AlbertConfig.parse`, so config errors name the file), the weights
 * (see `readCheckpoint`) and resolves the weights of `head` (default: the config's first
 * `architectures` entry) with `resolveAlbertWeights`. The readers get `albertTensorFilter(config, head)`:
 * a tensor is checked against the shape the config implies before it is allocated, and tensors the
 * head does not use are never decoded.
 *
 * @throws `ConfigError` for a bad config.json, {@link CheckpointError} for bad or unsafe weights.
 */
export async function loadPretrainedWeights(
  source: ModelFileSource,
  head?: AlbertHead,
  options: LoadPretrainedWeightsOptions = {},
): Promise<PretrainedWeights> {
  checkOptionKeys(
    options,
    ['config', 'checkpointLimits', 'initializeMissingHead', 'seed', 'ignoreMismatchedSizes'],
    'loadPretrainedWeights',
  );
  const files: string[] = [];
  let config = options.config;
  if (config === undefined) {
    config = AlbertConfig.parse(await source.readText('config.json'), { file: 'config.json' });
    files.push('config.json');
  }
  const resolvedHead = head ?? headOfConfig(config);
  // Every tensor's shape is checked against the config before it is allocated; unused ones are not decoded.
  const checkpoint = await readCheckpoint(source, {
    filter: albertTensorFilter(config, resolvedHead, { initializeMissingHead: options.initializeMissingHead === true }),
    ...(options.checkpointLimits === undefined ? {} : { limits: options.checkpointLimits }),
  });
  files.push(...checkpoint.files);
  const weights = resolveAlbertWeights(config, checkpoint.stateDict, resolvedHead, {
    file: checkpoint.files[0]!,
    fileOfKey: checkpoint.fileOfKey,
    skipped: checkpoint.skipped,
    ...(options.initializeMissingHead === true || options.ignoreMismatchedSizes === true
      ? {
          initialization: {
            normal: seededNormalSampler(options.seed ?? 0),
            ignoreMismatchedSizes: options.ignoreMismatchedSizes === true,
            initializeMissingHead: options.initializeMissingHead === true,
          },
        }
      : {}),
  });
  const warnings = newlyInitializedWarnings(
    resolvedHead,
    source.description,
    weights.newlyInitializedKeys ?? [],
    weights.mismatchedKeys ?? [],
  );
  return { config, head: resolvedHead, weights, format: checkpoint.format, files, warnings };
}

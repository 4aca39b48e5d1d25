import { ConfigError } from './config-error.js';

/**
 * Upper bounds `AlbertConfig` enforces where a checkpoint cannot tell the size (the layer count of a
 * model whose layers share weights) or where a value alone would make albert-ts build something huge
 * before any file is read (a label map of `num_labels` entries, a deeply nested unknown field).
 * The defaults are far above any published ALBERT; raise one for a config you trust with
 * `AlbertConfig.parse(text, { limits: { maximumLabels: 1_000_000 } })`.
 */
export interface AlbertConfigLimits {
  /** Largest `num_labels` (or `id2label` size). Default 100 000. */
  readonly maximumLabels: number;
  /** Largest `num_hidden_layers × inner_group_num` (transformer layers the graph unrolls). Default 1 024. */
  readonly maximumLayers: number;
  /** Deepest nesting of arrays and objects in a field albert-ts keeps verbatim. Default 100. */
  readonly maximumDepth: number;
  /** Longest config.json text `AlbertConfig.parse` parses, in characters (the CLI: in bytes, before reading). Default 16 MiB. */
  readonly maximumLength: number;
}

/** The default {@link AlbertConfigLimits}. */
export const DEFAULT_ALBERT_CONFIG_LIMITS: AlbertConfigLimits = Object.freeze({
  maximumLabels: 100_000,
  maximumLayers: 1_024,
  maximumDepth: 100,
  maximumLength: 16 * 1024 * 1024,
});

const LIMIT_NAMES = Object.keys(DEFAULT_ALBERT_CONFIG_LIMITS) as (keyof AlbertConfigLimits)[];

/**
 * The defaults with `overrides` applied.
 * @throws {@link ConfigError} `CONFIG_INVALID_LIMITS` for an unknown key or a value that is not a positive integer.
 */
export function resolveConfigLimits(
  overrides: Partial<AlbertConfigLimits> | undefined,
  file: string | undefined,
): AlbertConfigLimits {
  if (overrides === undefined) return DEFAULT_ALBERT_CONFIG_LIMITS;
  if (typeof overrides !== 'object' || overrides === null) {
    throw new ConfigError('CONFIG_INVALID_LIMITS', `limits must be an object, got ${typeof overrides}`, {
      file,
      field: 'limits',
      value: overrides,
    });
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!(LIMIT_NAMES as string[]).includes(name)) {
      throw new ConfigError(
        'CONFIG_INVALID_LIMITS',
        `limits has no limit ${JSON.stringify(name)}; limits: ${LIMIT_NAMES.join(', ')}`,
        { file, field: name, supported: LIMIT_NAMES },
      );
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigError(
        'CONFIG_INVALID_LIMITS',
        `limits.${name} must be a positive integer, got ${String(value)}`,
        { file, field: name, value },
      );
    }
  }
  return Object.freeze({ ...DEFAULT_ALBERT_CONFIG_LIMITS, ...overrides });
}

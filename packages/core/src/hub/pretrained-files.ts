import { WEIGHTS_FILE_NAMES } from '../checkpoint/index.js';

/** The model's configuration: required. */
export const CONFIG_FILE_NAME = 'config.json';

/** Tokenizer files fetched when the repository has them. */
export const TOKENIZER_FILE_NAMES = [
  'spiece.model',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
] as const;

/** Weights files in order of preference (the checkpoint reader's order): the first one present is fetched. */
export const PRETRAINED_WEIGHTS_FILE_NAMES: readonly string[] = WEIGHTS_FILE_NAMES;

/** Which groups of files {@link resolvePretrained} fetches up front. */
export type PretrainedFileGroup = 'config' | 'tokenizer' | 'weights';

/** The shard files named by a sharded checkpoint's index (`weight_map` values), sorted, without duplicates. */
export function shardFilesOfIndex(indexText: string): string[] {
  let index: unknown;
  try {
    index = JSON.parse(indexText);
  } catch {
    return []; // The checkpoint reader reports the invalid index with its own error.
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null) return [];
  const shards = new Set<string>();
  for (const value of Object.values(weightMap as Record<string, unknown>))
    if (typeof value === 'string') shards.add(value);
  return [...shards].sort();
}

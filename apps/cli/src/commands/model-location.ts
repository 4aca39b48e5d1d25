import { isAbsolute, resolve } from 'node:path';
import { resolvePretrained, type ModelFileSource, type ResolvePretrainedOptions } from '@albert-ts/core';
import type { CliContext } from '../cli-context.js';
import { hubProgressReporter } from '../progress-bar.js';

/**
 * The Hub flags of every command that takes a model (`--model DIR|ID`, `verify DIR|ID`, `export DIR|ID`).
 * Each falls back to the environment variable the Python library reads (`HF_TOKEN`, `HF_HUB_OFFLINE`,
 * `HF_HUB_CACHE`/`HF_HOME`).
 */
export const HUB_FLAGS = {
  revision: {
    type: 'string',
    description: 'Hub revision of a model id: branch, tag or commit (default main)',
    valueName: 'REV',
  },
  token: {
    type: 'string',
    description: 'Hub access token for private or gated models (default HF_TOKEN, else the saved token)',
    valueName: 'TOKEN',
  },
  offline: {
    type: 'boolean',
    description: 'use only the local Hugging Face cache, never the network (like HF_HUB_OFFLINE=1)',
  },
  cacheDir: {
    type: 'string',
    description: 'Hugging Face Hub cache directory (default HF_HUB_CACHE, else $HF_HOME/hub)',
    valueName: 'DIR',
  },
} as const;

/** The parsed values of {@link HUB_FLAGS}. */
export interface HubFlagValues {
  /** `--revision`. */
  readonly revision?: string | undefined;
  /** `--token`. */
  readonly token?: string | undefined;
  /** `--offline`. */
  readonly offline?: boolean | undefined;
  /** `--cache-dir`. */
  readonly cacheDir?: string | undefined;
}

/**
 * The options for `resolvePretrained` / `fromPretrained` from the Hub flags and the command's context:
 * relative paths against `context.cwd`, the environment from `context.env`, a progress bar per downloaded
 * file on stderr when it is a TTY (none with `--json`), and Ctrl-C cancelling downloads.
 * @param flags - parsed {@link HUB_FLAGS}.
 * @param context - the command's context.
 * @param options - `json`: `--json` was given (stay quiet).
 */
export function hubOptionsOf(
  flags: HubFlagValues,
  context: CliContext,
  options: { json?: boolean } = {},
): ResolvePretrainedOptions {
  return {
    cwd: context.cwd,
    environment: context.env,
    onProgress: hubProgressReporter({ stream: context.stderr, json: options.json === true }),
    ...(flags.revision === undefined ? {} : { revision: flags.revision }),
    ...(flags.token === undefined ? {} : { token: flags.token }),
    ...(flags.offline === true ? { localFilesOnly: true } : {}),
    ...(flags.cacheDir === undefined ? {} : { cacheDir: resolve(context.cwd, flags.cacheDir) }),
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  };
}

/**
 * Turns `--model` / a `DIR` argument into a file source: an existing directory (relative to the working
 * directory), else a Hugging Face Hub id downloaded into (or, offline, read from) the Python-compatible
 * cache. Errors are the Hub's typed errors (`HUB_LOCAL_NOT_FOUND`, `HUB_OFFLINE_NOT_CACHED`, 401/404, ...).
 */
export async function resolveModelLocation(
  nameOrPath: string,
  flags: HubFlagValues,
  context: CliContext,
  options: { json?: boolean } = {},
): Promise<ModelFileSource> {
  return resolvePretrained(nameOrPath, hubOptionsOf(flags, context, options));
}

/**
 * The local directory that holds a resolved model's files: the snapshot folder of a Hub model in the
 * cache, the directory itself for a local one; `null` when the files are not on disk.
 */
export function localDirectoryOf(source: ModelFileSource): string | null {
  const snapshotDir = (source as { snapshotDir?: unknown }).snapshotDir;
  if (typeof snapshotDir === 'string') return snapshotDir;
  if (snapshotDir === null) return null;
  // directorySource describes itself by its absolute path
  return isAbsolute(source.description) ? source.description : null;
}

import { checkOptionKeys, decodeUtf8Text } from '@albert-ts/config';
import { directorySource, type ModelFileSource } from '../checkpoint/index.js';
import { browserHubSource, type BrowserHubSourceOptions } from './browser-hub-source.js';
import {
  listSnapshotFiles,
  nodeModules,
  readCachedRef,
  repoCachePaths,
  withCacheErrors,
  writeCachedRef,
} from './hub-cache.js';
import { hubCacheSource } from './hub-cache-source.js';
import { downloadHubFile } from './hub-download.js';
import { HubError } from './hub-error.js';
import { isRetryableError } from './hub-http.js';
import type { HubModelSource } from './hub-model-source.js';
import { isCommitHash, looksLikeLocalPath, validateRepoId, validateRevision } from './hub-names.js';
import { fetchHubRevisionInfo } from './hub-revision-info.js';
import { isNodeRuntime, resolveHubSettings, type ResolvedHubSettings } from './hub-settings.js';
import {
  CONFIG_FILE_NAME,
  PRETRAINED_WEIGHTS_FILE_NAMES,
  shardFilesOfIndex,
  TOKENIZER_FILE_NAMES,
  type PretrainedFileGroup,
} from './pretrained-files.js';

/**
 * Options of {@link resolvePretrained}: the Hub options, what to fetch up front, and (browsers only) the
 * Cache API settings of {@link browserHubSource}.
 */
export interface ResolvePretrainedOptions extends BrowserHubSourceOptions {
  /**
   * How to learn which files exist: `api` (default) asks `api/models/{id}/revision/{revision}` once for
   * the commit and the file list; `head` sends a `HEAD` per candidate file, in order of preference.
   */
  readonly discovery?: 'api' | 'head';
  /** Which files to fetch up front (default all three groups); others are fetched on first read. */
  readonly include?: readonly PretrainedFileGroup[];
  /** Directory that a relative local path is resolved against (the CLI's working directory). Default `process.cwd()`. */
  readonly cwd?: string;
}

/** Every key of {@link ResolvePretrainedOptions} (the options object is strict: an unknown key is an `OptionsError`). */
export const RESOLVE_PRETRAINED_OPTION_KEYS = [
  'revision',
  'cacheDir',
  'endpoint',
  'token',
  'localFilesOnly',
  'onProgress',
  'fetch',
  'maxRetries',
  'retryDelayMs',
  'requestTimeoutMs',
  'stallTimeoutMs',
  'maxMetadataBytes',
  'signal',
  'environment',
  'cacheStorage',
  'cacheName',
  'discovery',
  'include',
  'cwd',
] as const satisfies readonly (keyof ResolvePretrainedOptions)[];

/**
 * The {@link ResolvePretrainedOptions} fields of a larger options object (e.g. `fromPretrained`'s), so
 * that a caller passes {@link resolvePretrained} only what it takes.
 */
export function pickResolvePretrainedOptions(options: object): ResolvePretrainedOptions {
  const picked: Record<string, unknown> = {};
  for (const key of RESOLVE_PRETRAINED_OPTION_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked as ResolvePretrainedOptions;
}

/**
 * Turns what a user typed after `--model` / passed to `fromPretrained` into a {@link ModelFileSource}:
 *
 * - an existing local directory → the checkpoint reader's `directorySource`;
 * - otherwise a Hub model id (`org/name` or `name`): in Node, `config.json`, the tokenizer files the
 *   repository has (`spiece.model`, `tokenizer.json`, `tokenizer_config.json`, `special_tokens_map.json`) and
 *   the best weights file (`model.safetensors`, then `model.safetensors.index.json` + its shards, then
 *   `pytorch_model.bin`, then `flax_model.msgpack`) are downloaded into the Python-compatible cache, all
 *   from one commit, and a {@link HubModelSource} over that snapshot is returned. Offline
 *   (`localFilesOnly`, `HF_HUB_OFFLINE=1`) or when the Hub is unreachable, the cache alone answers
 *   (`refs/<revision>` → commit). In browsers, {@link browserHubSource} (fetch + Cache API).
 *
 * @throws {@link HubError} (`HUB_LOCAL_NOT_FOUND` for a path that is not a directory, `HUB_INVALID_ID`,
 * 401/403/404, offline and not cached, network, integrity).
 *
 * @example
 * ```ts
 * import { resolvePretrained } from '@albert-ts/core';
 *
 * const source = await resolvePretrained('albert/albert-base-v2', { localFilesOnly: true }); // the cache alone
 * console.log(source.description, await source.has('model.safetensors'));
 * ```
 */
export async function resolvePretrained(
  idOrPath: string,
  options: ResolvePretrainedOptions = {},
): Promise<ModelFileSource> {
  checkOptionKeys(options, RESOLVE_PRETRAINED_OPTION_KEYS, 'resolvePretrained');
  if (isNodeRuntime()) {
    const local = await localDirectory(idOrPath, options.cwd);
    if (local !== null) return directorySource(local);
    if (looksLikeLocalPath(idOrPath)) {
      throw new HubError(
        'HUB_LOCAL_NOT_FOUND',
        `Model directory '${idOrPath}' does not exist (and it is not a Hugging Face Hub id either)`,
        {
          path: idOrPath,
        },
      );
    }
    return resolveHubModel(idOrPath, options);
  }
  return browserHubSource(idOrPath, options);
}

async function localDirectory(value: string, cwd: string | undefined): Promise<string | null> {
  const { fs, path, os } = await nodeModules();
  const home = value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
  const expanded = cwd === undefined ? home : path.resolve(cwd, home);
  try {
    return (await fs.stat(expanded)).isDirectory() ? expanded : null;
  } catch {
    return null;
  }
}

/**
 * The Hub half of {@link resolvePretrained} in Node: downloads (or finds in the cache) the model's files
 * and returns the source over `snapshots/<commit>/`.
 */
export async function resolveHubModel(repoId: string, options: ResolvePretrainedOptions = {}): Promise<HubModelSource> {
  validateRepoId(repoId);
  const settings = await resolveHubSettings(options);
  validateRevision(repoId, settings.revision);
  const include = new Set<PretrainedFileGroup>(options.include ?? ['config', 'tokenizer', 'weights']);
  const work = async (): Promise<HubModelSource> => {
    if (settings.localFilesOnly) return resolveFromCache(settings, repoId, include, null);
    try {
      return options.discovery === 'head'
        ? await resolveWithHead(settings, repoId, include)
        : await resolveWithListing(settings, repoId, include);
    } catch (error) {
      // The Hub is unreachable (network, 5xx): the cache may have everything, as in the Python library.
      if (error instanceof HubError && isRetryableError(error))
        return resolveFromCache(settings, repoId, include, error);
      throw error;
    }
  };
  if (settings.cacheDir === null) return work();
  return withCacheErrors({ repoId, revision: settings.revision, cacheDir: settings.cacheDir }, work);
}

async function resolveWithListing(
  settings: ResolvedHubSettings,
  repoId: string,
  include: ReadonlySet<PretrainedFileGroup>,
): Promise<HubModelSource> {
  const revision = settings.revision;
  const info = await fetchHubRevisionInfo(settings, repoId, revision);
  if (settings.cacheDir !== null)
    await writeCachedRef(await repoCachePaths(settings.cacheDir, repoId), revision, info.commit);
  const listing = new Set(info.files);
  const wanted: string[] = [];
  if (include.has('config')) {
    if (!listing.has(CONFIG_FILE_NAME)) {
      throw new HubError(
        'HUB_ENTRY_NOT_FOUND',
        `File '${CONFIG_FILE_NAME}' not found in repository '${repoId}' at revision '${revision}' (commit ${info.commit}): is it an ALBERT model repository?`,
        {
          repoId,
          revision,
          file: CONFIG_FILE_NAME,
        },
      );
    }
    wanted.push(CONFIG_FILE_NAME);
  }
  if (include.has('tokenizer')) wanted.push(...TOKENIZER_FILE_NAMES.filter((name) => listing.has(name)));
  const files: string[] = [];
  for (const file of wanted) {
    await downloadHubFile(settings, repoId, file, info.commit);
    files.push(file);
  }
  if (include.has('weights')) {
    const weights = PRETRAINED_WEIGHTS_FILE_NAMES.find((name) => listing.has(name));
    if (weights !== undefined) files.push(...(await downloadWeights(settings, repoId, info.commit, weights)));
  }
  return hubCacheSource({ settings, repoId, revision, commit: info.commit, listing, files, offline: false });
}

async function resolveWithHead(
  settings: ResolvedHubSettings,
  repoId: string,
  include: ReadonlySet<PretrainedFileGroup>,
): Promise<HubModelSource> {
  const revision = settings.revision;
  // config.json is always asked first: it pins the commit (X-Repo-Commit) for every other file.
  const config = await downloadHubFile(settings, repoId, CONFIG_FILE_NAME, revision);
  const commit = config.commit;
  const files = include.has('config') ? [CONFIG_FILE_NAME] : [];
  const optional = async (file: string): Promise<boolean> => {
    try {
      await downloadHubFile(settings, repoId, file, commit);
      return true;
    } catch (error) {
      if (error instanceof HubError && error.code === 'HUB_ENTRY_NOT_FOUND') return false;
      throw error;
    }
  };
  if (include.has('tokenizer')) {
    for (const file of TOKENIZER_FILE_NAMES) if (await optional(file)) files.push(file);
  }
  if (include.has('weights')) {
    for (const weights of PRETRAINED_WEIGHTS_FILE_NAMES) {
      if (!(await optional(weights))) continue;
      files.push(weights, ...(await downloadWeights(settings, repoId, commit, weights)).slice(1));
      break;
    }
  }
  return hubCacheSource({ settings, repoId, revision, commit, listing: null, files, offline: false });
}

/** Downloads a weights file and, for an index, its shards; returns the files in order. */
async function downloadWeights(
  settings: ResolvedHubSettings,
  repoId: string,
  commit: string,
  weights: string,
): Promise<string[]> {
  const result = await downloadHubFile(settings, repoId, weights, commit);
  if (!weights.endsWith('.index.json')) return [weights];
  const { fs } = await nodeModules();
  const size = (await fs.stat(result.path)).size;
  if (size > settings.maxMetadataBytes) {
    throw new HubError(
      'HUB_RESPONSE_TOO_LARGE',
      `'${weights}' of repository '${repoId}' at commit ${commit} is ${size} bytes, more than the ${settings.maxMetadataBytes} bytes ` +
        'a checkpoint index may have (the maxMetadataBytes option raises the limit)',
      { repoId, revision: commit, file: weights, path: result.path, limit: settings.maxMetadataBytes, actual: size },
    );
  }
  const shards = shardFilesOfIndex(decodeUtf8Text(await fs.readFile(result.path), weights));
  for (const shard of shards) await downloadHubFile(settings, repoId, shard, commit);
  return [weights, ...shards];
}

async function resolveFromCache(
  settings: ResolvedHubSettings,
  repoId: string,
  include: ReadonlySet<PretrainedFileGroup>,
  networkError: HubError | null,
): Promise<HubModelSource> {
  const revision = settings.revision;
  const cacheDir = settings.cacheDir ?? '';
  const paths = await repoCachePaths(cacheDir, repoId);
  const commit = await readCachedRef(paths, revision);
  const cachedFiles = commit === null ? [] : await listSnapshotFiles(paths, commit);
  const reason =
    networkError !== null
      ? `the Hub could not be reached (${networkError.message})`
      : 'offline mode is on (localFilesOnly or HF_HUB_OFFLINE)';
  const missing = (what: string): never => {
    throw new HubError(
      networkError !== null ? networkError.code : 'HUB_OFFLINE_NOT_CACHED',
      `${what} of repository '${repoId}' at revision '${revision}' ${commit === null ? '' : `(commit ${commit}) `}is not in the cache ${cacheDir} and ${reason}`,
      { repoId, revision, cacheDir, ...(networkError !== null ? { url: networkError.details.url } : {}) },
      { cause: networkError ?? undefined },
    );
  };
  if (commit === null) return missing(isCommitHash(revision) ? 'This commit' : `No snapshot (refs/${revision})`);
  const present = new Set(cachedFiles);
  if (include.has('config') && !present.has(CONFIG_FILE_NAME)) missing(`'${CONFIG_FILE_NAME}'`);
  if (include.has('weights') && networkError !== null) {
    // A download that failed on the network must not surface later as "no weights file": keep its cause.
    const weights = PRETRAINED_WEIGHTS_FILE_NAMES.find((name) => present.has(name));
    if (weights === undefined) missing('The weights file');
    else if (weights.endsWith('.index.json')) {
      const { fs, path } = await nodeModules();
      const indexPath = path.join(paths.snapshots, commit, weights);
      const size = (await fs.stat(indexPath)).size;
      const shards = size <= settings.maxMetadataBytes ? shardFilesOfIndex(await fs.readFile(indexPath, 'utf8')) : [];
      const absent = shards.filter((shard) => !present.has(shard));
      if (absent.length > 0)
        missing(`Shard '${absent[0] ?? ''}'${absent.length > 1 ? ` (and ${absent.length - 1} more)` : ''}`);
    }
  }
  const files = cachedFiles.filter(
    (file) =>
      file === CONFIG_FILE_NAME ||
      (TOKENIZER_FILE_NAMES as readonly string[]).includes(file) ||
      PRETRAINED_WEIGHTS_FILE_NAMES.includes(file),
  );
  for (const file of files) {
    settings.onProgress?.({
      repoId,
      file,
      phase: 'done',
      loadedBytes: 0,
      totalBytes: null,
      resumedBytes: 0,
      fromCache: true,
    });
  }
  return hubCacheSource({
    settings: { ...settings, localFilesOnly: true },
    repoId,
    revision,
    commit,
    listing: null,
    files,
    offline: true,
  });
}

import { acquireFileLock } from './file-lock.js';
import {
  createPointer,
  lookupCachedFile,
  nodeModules,
  repoCachePaths,
  snapshotPath,
  writeCachedRef,
  writeNoExistMarker,
  withCacheErrors,
  type RepoCachePaths,
} from './hub-cache.js';
import { HubError } from './hub-error.js';
import { fetchHubFileMetadata, type HubFileMetadata } from './hub-file-metadata.js';
import {
  delay,
  hubRequest,
  isRetryableError,
  readResponseBody,
  retryDelay,
  throwForStatus,
  type HubRequestContext,
} from './hub-http.js';
import { isCommitHash, validateRepoFile, validateRepoId, validateRevision } from './hub-names.js';
import { isNodeRuntime, resolveHubSettings, type HubOptions, type ResolvedHubSettings } from './hub-settings.js';

/** Where {@link hubDownload} put a file. */
export interface HubDownloadResult {
  /** `<cacheDir>/models--org--name/snapshots/<commit>/<file>` (a symlink to the blob). */
  readonly path: string;
  /** Commit the revision resolved to. */
  readonly commit: string;
  /** True when nothing was downloaded. */
  readonly fromCache: boolean;
}

const SHA256 = /^[0-9a-f]{64}$/;
const GIT_SHA1 = /^[0-9a-f]{40}$/;
const SAFE_BLOB_NAME = /^[\w.-]{1,128}$/;

/** Downloads of one blob in progress in this process, keyed by blob path. */
const blobsInFlight = new Map<string, Promise<boolean>>();

/**
 * Downloads one file of a Hub model repository into the cache (the Python library's layout, shared with
 * it) and returns its snapshot path, like Python's `hf_hub_download`. Node only.
 *
 * - A commit-hash revision already in the cache returns at once, without network.
 * - Otherwise a `HEAD` gives the commit, ETag and size; `refs/<revision>` records the commit; an existing
 *   blob is linked, else the file is downloaded to `blobs/<etag>.incomplete` (resumed with `Range` after
 *   a dropped connection, up to `maxRetries` times), its size and hash checked (sha256 for LFS files, git
 *   blob sha1 for others), fsynced and renamed to `blobs/<etag>`, then `snapshots/<commit>/<file>` is
 *   created as a relative symlink. A lock file serializes concurrent downloads of one blob.
 * - Offline (`localFilesOnly`, `HF_HUB_OFFLINE=1`), or when the Hub cannot be reached, the cache answers
 *   through `refs/<revision>`.
 *
 * @throws {@link HubError} naming the repository, file and revision (401/403 with a token hint, 404, offline and not cached, integrity).
 *
 * @example
 * ```ts
 * import { hubDownload } from '@albert-ts/core';
 *
 * // Into the cache Python uses (~/.cache/huggingface/hub), pinned to a revision; a second call reads the cache.
 * const { path, commit, fromCache } = await hubDownload('albert/albert-base-v2', 'config.json', { revision: 'main' });
 * console.log(path, commit, fromCache);
 * ```
 */
export async function hubDownload(repoId: string, file: string, options: HubOptions = {}): Promise<HubDownloadResult> {
  const settings = await resolveHubSettings(options);
  return downloadHubFile(settings, repoId, file, settings.revision);
}

/** {@link hubDownload} with settings already resolved (shared by the files of one model). */
export async function downloadHubFile(
  settings: ResolvedHubSettings,
  repoId: string,
  file: string,
  revision: string,
): Promise<HubDownloadResult> {
  validateRepoId(repoId);
  validateRepoFile(repoId, file);
  validateRevision(repoId, revision);
  if (!isNodeRuntime() || settings.cacheDir === null) {
    throw new HubError(
      'HUB_INVALID_ID',
      `hubDownload needs Node and a cache directory; in browsers use browserHubSource('${repoId}')`,
      {
        repoId,
        file,
        revision,
      },
    );
  }
  const cacheDir = settings.cacheDir;
  return withCacheErrors({ repoId, revision, file, cacheDir }, () =>
    downloadIntoCache(settings, cacheDir, repoId, file, revision),
  );
}

async function downloadIntoCache(
  settings: ResolvedHubSettings,
  cacheDir: string,
  repoId: string,
  file: string,
  revision: string,
): Promise<HubDownloadResult> {
  const paths = await repoCachePaths(cacheDir, repoId);
  const context: HubRequestContext = { repoId, file, revision };

  if (isCommitHash(revision) || settings.localFilesOnly) {
    const cached = await lookupCachedFile(paths, revision, file);
    if (cached.kind === 'found') return reportCached(settings, context, cached.path, cached.commit);
    if (settings.localFilesOnly) throwNotCached(context, cacheDir, cached.kind === 'missing-on-hub', null);
  }

  const metadata = await fetchMetadataOrFallBack(settings, paths, context, cacheDir);
  if ('fromCache' in metadata) return metadata;
  validateBlobName(metadata, context);
  await writeCachedRef(paths, revision, metadata.commit);

  const pointer = await snapshotPath(paths, metadata.commit, file);
  if (await isFile(pointer)) return reportCached(settings, context, pointer, metadata.commit, metadata.size);
  const { path } = await nodeModules();
  const blob = path.join(paths.blobs, metadata.etag);
  if (await isFile(blob)) {
    await createPointer(blob, pointer);
    return reportCached(settings, context, pointer, metadata.commit, metadata.size);
  }
  const downloaded = await ensureBlob(settings, paths, context, metadata, blob);
  if (!(await isFile(pointer))) await createPointer(blob, pointer);
  return { path: pointer, commit: metadata.commit, fromCache: !downloaded };
}

async function fetchMetadataOrFallBack(
  settings: ResolvedHubSettings,
  paths: RepoCachePaths,
  context: HubRequestContext,
  cacheDir: string,
): Promise<HubFileMetadata | HubDownloadResult> {
  const { repoId, file, revision } = context as Required<HubRequestContext>;
  const onMissing = async (commit: string): Promise<void> => {
    await writeNoExistMarker(paths, commit, file);
    await writeCachedRef(paths, revision, commit);
  };
  let firstError: HubError;
  try {
    return await fetchHubFileMetadata(settings, repoId, file, revision, onMissing);
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    if (error.code === 'HUB_ENTRY_NOT_FOUND' || error.code === 'HUB_REVISION_NOT_FOUND') throw error;
    firstError = error;
  }
  // The Hub could not answer (network down, 5xx, auth): the cache may, as in the Python library.
  const cached = await lookupCachedFile(paths, revision, file);
  if (cached.kind === 'found') return reportCached(settings, context, cached.path, cached.commit);
  if (!isRetryableError(firstError)) throw firstError;
  let lastError: HubError = firstError;
  for (let attempt = 0; attempt < settings.maxRetries; attempt += 1) {
    await delay(retryDelay(settings, attempt), settings.signal);
    try {
      return await fetchHubFileMetadata(settings, repoId, file, revision, onMissing);
    } catch (error) {
      if (!(error instanceof HubError) || !isRetryableError(error)) throw error;
      lastError = error;
    }
  }
  throwNotCached(context, cacheDir, false, lastError, settings.maxRetries);
}

function throwNotCached(
  context: HubRequestContext,
  cacheDir: string,
  knownMissing: boolean,
  networkError: HubError | null,
  retries = 0,
): never {
  const { repoId, file, revision } = context;
  if (knownMissing) {
    throw new HubError(
      'HUB_ENTRY_NOT_FOUND',
      `File '${file}' does not exist in repository '${repoId}' at revision '${revision}' (recorded in the cache's .no_exist folder under ${cacheDir})`,
      { ...context, cacheDir },
    );
  }
  if (networkError !== null) {
    throw new HubError(
      networkError.code,
      `${networkError.message} (after ${retries} retries); '${file}' of '${repoId}' at revision '${revision}' is not in the cache ${cacheDir} either`,
      { ...networkError.details, cacheDir },
      { cause: networkError },
    );
  }
  throw new HubError(
    'HUB_OFFLINE_NOT_CACHED',
    `File '${file}' of repository '${repoId}' at revision '${revision}' is not in the cache ${cacheDir} and offline mode is on ` +
      '(localFilesOnly or HF_HUB_OFFLINE): download it once online, or point HF_HUB_CACHE at a cache that has it',
    { ...context, cacheDir },
  );
}

function validateBlobName(metadata: HubFileMetadata, context: HubRequestContext): void {
  if (!SAFE_BLOB_NAME.test(metadata.etag) || metadata.etag.includes('..') || !isCommitHash(metadata.commit)) {
    throw new HubError(
      'HUB_BAD_RESPONSE',
      `The Hub answered an unusable ETag ${JSON.stringify(metadata.etag.slice(0, 80))} (expected 1 to 128 letters, digits, '_', '-', '.') ` +
        `or commit ${JSON.stringify(metadata.commit.slice(0, 80))} (expected 40 hex digits) for '${context.file}' of repository '${context.repoId}'`,
      { ...context },
    );
  }
}

async function isFile(target: string): Promise<boolean> {
  const { fs } = await nodeModules();
  try {
    return (await fs.stat(target)).isFile();
  } catch {
    return false;
  }
}

async function fileSize(target: string): Promise<number | null> {
  const { fs } = await nodeModules();
  try {
    return (await fs.stat(target)).size;
  } catch {
    return null;
  }
}

async function reportCached(
  settings: ResolvedHubSettings,
  context: HubRequestContext,
  pointer: string,
  commit: string,
  knownSize?: number,
): Promise<HubDownloadResult> {
  if (settings.onProgress !== null) {
    const size = knownSize ?? (await fileSize(pointer)) ?? 0;
    settings.onProgress({
      repoId: context.repoId,
      file: context.file ?? '',
      phase: 'done',
      loadedBytes: size,
      totalBytes: size,
      resumedBytes: 0,
      fromCache: true,
    });
  }
  return { path: pointer, commit, fromCache: true };
}

/**
 * Downloads `blob` once, whatever the number of concurrent callers in this and other processes.
 * Resolves to true for the one caller that downloaded it, false for those that found it done.
 */
async function ensureBlob(
  settings: ResolvedHubSettings,
  paths: RepoCachePaths,
  context: HubRequestContext,
  metadata: HubFileMetadata,
  blob: string,
): Promise<boolean> {
  const running = blobsInFlight.get(blob);
  if (running !== undefined) {
    await running;
    return false;
  }
  const { path } = await nodeModules();
  const work = (async () => {
    const release = await acquireFileLock(path.join(paths.locks, `${metadata.etag}.albert-ts.lock`), {
      signal: settings.signal,
    });
    try {
      if (await isFile(blob)) return false; // Another process finished it while we waited.
      await downloadBlob(settings, context, metadata, blob);
      return true;
    } finally {
      await release();
    }
  })();
  blobsInFlight.set(blob, work);
  try {
    return await work;
  } finally {
    blobsInFlight.delete(blob);
  }
}

async function downloadBlob(
  settings: ResolvedHubSettings,
  context: HubRequestContext,
  metadata: HubFileMetadata,
  blob: string,
): Promise<void> {
  const { fs, path } = await nodeModules();
  await fs.mkdir(path.dirname(blob), { recursive: true });
  const incomplete = `${blob}.incomplete`;
  const progress = (phase: 'start' | 'progress' | 'done', loadedBytes: number, resumedBytes: number): void =>
    settings.onProgress?.({
      repoId: context.repoId,
      file: context.file ?? '',
      phase,
      loadedBytes,
      totalBytes: metadata.size,
      resumedBytes,
      fromCache: false,
    });
  let retries = 0;
  let restartedAfterMismatch = false;
  let resumedAtAll = false;
  let started = false;
  for (;;) {
    let have = (await fileSize(incomplete)) ?? 0;
    if (have > metadata.size) {
      await fs.truncate(incomplete, 0);
      have = 0;
    }
    if (!started) {
      progress('start', have, have);
      started = true;
    }
    if (have < metadata.size || (await fileSize(incomplete)) === null) {
      if (have > 0) resumedAtAll = true;
      try {
        await fetchIntoIncomplete(settings, context, metadata, incomplete, have, (loaded) =>
          progress('progress', loaded, have),
        );
      } catch (error) {
        if (error instanceof HubError && isRetryableError(error) && retries < settings.maxRetries) {
          await delay(retryDelay(settings, retries), settings.signal);
          retries += 1;
          continue;
        }
        if (error instanceof HubError && isRetryableError(error)) {
          throw new HubError(
            error.code,
            `${error.message} (gave up after ${retries} retries; the partial download is kept in ${incomplete} and resumes next time)`,
            { ...error.details, path: incomplete },
            { cause: error },
          );
        }
        throw error;
      }
    }
    const mismatch = await verifyBlob(incomplete, metadata);
    if (mismatch !== null) {
      await fs.rm(incomplete, { force: true });
      if (resumedAtAll && !restartedAfterMismatch) {
        // A corrupt or foreign partial file: start over once from the first byte.
        restartedAfterMismatch = true;
        resumedAtAll = false;
        continue;
      }
      throw new HubError(
        'HUB_INTEGRITY',
        `Downloaded '${context.file}' of repository '${context.repoId}' at revision '${context.revision}' does not match what the Hub announced: ` +
          `${mismatch.what} expected ${mismatch.expected}, got ${mismatch.actual} (${metadata.downloadUrl}); the partial file was deleted`,
        {
          ...context,
          url: metadata.downloadUrl,
          expected: mismatch.expected,
          actual: mismatch.actual,
          path: incomplete,
        },
      );
    }
    await fs.rename(incomplete, blob);
    await syncDirectory(path.dirname(blob));
    progress('done', metadata.size, 0);
    return;
  }
}

async function fetchIntoIncomplete(
  settings: ResolvedHubSettings,
  context: HubRequestContext,
  metadata: HubFileMetadata,
  incomplete: string,
  have: number,
  onBytes: (loaded: number) => void,
): Promise<void> {
  const { fs } = await nodeModules();
  const controller = new AbortController();
  const headers: Record<string, string> = have > 0 ? { Range: `bytes=${have}-` } : {};
  const { response, url, sentToken } = await hubRequest(settings, metadata.downloadUrl, context, {
    headers,
    controller,
  });
  let start = have;
  if (have > 0 && response.status === 416) {
    await response.body?.cancel().catch(() => undefined);
    await fs.truncate(incomplete, 0);
    throw new HubError(
      'HUB_NETWORK',
      `${url} refused to resume '${context.file}' at byte ${have}; restarting from the first byte`,
      {
        ...context,
        url,
        status: 416,
      },
    );
  }
  if (response.status >= 400) await response.body?.cancel().catch(() => undefined);
  throwForStatus(response, url, context, sentToken);
  if (have > 0 && response.status === 206) {
    const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
    if (range === null || Number(range[1]) !== have) {
      await response.body?.cancel().catch(() => undefined);
      await fs.truncate(incomplete, 0);
      throw new HubError(
        'HUB_NETWORK',
        `${url} resumed '${context.file}' at the wrong byte (${range?.[1] ?? '?'} instead of ${have}); restarting`,
        {
          ...context,
          url,
          status: 206,
        },
      );
    }
  } else if (have > 0) {
    start = 0; // The server ignored the Range header and sends the whole file.
  }
  if (response.body === null) {
    throw new HubError('HUB_BAD_RESPONSE', `${url} sent no body for '${context.file}'`, {
      ...context,
      url,
      status: response.status,
    });
  }
  const handle = await fs.open(incomplete, start > 0 ? 'a' : 'w');
  let loaded = start;
  try {
    // Never more than the announced size: the read stops at the first chunk that would pass it.
    await readResponseBody(settings, response, url, context, {
      maxBytes: metadata.size - start,
      loadedBefore: start,
      controller,
      what: `'${context.file}' (announced as ${metadata.size} bytes)`,
      onChunk: async (chunk) => {
        await handle.write(chunk);
        loaded += chunk.byteLength;
        onBytes(loaded);
      },
    });
  } catch (error) {
    if (error instanceof HubError && error.code === 'HUB_RESPONSE_TOO_LARGE') {
      await handle.close().catch(() => undefined);
      await fs.rm(incomplete, { force: true });
      throw new HubError(
        'HUB_RESPONSE_TOO_LARGE',
        `${error.message}; the partial file was deleted`,
        { ...error.details, expected: metadata.size, path: incomplete },
        { cause: error },
      );
    }
    throw error;
  } finally {
    await handle.sync().catch(() => undefined);
    await handle.close().catch(() => undefined);
  }
  if (loaded < metadata.size) {
    throw new HubError(
      'HUB_NETWORK',
      `Connection closed after ${loaded} of ${metadata.size} bytes of '${context.file}' of repository '${context.repoId}' (${url})`,
      { ...context, url },
    );
  }
}

/** Compares size and hash of `file` with the metadata: `null` when they match. */
async function verifyBlob(
  file: string,
  metadata: HubFileMetadata,
): Promise<{ what: string; expected: string | number; actual: string | number } | null> {
  const size = (await fileSize(file)) ?? 0;
  if (size !== metadata.size) return { what: 'size', expected: metadata.size, actual: size };
  const algorithm = SHA256.test(metadata.etag) ? 'sha256' : GIT_SHA1.test(metadata.etag) ? 'sha1' : null;
  if (algorithm === null) return null; // An ETag that is not a content hash cannot be checked.
  const { crypto } = await nodeModules();
  const { createReadStream } = (await import('#node-builtins')).fs;
  const hash = crypto.createHash(algorithm);
  // Small (non-LFS) files: the ETag is the git blob id, sha1 of "blob <size>\0" + contents.
  if (algorithm === 'sha1') hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Uint8Array);
  const actual = hash.digest('hex');
  return actual === metadata.etag
    ? null
    : { what: algorithm === 'sha256' ? 'sha256' : 'git blob sha1', expected: metadata.etag, actual };
}

async function syncDirectory(directory: string): Promise<void> {
  const { fs } = await nodeModules();
  try {
    const handle = await fs.open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported everywhere (Windows); the rename is still atomic.
  }
}

import { decodeUtf8Text } from '@albert-ts/config';
import { CheckpointError } from '../checkpoint/index.js';
import { HubError } from './hub-error.js';
import { delay, hubRequest, isRetryableError, readResponseBody, retryDelay, throwForStatus } from './hub-http.js';
import type { HubModelSource } from './hub-model-source.js';
import {
  hubFileUrl,
  hubRevisionApiUrl,
  isCommitHash,
  validateRepoFile,
  validateRepoId,
  validateRevision,
} from './hub-names.js';
import { normalizeEtag } from './hub-file-metadata.js';
import { fetchHubRevisionInfo, parseRevisionInfo, type HubRevisionInfo } from './hub-revision-info.js';
import { isNodeRuntime, resolveHubSettings, type HubOptions, type ResolvedHubSettings } from './hub-settings.js';

/** Browsers must let `fetch` follow redirects (`manual` hides them); Node follows them itself, to control the token. */
const redirectMode = (): 'manual' | 'follow' => (isNodeRuntime() ? 'manual' : 'follow');

/** Name of the Cache API cache that holds Hub files in browsers. */
export const BROWSER_HUB_CACHE_NAME = 'albert-ts-hub';

/** Options of {@link browserHubSource}. */
export interface BrowserHubSourceOptions extends HubOptions {
  /** The Cache API to use; default `globalThis.caches`; `null` (or an absent `caches`) disables caching. */
  readonly cacheStorage?: CacheStorage | null;
  /** Cache name. Default {@link BROWSER_HUB_CACHE_NAME}. */
  readonly cacheName?: string;
}

/**
 * A {@link HubModelSource} for browsers (works in any runtime with `fetch`): the revision is resolved to a
 * commit with one call to `api/models/{id}/revision/{revision}` (whose answer is cached too, for offline
 * use), then each file is fetched from `{endpoint}/{id}/resolve/{commit}/{file}` and stored in the Cache API
 * under that URL, so entries are immutable and keyed by commit. Without `caches` nothing is cached. Offline
 * (`localFilesOnly`) or when the Hub is unreachable, the cache alone answers.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM, browserHubSource } from '@albert-ts/core';
 * import { wasmBackend } from '@albert-ts/backend-wasm';
 *
 * // In a browser: files fetched from the Hub once, then served from the Cache API.
 * const source = await browserHubSource('albert/albert-base-v2', { revision: 'main' });
 * const model = await AlbertForMaskedLM.fromPretrained(source, { backend: wasmBackend() });
 * ```
 */
export async function browserHubSource(repoId: string, options: BrowserHubSourceOptions = {}): Promise<HubModelSource> {
  validateRepoId(repoId);
  const settings = await resolveHubSettings(options);
  const revision = settings.revision;
  validateRevision(repoId, revision);
  const cache = await openCache(options);
  const apiUrl = hubRevisionApiUrl(settings.endpoint, repoId, revision);

  let info: HubRevisionInfo | null = null;
  let offline = settings.localFilesOnly;
  let networkError: HubError | null = null;
  if (!offline) {
    try {
      const fetched = await fetchHubRevisionInfo(settings, repoId, revision, redirectMode());
      info = fetched;
      await cache
        ?.put(apiUrl, new Response(JSON.stringify(fetched.json), { headers: { 'Content-Type': 'application/json' } }))
        .catch(() => undefined);
    } catch (error) {
      if (!(error instanceof HubError) || !isRetryableError(error)) throw error;
      networkError = error;
      offline = true;
    }
  }
  if (info === null) {
    const cached = await cache?.match(apiUrl);
    if (cached !== undefined) info = parseRevisionInfo(await cached.json(), apiUrl, repoId, revision);
    else if (isCommitHash(revision)) info = { commit: revision, files: [] };
    else {
      const reason =
        networkError !== null
          ? `the Hub could not be reached (${networkError.message})`
          : 'offline mode is on (localFilesOnly)';
      throw new HubError(
        networkError?.code ?? 'HUB_OFFLINE_NOT_CACHED',
        `Revision '${revision}' of repository '${repoId}' is not in the browser cache '${options.cacheName ?? BROWSER_HUB_CACHE_NAME}' and ${reason}`,
        { repoId, revision, url: apiUrl },
        { cause: networkError ?? undefined },
      );
    }
  }
  const commit = info.commit;
  const listing = info.files.length > 0 ? new Set(info.files) : null;
  const description = `${repoId}@${commit} (Hugging Face Hub${cache === null ? '' : ', browser cache'})`;
  const urlOf = (name: string): string => {
    try {
      validateRepoFile(repoId, name);
    } catch (error) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID_FILE_NAME',
        `invalid model file name ${JSON.stringify(name)} in ${description}`,
        {
          file: name,
          source: description,
        },
        { cause: error },
      );
    }
    return hubFileUrl(settings.endpoint, repoId, name, commit);
  };
  const notFound = (name: string, cause?: unknown): CheckpointError =>
    new CheckpointError(
      'CHECKPOINT_FILE_NOT_FOUND',
      `${name}: file not found in ${description}${cause instanceof Error ? `: ${cause.message}` : ''}`,
      {
        file: name,
        source: description,
      },
      { cause },
    );

  const read = async (name: string): Promise<Uint8Array> => {
    const url = urlOf(name);
    const cached = await cache?.match(url);
    if (cached !== undefined) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      settings.onProgress?.({
        repoId,
        file: name,
        phase: 'done',
        loadedBytes: bytes.byteLength,
        totalBytes: bytes.byteLength,
        resumedBytes: 0,
        fromCache: true,
      });
      return bytes;
    }
    if (listing !== null && !listing.has(name)) throw notFound(name);
    if (offline) {
      throw notFound(
        name,
        new HubError('HUB_OFFLINE_NOT_CACHED', `'${name}' is not in the browser cache and the source is offline`, {
          repoId,
          revision,
          file: name,
          url,
        }),
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = await downloadWithRetries(settings, url, { repoId, revision: commit, file: name });
    } catch (error) {
      if (error instanceof HubError && error.code === 'HUB_ENTRY_NOT_FOUND') throw notFound(name, error);
      throw error;
    }
    const body = bytes.slice().buffer;
    await cache
      ?.put(
        url,
        new Response(body, { headers: { 'Content-Length': String(bytes.byteLength), 'X-Repo-Commit': commit } }),
      )
      .catch(() => undefined); // A full quota only loses the cache entry.
    return bytes;
  };

  return {
    description,
    repoId,
    revision,
    commit,
    snapshotDir: null,
    files: [],
    offline,
    async has(name) {
      const url = urlOf(name);
      if ((await cache?.match(url)) !== undefined) return true;
      if (listing !== null) return listing.has(name);
      if (offline) return false;
      const context = { repoId, revision: commit, file: name };
      const {
        response,
        url: finalUrl,
        sentToken,
      } = await hubRequest(settings, url, context, { method: 'HEAD', redirect: redirectMode() });
      if (response.status === 404) return false;
      throwForStatus(response, finalUrl, context, sentToken);
      return true;
    },
    read,
    async readText(name) {
      return decodeUtf8Text(await read(name), name);
    },
  };
}

async function openCache(options: BrowserHubSourceOptions): Promise<Cache | null> {
  const storage =
    options.cacheStorage === undefined ? (globalThis as { caches?: CacheStorage }).caches : options.cacheStorage;
  if (storage === undefined || storage === null) return null;
  try {
    return await storage.open(options.cacheName ?? BROWSER_HUB_CACHE_NAME);
  } catch {
    return null; // e.g. opaque origins or disabled storage.
  }
}

async function downloadWithRetries(
  settings: ResolvedHubSettings,
  url: string,
  context: { repoId: string; revision: string; file: string },
): Promise<Uint8Array> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await downloadOnce(settings, url, context);
    } catch (error) {
      if (!(error instanceof HubError) || !isRetryableError(error) || attempt >= settings.maxRetries) throw error;
      await delay(retryDelay(settings, attempt), settings.signal);
    }
  }
}

/** Most bytes one file may have in a browser when the server gives no `Content-Length` (an `ArrayBuffer`'s limit). */
const MAX_BROWSER_FILE_BYTES = 4 * 1024 * 1024 * 1024;

async function downloadOnce(
  settings: ResolvedHubSettings,
  url: string,
  context: { repoId: string; revision: string; file: string },
): Promise<Uint8Array> {
  const controller = new AbortController();
  const {
    response,
    url: finalUrl,
    sentToken,
    redirectHeaders,
  } = await hubRequest(settings, url, context, { redirect: redirectMode(), controller });
  if (response.status >= 400) await response.body?.cancel().catch(() => undefined);
  throwForStatus(response, finalUrl, context, sentToken);
  const integrity = expectedIntegrity(response.headers, redirectHeaders, response.redirected);
  const lengthHeader = response.headers.get('content-length');
  const announced =
    lengthHeader !== null && /^\d+$/.test(lengthHeader.trim()) && Number.isSafeInteger(Number(lengthHeader))
      ? Number(lengthHeader)
      : null;
  const total = integrity.size ?? announced;
  const progress = (phase: 'start' | 'progress' | 'done', loadedBytes: number): void =>
    settings.onProgress?.({
      repoId: context.repoId,
      file: context.file,
      phase,
      loadedBytes,
      totalBytes: total,
      resumedBytes: 0,
      fromCache: false,
    });
  progress('start', 0);
  if (response.body === null) {
    throw new HubError(
      'HUB_BAD_RESPONSE',
      `${finalUrl} sent no body for '${context.file}' of repository '${context.repoId}'`,
      { ...context, url: finalUrl },
    );
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  // Bounded by the announced length (stops at the first byte too many), with the stall deadline between chunks.
  await readResponseBody(settings, response, finalUrl, context, {
    maxBytes: total ?? MAX_BROWSER_FILE_BYTES,
    controller,
    what: `'${context.file}'`,
    onChunk: (chunk) => {
      chunks.push(chunk);
      loaded += chunk.byteLength;
      progress('progress', loaded);
    },
  });
  if (total !== null && loaded !== total) {
    throw new HubError(
      'HUB_NETWORK',
      `Received ${loaded} of ${total} bytes of '${context.file}' of repository '${context.repoId}' (${finalUrl})`,
      { ...context, url: finalUrl },
    );
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const actual = integrity.algorithm === null ? null : await digestHex(integrity.algorithm, bytes);
  if (actual !== null && actual !== integrity.hash) {
    throw new HubError(
      'HUB_INTEGRITY',
      `Downloaded '${context.file}' of repository '${context.repoId}' at revision '${context.revision}' does not match what the Hub announced: ` +
        `${integrity.algorithm === 'SHA-256' ? 'sha256' : 'git blob sha1'} expected ${integrity.hash}, got ${actual} (${finalUrl})`,
      { ...context, url: finalUrl, expected: integrity.hash ?? '', actual },
    );
  }
  progress('done', loaded);
  return bytes;
}

/**
 * What the Hub's headers say the bytes must be: an LFS file's `X-Linked-Etag` (sha256) and `X-Linked-Size`
 * (on the redirect, which Node's manual redirects see; browsers hide it), else a small file's `ETag` (git blob
 * sha1, or sha256) when no redirect was followed. A header that is not a hash gives nothing to check.
 */
function expectedIntegrity(
  headers: Headers,
  redirectHeaders: Headers | undefined,
  followedByRuntime: boolean,
): { algorithm: 'SHA-256' | 'SHA-1' | null; hash: string | null; size: number | null } {
  const linked = redirectHeaders ?? headers;
  // A CDN's own ETag (after a redirect the runtime followed) is no content hash of ours: only the Hub's count.
  const ownEtag = redirectHeaders === undefined && !followedByRuntime ? (headers.get('etag') ?? '') : '';
  const sizeHeader = linked.get('x-linked-size');
  const size = sizeHeader !== null && /^\d{1,15}$/.test(sizeHeader.trim()) ? Number(sizeHeader) : null;
  const linkedEtag = linked.get('x-linked-etag');
  const etag = normalizeEtag(linkedEtag ?? ownEtag);
  if (/^[0-9a-f]{64}$/.test(etag)) return { algorithm: 'SHA-256', hash: etag, size };
  if (linkedEtag === null && /^[0-9a-f]{40}$/.test(etag)) return { algorithm: 'SHA-1', hash: etag, size };
  return { algorithm: null, hash: null, size };
}

/** Hex digest with WebCrypto (browsers, Node ≥ 19); `null` where it is unavailable. */
async function digestHex(algorithm: 'SHA-256' | 'SHA-1', bytes: Uint8Array): Promise<string | null> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle === undefined) return null;
  // A small file's ETag is the git blob id: sha1 of "blob <size>\0" + contents.
  let input: Uint8Array = bytes;
  if (algorithm === 'SHA-1') {
    const prefix = new TextEncoder().encode(`blob ${bytes.byteLength}\0`);
    input = new Uint8Array(prefix.byteLength + bytes.byteLength);
    input.set(prefix, 0);
    input.set(bytes, prefix.byteLength);
  }
  const digest = new Uint8Array(await subtle.digest(algorithm, input as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

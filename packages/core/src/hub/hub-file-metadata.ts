import { HubError } from './hub-error.js';
import { hubRequest, throwForStatus } from './hub-http.js';
import { hubFileUrl, isCommitHash } from './hub-names.js';
import type { ResolvedHubSettings } from './hub-settings.js';

/** What the Hub says about one file at one revision, from a `HEAD` on its `resolve` URL. */
export interface HubFileMetadata {
  /** Commit the revision resolved to (`X-Repo-Commit`). */
  readonly commit: string;
  /** `X-Linked-Etag` (sha256 of an LFS file) or `ETag` (git blob sha1 of a small file), without quotes or `W/`. */
  readonly etag: string;
  /** Size in bytes (`X-Linked-Size`, else `Content-Length`). */
  readonly size: number;
  /** Where to `GET` the bytes: the CDN URL of an LFS redirect, else the `resolve` URL. */
  readonly downloadUrl: string;
}

/** Strips the weak marker and the quotes of an `ETag` header value, as the Python library does. */
export function normalizeEtag(value: string): string {
  return value
    .trim()
    .replace(/^W\//, '')
    .replace(/^"+|"+$/g, '');
}

/**
 * `HEAD {endpoint}/{repoId}/resolve/{revision}/{file}`: follows same-origin redirects (renamed repositories),
 * stops at the cross-origin redirect of an LFS file (whose headers carry the metadata) and reads
 * `X-Repo-Commit`, `X-Linked-Etag`/`ETag` and `X-Linked-Size`/`Content-Length`.
 * `onMissing` is called with the commit when the Hub answers `EntryNotFound` with an `X-Repo-Commit`
 * (to record a `.no_exist` marker) before the error is thrown.
 */
export async function fetchHubFileMetadata(
  settings: ResolvedHubSettings,
  repoId: string,
  file: string,
  revision: string,
  onMissing?: (commit: string) => Promise<void>,
): Promise<HubFileMetadata> {
  const context = { repoId, file, revision };
  const url = hubFileUrl(settings.endpoint, repoId, file, revision);
  const {
    response,
    url: finalUrl,
    sentToken,
  } = await hubRequest(settings, url, context, { method: 'HEAD', stopAtCrossOrigin: true });
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 400) {
    const missingCommit = response.headers.get('x-repo-commit');
    const recordable = missingCommit !== null && isCommitHash(missingCommit);
    if (
      response.status === 404 &&
      response.headers.get('x-error-code') === 'EntryNotFound' &&
      recordable &&
      onMissing !== undefined
    ) {
      await onMissing(missingCommit);
    }
    throwForStatus(response, finalUrl, context, sentToken);
  }
  const commit = response.headers.get('x-repo-commit');
  const etagHeader = response.headers.get('x-linked-etag') ?? response.headers.get('etag');
  const sizeHeader = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  const size = sizeHeader === null ? Number.NaN : Number(sizeHeader);
  const missing = [
    commit === null ? 'X-Repo-Commit' : null,
    etagHeader === null ? 'ETag' : null,
    !Number.isSafeInteger(size) || size < 0 ? 'X-Linked-Size/Content-Length' : null,
  ].filter((name) => name !== null);
  if (missing.length > 0 || commit === null || etagHeader === null) {
    throw new HubError(
      'HUB_BAD_RESPONSE',
      `${finalUrl} answered without ${missing.join(', ')} for '${file}' of repository '${repoId}' at revision '${revision}': ` +
        'this does not look like the Hugging Face Hub (check the endpoint, HF_ENDPOINT, proxy and firewall settings)',
      { ...context, url: finalUrl, status: response.status },
    );
  }
  if (!isCommitHash(commit)) {
    // The commit names the folder snapshots/<commit>: '..' or a long name would write outside the cache.
    throw new HubError(
      'HUB_BAD_RESPONSE',
      `${finalUrl} answered the commit ${JSON.stringify(commit.slice(0, 80))} for '${file}' of repository '${repoId}' at revision ` +
        `'${revision}', which is not 40 hexadecimal digits (refused, as huggingface_hub does)`,
      { ...context, url: finalUrl, status: response.status },
    );
  }
  const location = response.headers.get('location');
  const isRedirect = response.status >= 300 && response.status < 400 && location !== null;
  let downloadUrl = finalUrl;
  if (isRedirect) {
    const target = URL.canParse(location, finalUrl) ? new URL(location, finalUrl) : null;
    if (target === null || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
      throw new HubError(
        'HUB_BAD_RESPONSE',
        `${finalUrl} redirected '${file}' of repository '${repoId}' to ${JSON.stringify(location.slice(0, 120))}, which is not an http(s) URL`,
        { ...context, url: finalUrl, status: response.status },
      );
    }
    downloadUrl = target.toString();
  }
  return { commit, etag: normalizeEtag(etagHeader), size, downloadUrl };
}

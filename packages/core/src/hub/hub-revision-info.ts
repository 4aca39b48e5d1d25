import { HubError } from './hub-error.js';
import { hubRequest, readJsonBody, throwForStatus } from './hub-http.js';
import { hubRevisionApiUrl, isCommitHash } from './hub-names.js';
import type { ResolvedHubSettings } from './hub-settings.js';

/** A model repository at one revision, from `GET {endpoint}/api/models/{repoId}/revision/{revision}`. */
export interface HubRevisionInfo {
  /** Commit the revision resolves to (the API's `sha`). */
  readonly commit: string;
  /** Every file of the repository at that commit (the API's `siblings[].rfilename`). */
  readonly files: readonly string[];
}

/** Parses the JSON body of the model-info API; throws `HUB_BAD_RESPONSE` when `sha` or `siblings` are missing. */
export function parseRevisionInfo(json: unknown, url: string, repoId: string, revision: string): HubRevisionInfo {
  const body = json as { sha?: unknown; siblings?: unknown } | null;
  const siblings = Array.isArray(body?.siblings) ? (body.siblings as unknown[]) : null;
  const files = siblings?.map((sibling) => (sibling as { rfilename?: unknown } | null)?.rfilename);
  if (
    typeof body?.sha !== 'string' ||
    !isCommitHash(body.sha) ||
    files === undefined ||
    !files.every((file) => typeof file === 'string')
  ) {
    // The commit names a cache folder: only 40 hex digits (as huggingface_hub's REGEX_COMMIT_HASH) are accepted.
    throw new HubError(
      'HUB_BAD_RESPONSE',
      `${url} did not answer a model info with 'sha' and 'siblings' for repository '${repoId}' at revision '${revision}'`,
      {
        repoId,
        revision,
        url,
      },
    );
  }
  return { commit: body.sha, files: files as string[] };
}

/**
 * Asks the Hub which commit a revision is and which files it has (one request instead of a `HEAD` per
 * candidate file). Throws {@link HubError}s like the downloads do (401/403/404, revision not found, network).
 */
export async function fetchHubRevisionInfo(
  settings: ResolvedHubSettings,
  repoId: string,
  revision: string,
  redirect: 'manual' | 'follow' = 'manual',
): Promise<HubRevisionInfo & { readonly json: unknown }> {
  const context = { repoId, revision };
  const url = hubRevisionApiUrl(settings.endpoint, repoId, revision);
  const controller = new AbortController();
  const {
    response,
    url: finalUrl,
    sentToken,
  } = await hubRequest(settings, url, context, { headers: { Accept: 'application/json' }, redirect, controller });
  if (response.status >= 400) await response.body?.cancel().catch(() => undefined);
  throwForStatus(response, finalUrl, context, sentToken);
  const json = await readJsonBody(settings, response, finalUrl, context, controller, 'the model info');
  const info = parseRevisionInfo(json, finalUrl, repoId, revision);
  // What is kept (the browser caches it) is rebuilt from the checked fields only, never the server's text.
  return { ...info, json: { sha: info.commit, siblings: info.files.map((rfilename) => ({ rfilename })) } };
}

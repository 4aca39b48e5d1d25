import { HubError } from './hub-error.js';
import { hubRequest, throwForStatus } from './hub-http.js';
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
  if (typeof body?.sha !== 'string' || !isCommitHash(body.sha) || files === undefined || !files.every((file) => typeof file === 'string')) {
    throw new HubError('HUB_BAD_RESPONSE', `${url} did not answer a model info with 'sha' and 'siblings' for repository '${repoId}' at revision '${revision}'`, {
      repoId,
      revision,
      url,
    });
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
  const { response, url: finalUrl, sentToken } = await hubRequest(settings, url, context, { headers: { Accept: 'application/json' }, redirect });
  if (response.status >= 400) await response.body?.cancel().catch(() => undefined);
  throwForStatus(response, finalUrl, context, sentToken);
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    throw new HubError('HUB_BAD_RESPONSE', `${finalUrl} answered invalid JSON for repository '${repoId}' at revision '${revision}'`, { ...context, url: finalUrl }, { cause: error });
  }
  return { ...parseRevisionInfo(json, finalUrl, repoId, revision), json };
}

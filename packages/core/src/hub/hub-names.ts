import { HubError } from './hub-error.js';

const COMMIT_HASH = /^[0-9a-f]{40}$/;
// The Python library's rule (validate_repo_id): optional namespace, name of word characters, '-' and '.'.
const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]{1,96}$/;

/** True when `revision` is a full 40-hex commit hash (not a branch or tag name). */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/**
 * Throws `HUB_INVALID_ID` unless `repoId` is a valid Hub model id (`name` or `namespace/name`, word
 * characters, `-` and `.`; no `--`, `..`, leading or trailing `-`/`.`, or `.git` suffix), as the Python library checks.
 */
export function validateRepoId(repoId: string): void {
  const parts = repoId.split('/');
  const bad =
    !REPO_ID.test(repoId) ||
    repoId.includes('--') ||
    repoId.includes('..') ||
    repoId.endsWith('.git') ||
    parts.some((part) => /^[-.]|[-.]$/.test(part));
  if (bad) {
    throw new HubError(
      'HUB_INVALID_ID',
      `'${repoId}' is not a valid Hugging Face Hub model id (expected 'name' or 'namespace/name' with letters, digits, '-', '_' and '.') nor an existing local directory`,
      { repoId },
    );
  }
}

/** Throws `HUB_INVALID_ID` unless `file` is a relative path inside a repository (no `..`, no absolute path). */
export function validateRepoFile(repoId: string, file: string): void {
  const segments = file.split('/');
  if (file === '' || file.includes('\\') || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new HubError('HUB_INVALID_ID', `'${file}' is not a valid file name inside repository '${repoId}'`, { repoId, file });
  }
}

/** Throws `HUB_INVALID_ID` unless `revision` can name a folder of the cache (`refs/<revision>`). */
export function validateRevision(repoId: string, revision: string): void {
  const segments = revision.split('/');
  if (revision === '' || revision.includes('\\') || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new HubError('HUB_INVALID_ID', `'${revision}' is not a valid revision of repository '${repoId}'`, { repoId, revision });
  }
}

/** Folder of a model repository inside the cache, as the Python library names it: `models--org--name`. */
export function repoFolderName(repoId: string): string {
  return `models--${repoId.split('/').join('--')}`;
}

/** `{endpoint}/{repoId}/resolve/{revision}/{file}`, with the revision and each path segment percent-encoded. */
export function hubFileUrl(endpoint: string, repoId: string, file: string, revision: string): string {
  const encodedFile = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${repoId}/resolve/${encodeURIComponent(revision)}/${encodedFile}`;
}

/** `{endpoint}/api/models/{repoId}/revision/{revision}`: the model info (commit `sha`, `siblings`) at a revision. */
export function hubRevisionApiUrl(endpoint: string, repoId: string, revision: string): string {
  return `${endpoint}/api/models/${repoId}/revision/${encodeURIComponent(revision)}`;
}

/**
 * True when `value` can only be a local path (absolute, `./`, `../`, `~`, a backslash, or more than one `/`),
 * so that a missing directory is reported as such instead of as an unknown Hub id.
 */
export function looksLikeLocalPath(value: string): boolean {
  return (
    value.startsWith('/') ||
    value.startsWith('.') ||
    value.startsWith('~') ||
    value.includes('\\') ||
    /^[A-Za-z]:/.test(value) ||
    value.split('/').length > 2
  );
}

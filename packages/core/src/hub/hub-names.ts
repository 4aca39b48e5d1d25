import { HubError } from './hub-error.js';

const COMMIT_HASH = /^[0-9a-f]{40}$/;
// The Python library's rule (validate_repo_id): optional namespace, name of word characters, '-' and '.'.
const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]{1,96}$/;

/**
 * Longest folder or file name (UTF-8 bytes) that a repository file, a revision or a shard may use as one path
 * component of the cache: 200, which leaves room under the usual 255-byte limit of file systems for the
 * suffixes the cache adds (`.incomplete`, `.<pid>.<random>.tmp`).
 */
export const MAX_NAME_COMPONENT_BYTES = 200;

/** Longest repository file path or revision (UTF-8 bytes), well below `PATH_MAX` once joined to the cache path. */
export const MAX_NAME_BYTES = 1000;

/** Longest repository id, as the Python library checks (`validate_repo_id`). */
export const MAX_REPO_ID_LENGTH = 96;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const encoder = new TextEncoder();

/**
 * Why `name` cannot be a `/`-separated path inside the cache, or `null` when it can: empty, a backslash, a
 * control character (NUL included), an empty, `.` or `..` segment, a segment over
 * {@link MAX_NAME_COMPONENT_BYTES} or a whole over {@link MAX_NAME_BYTES} UTF-8 bytes.
 */
export function pathNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name.includes('\\')) return 'it contains a backslash';
  if (CONTROL_CHARACTER.test(name)) return 'it contains a control character';
  if (name.length > MAX_NAME_BYTES || encoder.encode(name).byteLength > MAX_NAME_BYTES)
    return `it is longer than ${MAX_NAME_BYTES} bytes`;
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return `it has an empty, '.' or '..' segment`;
    if (encoder.encode(segment).byteLength > MAX_NAME_COMPONENT_BYTES) {
      return `a segment is longer than ${MAX_NAME_COMPONENT_BYTES} bytes (${JSON.stringify(segment.slice(0, 24))}…)`;
    }
  }
  return null;
}

/** `name` shortened for a message. */
export function namePreview(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}… (${name.length} characters)` : name;
}

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
    repoId.length > MAX_REPO_ID_LENGTH ||
    !REPO_ID.test(repoId) ||
    repoId.includes('--') ||
    repoId.includes('..') ||
    repoId.endsWith('.git') ||
    parts.some((part) => /^[-.]|[-.]$/.test(part));
  if (bad) {
    throw new HubError(
      'HUB_INVALID_ID',
      `'${namePreview(repoId)}' is not a valid Hugging Face Hub model id (expected 'name' or 'namespace/name' with letters, digits, '-', ` +
        `'_' and '.', at most ${MAX_REPO_ID_LENGTH} characters) nor an existing local directory`,
      { repoId },
    );
  }
}

/** Throws `HUB_INVALID_ID` unless `file` is a relative path inside a repository that the cache can hold ({@link pathNameProblem}). */
export function validateRepoFile(repoId: string, file: string): void {
  const problem = pathNameProblem(file);
  if (problem !== null) {
    throw new HubError(
      'HUB_INVALID_ID',
      `'${namePreview(file)}' is not a valid file name inside repository '${repoId}': ${problem}`,
      { repoId, file },
    );
  }
}

/** Throws `HUB_INVALID_ID` unless `revision` can name a file of the cache (`refs/<revision>`, {@link pathNameProblem}). */
export function validateRevision(repoId: string, revision: string): void {
  const problem = pathNameProblem(revision);
  if (problem !== null) {
    throw new HubError(
      'HUB_INVALID_ID',
      `'${namePreview(revision)}' is not a valid revision of repository '${repoId}': ${problem}`,
      {
        repoId,
        revision,
      },
    );
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

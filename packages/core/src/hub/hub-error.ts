import { AlbertError } from '@albert-ts/config';

/**
 * Stable codes of {@link HubError}.
 *
 * - `HUB_INVALID_ID`: the repository id, file name or revision cannot be used (bad characters, `..`).
 * - `HUB_LOCAL_NOT_FOUND`: the argument looks like a local path but no such directory exists.
 * - `HUB_UNAUTHORIZED`: 401, the repository is private or does not exist and no (valid) token was sent.
 * - `HUB_GATED`: the repository is gated and the token (if any) has not been granted access.
 * - `HUB_FORBIDDEN`: 403 for another reason (token without read access, disabled repository).
 * - `HUB_REPO_NOT_FOUND`: 404, no such repository.
 * - `HUB_REVISION_NOT_FOUND`: the repository exists but not the branch, tag or commit.
 * - `HUB_ENTRY_NOT_FOUND`: the repository and revision exist but not the file.
 * - `HUB_HTTP_ERROR`: any other HTTP failure (5xx after retries, 400, 416 ...).
 * - `HUB_NETWORK`: the connection failed, timed out or dropped too many times, and the file is not cached.
 * - `HUB_OFFLINE_NOT_CACHED`: offline mode (`localFilesOnly` / `HF_HUB_OFFLINE=1`) and the file is not cached.
 * - `HUB_INTEGRITY`: the downloaded bytes do not match the size or hash the Hub announced.
 * - `HUB_BAD_RESPONSE`: the server answered without the headers the Hub always sends (`X-Repo-Commit`, `ETag`, size),
 *   or with values that cannot be used (a commit that is not 40 hex digits, an ETag that cannot name a file, invalid JSON).
 * - `HUB_RESPONSE_TOO_LARGE`: a body longer than allowed: an API answer over `maxMetadataBytes`, or a file
 *   longer than the size the Hub announced (the download stops at the first byte too many).
 * - `HUB_CACHE_ERROR`: the cache directory cannot hold the file (a name too long for the file system, a
 *   folder where a file is expected, no space, no permission); the message names the path and the system error.
 */
export type HubErrorCode =
  | 'HUB_INVALID_ID'
  | 'HUB_LOCAL_NOT_FOUND'
  | 'HUB_UNAUTHORIZED'
  | 'HUB_GATED'
  | 'HUB_FORBIDDEN'
  | 'HUB_REPO_NOT_FOUND'
  | 'HUB_REVISION_NOT_FOUND'
  | 'HUB_ENTRY_NOT_FOUND'
  | 'HUB_HTTP_ERROR'
  | 'HUB_NETWORK'
  | 'HUB_OFFLINE_NOT_CACHED'
  | 'HUB_INTEGRITY'
  | 'HUB_BAD_RESPONSE'
  | 'HUB_RESPONSE_TOO_LARGE'
  | 'HUB_CACHE_ERROR';

/**
 * Structured context of a {@link HubError}: which repository, file and revision, which URL and what the
 * server said. Fields that do not apply are absent.
 */
export interface HubErrorDetails {
  /** Repository id, e.g. `albert/albert-base-v2`. */
  readonly repoId?: string;
  /** File inside the repository, e.g. `model.safetensors`. */
  readonly file?: string;
  /** Branch, tag or commit hash that was asked for. */
  readonly revision?: string;
  /** URL of the failing request. */
  readonly url?: string;
  /** HTTP status of the failing response. */
  readonly status?: number;
  /** The Hub's `X-Error-Code` header (`RepoNotFound`, `GatedRepo`, `EntryNotFound`, `RevisionNotFound`). */
  readonly serverCode?: string;
  /** The Hub's `X-Error-Message` header. */
  readonly serverMessage?: string;
  /** Cache directory that was searched or written. */
  readonly cacheDir?: string;
  /** Local path, for `HUB_LOCAL_NOT_FOUND` and integrity errors. */
  readonly path?: string;
  /** Expected value (size, hash) for `HUB_INTEGRITY`. */
  readonly expected?: string | number;
  /** Actual value (size, hash) for `HUB_INTEGRITY`. */
  readonly actual?: string | number;
  /** The limit that was exceeded (bytes), for `HUB_RESPONSE_TOO_LARGE`. */
  readonly limit?: number;
  /** The system error code (`ENAMETOOLONG`, `EISDIR`, `ENOSPC` ...), for `HUB_CACHE_ERROR`. */
  readonly systemCode?: string;
}

/**
 * A failure to find, authorize or download a file from the Hugging Face Hub (or its cache).
 * The message names the repository, file and revision; {@link HubError.details} carries them too.
 */
export class HubError extends AlbertError {
  declare readonly code: HubErrorCode;
  declare readonly details: Readonly<HubErrorDetails>;

  /**
   * @param code - stable error code.
   * @param message - human-readable message naming the repository, file and revision.
   * @param details - structured context.
   * @param options - standard error options (`cause`).
   */
  constructor(code: HubErrorCode, message: string, details: HubErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, { ...details }, options);
  }
}

import type { ModelFileSource } from '../checkpoint/index.js';

/**
 * A {@link ModelFileSource} backed by a Hub repository pinned to one commit: the Node cache
 * ({@link resolvePretrained}) or the browser's Cache API ({@link browserHubSource}). Files not fetched up
 * front are fetched on first `read` (unless offline); `has` answers from the repository listing when known.
 */
export interface HubModelSource extends ModelFileSource {
  /** Repository id, e.g. `albert/albert-base-v2`. */
  readonly repoId: string;
  /** The revision that was asked for (`main`, a tag, a commit). */
  readonly revision: string;
  /** The commit it resolved to: every file comes from this commit. */
  readonly commit: string;
  /** `<cacheDir>/models--org--name/snapshots/<commit>` in Node; `null` in browsers. */
  readonly snapshotDir: string | null;
  /** The files fetched or found in the cache up front (config, tokenizer, weights). */
  readonly files: readonly string[];
  /** Whether the source works from the cache only (offline mode, or the Hub was unreachable). */
  readonly offline: boolean;
}

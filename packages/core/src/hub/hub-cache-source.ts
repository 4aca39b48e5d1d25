import { decodeUtf8Text } from '@albert-ts/config';
import { CheckpointError } from '../checkpoint/index.js';
import { lookupCachedFile, nodeModules, repoCachePaths, snapshotPath, writeNoExistMarker } from './hub-cache.js';
import { downloadHubFile } from './hub-download.js';
import { HubError } from './hub-error.js';
import { fetchHubFileMetadata } from './hub-file-metadata.js';
import type { HubModelSource } from './hub-model-source.js';
import { validateRepoFile } from './hub-names.js';
import type { ResolvedHubSettings } from './hub-settings.js';

/** What {@link hubCacheSource} needs to know about the resolved repository. */
export interface HubCacheSourceState {
  readonly settings: ResolvedHubSettings;
  readonly repoId: string;
  readonly revision: string;
  readonly commit: string;
  /** Every file of the repository at `commit`, when the API listed them. */
  readonly listing: ReadonlySet<string> | null;
  /** The files fetched up front. */
  readonly files: readonly string[];
  /** Work from the cache only. */
  readonly offline: boolean;
}

/**
 * A {@link HubModelSource} over `snapshots/<commit>/` of the Node cache (the Python layout). A file not
 * yet in the cache is downloaded on first `read` (pinned to the commit); `has` answers from the cache,
 * the repository listing, the `.no_exist` markers, else one `HEAD`. Node only.
 */
export async function hubCacheSource(state: HubCacheSourceState): Promise<HubModelSource> {
  const { settings, repoId, commit, listing, offline } = state;
  if (settings.cacheDir === null) {
    throw new HubError(
      'HUB_CACHE_ERROR',
      `No cache directory to read repository '${repoId}' from (set cacheDir or HF_HUB_CACHE)`,
      {
        repoId,
        revision: state.revision,
      },
    );
  }
  const { fs, path } = await nodeModules();
  const paths = await repoCachePaths(settings.cacheDir, repoId);
  const snapshotDir = path.join(paths.snapshots, commit);
  const description = `${repoId}@${commit} (Hugging Face Hub, cached in ${snapshotDir})`;
  const notFound = (name: string, cause?: unknown): CheckpointError =>
    new CheckpointError(
      'CHECKPOINT_FILE_NOT_FOUND',
      `${name}: file not found in ${description}${cause instanceof Error ? `: ${cause.message}` : ''}`,
      { file: name, source: description },
      { cause },
    );
  const checkName = (name: string): void => {
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
  };
  const cachedPath = async (name: string): Promise<string | null> => {
    const pointer = await snapshotPath(paths, commit, name);
    try {
      return (await fs.stat(pointer)).isFile() ? pointer : null;
    } catch {
      return null;
    }
  };
  const read = async (name: string): Promise<Uint8Array> => {
    checkName(name);
    let file = await cachedPath(name);
    if (file === null) {
      if (listing !== null && !listing.has(name)) throw notFound(name);
      try {
        file = (
          await downloadHubFile(
            { ...settings, localFilesOnly: offline || settings.localFilesOnly },
            repoId,
            name,
            commit,
          )
        ).path;
      } catch (error) {
        if (
          error instanceof HubError &&
          (error.code === 'HUB_ENTRY_NOT_FOUND' || error.code === 'HUB_OFFLINE_NOT_CACHED')
        ) {
          throw notFound(name, error);
        }
        throw error;
      }
    }
    const buffer = await fs.readFile(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  };
  return {
    description,
    repoId,
    revision: state.revision,
    commit,
    snapshotDir,
    files: state.files,
    offline,
    async has(name) {
      checkName(name);
      if ((await cachedPath(name)) !== null) return true;
      if (listing !== null) return listing.has(name);
      const cached = await lookupCachedFile(paths, commit, name);
      if (cached.kind === 'missing-on-hub') return false;
      if (offline || settings.localFilesOnly) return false;
      try {
        await fetchHubFileMetadata(settings, repoId, name, commit, (missingCommit) =>
          writeNoExistMarker(paths, missingCommit, name),
        );
        return true;
      } catch (error) {
        if (error instanceof HubError && error.code === 'HUB_ENTRY_NOT_FOUND') return false;
        throw error;
      }
    },
    read,
    async readText(name) {
      return decodeUtf8Text(await read(name), name);
    },
  };
}

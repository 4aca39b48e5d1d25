/**
 * The Hub cache on disk, in the layout of the Python `huggingface_hub` library, so that both share one cache:
 *
 * ```
 * <cacheDir>/models--<org>--<name>/
 *   blobs/<etag>                      file contents, named by ETag (sha256 for LFS files, git sha1 otherwise)
 *   blobs/<etag>.incomplete           a download in progress (resumable)
 *   snapshots/<commit>/<file>         relative symlink to ../../blobs/<etag> (a copy where symlinks are not allowed)
 *   refs/<revision>                   the commit hash a branch or tag pointed to, no newline
 *   .no_exist/<commit>/<file>         empty marker: the file does not exist at that commit
 * <cacheDir>/.locks/models--<org>--<name>/<etag>.albert-ts.lock
 * ```
 *
 * Node only: every function imports `node:` modules dynamically.
 */
import { HubError } from './hub-error.js';
import { isCommitHash, repoFolderName } from './hub-names.js';

/** Paths of one repository inside the cache. */
export interface RepoCachePaths {
  /** `<cacheDir>/models--org--name`. */
  readonly storage: string;
  readonly blobs: string;
  readonly snapshots: string;
  readonly refs: string;
  readonly noExist: string;
  /** `<cacheDir>/.locks/models--org--name`. */
  readonly locks: string;
}

/** Lazily loaded Node modules. */
export async function nodeModules(): Promise<{
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
  crypto: typeof import('node:crypto');
  os: typeof import('node:os');
}> {
  const builtins = await import('#node-builtins');
  return { fs: builtins.fsPromises, path: builtins.path, crypto: builtins.crypto, os: builtins.os };
}

/** Paths of `repoId` inside `cacheDir`. */
export async function repoCachePaths(cacheDir: string, repoId: string): Promise<RepoCachePaths> {
  const { path } = await nodeModules();
  const folder = repoFolderName(repoId);
  const storage = path.join(cacheDir, folder);
  return {
    storage,
    blobs: path.join(storage, 'blobs'),
    snapshots: path.join(storage, 'snapshots'),
    refs: path.join(storage, 'refs'),
    noExist: path.join(storage, '.no_exist'),
    locks: path.join(cacheDir, '.locks', folder),
  };
}

/** `snapshots/<commit>/<file>` (with `file`'s `/` turned into the platform separator). */
export async function snapshotPath(paths: RepoCachePaths, commit: string, file: string): Promise<string> {
  const { path } = await nodeModules();
  return path.join(paths.snapshots, commit, ...file.split('/'));
}

async function isFile(target: string): Promise<boolean> {
  const { fs } = await nodeModules();
  try {
    return (await fs.stat(target)).isFile();
  } catch {
    return false;
  }
}

/**
 * The commit a revision resolves to from the cache: the revision itself for a commit hash, else `refs/<revision>`
 * when it holds a 40-hex commit (anything else is ignored: the commit becomes a folder name).
 */
export async function readCachedRef(paths: RepoCachePaths, revision: string): Promise<string | null> {
  if (isCommitHash(revision)) return revision;
  const { fs, path } = await nodeModules();
  try {
    const handle = await fs.open(path.join(paths.refs, ...revision.split('/')), 'r');
    try {
      // A ref holds 40 hex digits; anything else (a folder, a huge or foreign file) is no ref.
      const buffer = new Uint8Array(64);
      const { bytesRead } = await handle.read(buffer, 0, 64, 0);
      const text = new TextDecoder().decode(buffer.subarray(0, bytesRead)).trim();
      return isCommitHash(text) ? text : null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** Writes `refs/<revision>` (atomically, only when it changed) unless `revision` already is the commit. */
export async function writeCachedRef(paths: RepoCachePaths, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  if ((await readCachedRef(paths, revision)) === commit) return;
  const { path } = await nodeModules();
  await writeFileAtomic(path.join(paths.refs, ...revision.split('/')), commit);
}

/** What the cache knows about one file at one revision. */
export type CachedFileLookup =
  | { readonly kind: 'found'; readonly path: string; readonly commit: string }
  | { readonly kind: 'missing-on-hub'; readonly commit: string }
  | { readonly kind: 'unknown'; readonly commit: string | null };

/**
 * Looks `file` up in the cache at `revision` (branch, tag or commit) without any network access, like the
 * Python library's `try_to_load_from_cache`: `refs/<revision>` gives the commit, then
 * `snapshots/<commit>/<file>` the file, or `.no_exist/<commit>/<file>` the fact that it does not exist.
 */
export async function lookupCachedFile(
  paths: RepoCachePaths,
  revision: string,
  file: string,
): Promise<CachedFileLookup> {
  const commit = await readCachedRef(paths, revision);
  if (commit === null) return { kind: 'unknown', commit: null };
  const pointer = await snapshotPath(paths, commit, file);
  if (await isFile(pointer)) return { kind: 'found', path: pointer, commit };
  const { path } = await nodeModules();
  if (await isFile(path.join(paths.noExist, commit, ...file.split('/')))) return { kind: 'missing-on-hub', commit };
  return { kind: 'unknown', commit };
}

/** Records that `file` does not exist at `commit` (`.no_exist/<commit>/<file>`, an empty file), best effort. */
export async function writeNoExistMarker(paths: RepoCachePaths, commit: string, file: string): Promise<void> {
  const { fs, path } = await nodeModules();
  const marker = path.join(paths.noExist, commit, ...file.split('/'));
  try {
    await fs.mkdir(path.dirname(marker), { recursive: true });
    await fs.writeFile(marker, '');
  } catch {
    // A read-only cache only loses the shortcut.
  }
}

/** A unique sibling name for temporary files: `<target>.<pid>.<random>.tmp`. */
export async function temporarySibling(target: string): Promise<string> {
  const { crypto } = await nodeModules();
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  return `${target}.${pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
}

/** Writes `content` to a unique temporary sibling, fsyncs it and renames it over `target`. */
export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  const { fs, path } = await nodeModules();
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temporary = await temporarySibling(target);
  try {
    const handle = await fs.open(temporary, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Makes `pointer` (in `snapshots/`) point at `blob`: a relative symlink, created under a temporary name and
 * renamed into place so that the pointer appears atomically; where symlinks are not permitted (Windows
 * without developer mode) an atomic copy instead, as the Python library falls back to.
 */
export async function createPointer(blob: string, pointer: string): Promise<void> {
  const { fs, path } = await nodeModules();
  await fs.mkdir(path.dirname(pointer), { recursive: true });
  const relative = path.relative(path.dirname(pointer), blob);
  const temporary = await temporarySibling(pointer);
  try {
    await fs.symlink(relative, temporary);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EACCES') throw error;
    await fs.copyFile(blob, temporary);
  }
  try {
    await fs.rename(temporary, pointer);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Lists files under `snapshots/<commit>/` (paths with `/`), following symlinks; empty if absent. */
export async function listSnapshotFiles(paths: RepoCachePaths, commit: string): Promise<string[]> {
  const { fs, path } = await nodeModules();
  const root = path.join(paths.snapshots, commit);
  const found: string[] = [];
  const walk = async (directory: string, prefix: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await fs.readdir(directory);
    } catch {
      return;
    }
    for (const entry of entries.sort()) {
      if (entry.endsWith('.tmp')) continue;
      const full = path.join(directory, entry);
      try {
        const stat = await fs.stat(full);
        if (stat.isDirectory()) await walk(full, `${prefix}${entry}/`);
        else if (stat.isFile()) found.push(`${prefix}${entry}`);
      } catch {
        // A dangling symlink (blob removed) is not a cached file.
      }
    }
  };
  await walk(root, '');
  return found;
}

/** Node's system errors (`ENAMETOOLONG`, `EISDIR`, `ENOSPC` ...) carry a string `code` and a `syscall`. */
function isSystemError(error: unknown): error is Error & { code: string; syscall?: string; path?: string } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { syscall?: unknown }).syscall === 'string'
  );
}

/**
 * Runs `work` and turns a file-system failure inside the cache into `HUB_CACHE_ERROR` naming the path and the
 * system error (a name too long, a folder where a file is expected: `refs/main` after `refs/main/sub`, no space).
 */
export async function withCacheErrors<T>(
  context: { repoId: string; revision: string; file?: string; cacheDir: string },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isSystemError(error)) throw error;
    const where = error.path !== undefined ? ` at ${error.path}` : '';
    const what = context.file !== undefined ? `'${context.file}' of ` : '';
    const hint =
      error.code === 'EISDIR' || error.code === 'ENOTDIR' || error.code === 'EEXIST'
        ? " (a file and a folder of the same name: e.g. revision 'main' and 'main/sub' cannot both be cached)"
        : error.code === 'ENAMETOOLONG'
          ? ' (a name too long for this file system)'
          : '';
    throw new HubError(
      'HUB_CACHE_ERROR',
      `The cache ${context.cacheDir} cannot hold ${what}repository '${context.repoId}' at revision '${context.revision}': ` +
        `${error.code}${where}${hint}`,
      {
        repoId: context.repoId,
        revision: context.revision,
        file: context.file,
        cacheDir: context.cacheDir,
        path: error.path,
        systemCode: error.code,
      },
      { cause: error },
    );
  }
}

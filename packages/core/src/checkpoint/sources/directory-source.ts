import { decodeUtf8Text } from '@albert-ts/config';
import { CheckpointError } from '../checkpoint-error.js';
import type { ModelFileSource } from '../model-file-source.js';
import { checkModelFileName, fileNotFound } from './file-name.js';

function joinPath(directory: string, name: string): string {
  return directory.endsWith('/') || directory.endsWith('\\') ? directory + name : `${directory}/${name}`;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/**
 * A {@link ModelFileSource} over a local directory. **Node only**: `node:fs/promises` is imported
 * lazily inside each call, so importing this module in a browser is harmless. A file that is a
 * symbolic link resolving outside the directory is refused (`CHECKPOINT_OUTSIDE_SOURCE`) before it
 * is read; the links of a Hugging Face cache snapshot into its repository's `blobs/` are allowed.
 *
 * @param path - the model directory.
 *
 * @example
 * ```ts
 * import { directorySource, readCheckpoint } from '@albert-ts/core';
 *
 * const source = directorySource('./albert-base-v2');
 * const checkpoint = await readCheckpoint(source); // safetensors, PyTorch or Flax, whichever the directory has
 * console.log(checkpoint.format, checkpoint.files, checkpoint.stateDict.size);
 * ```
 */
export function directorySource(path: string): ModelFileSource {
  const description = path;
  let roots: Promise<string[]> | undefined;
  /**
   * The real directories a file may resolve into: the model directory, and for a Hugging Face cache
   * snapshot (`…/snapshots/<revision>`) the repository's `blobs/` that its links point to.
   */
  const allowedRoots = (): Promise<string[]> =>
    (roots ??= (async () => {
      const { fsPromises: fs, path: nodePath } = await import('#node-builtins');
      const real = await fs.realpath(path);
      const allowed = [real];
      if (nodePath.basename(nodePath.dirname(real)) === 'snapshots')
        allowed.push(nodePath.join(nodePath.dirname(nodePath.dirname(real)), 'blobs'));
      return allowed;
    })());
  /** Refuses a file that is a link to somewhere outside the model directory (before reading a byte of it). */
  const checkInside = async (name: string, file: string): Promise<void> => {
    const { fsPromises: fs, path: nodePath } = await import('#node-builtins');
    let real: string;
    try {
      real = await fs.realpath(file);
    } catch {
      return; // absent: readFile reports it
    }
    const inside = (await allowedRoots()).some(
      (root) => real === root || real.startsWith(root.endsWith(nodePath.sep) ? root : root + nodePath.sep),
    );
    if (!inside) {
      throw new CheckpointError(
        'CHECKPOINT_OUTSIDE_SOURCE',
        `${name}: is a link to a file outside the model directory ${description}; refusing to read it (copy the file into the directory if it is meant to be there)`,
        { file: name, source: description },
      );
    }
  };
  const read = async (name: string): Promise<Uint8Array> => {
    checkModelFileName(name, description);
    const fs = (await import('#node-builtins')).fsPromises;
    try {
      await checkInside(name, joinPath(path, name));
      const buffer = await fs.readFile(joinPath(path, name));
      // A plain Uint8Array view of the same memory (no copy): callers need no Buffer semantics.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      if (isNotFound(error)) throw fileNotFound(name, description);
      throw new CheckpointError(
        'CHECKPOINT_READ_FAILED',
        `${name}: cannot read it from ${description}: ${String(error)}`,
        {
          file: name,
          source: description,
        },
        { cause: error },
      );
    }
  };
  return {
    description,
    async has(name) {
      checkModelFileName(name, description);
      const fs = (await import('#node-builtins')).fsPromises;
      try {
        return (await fs.stat(joinPath(path, name))).isFile();
      } catch {
        return false;
      }
    },
    read,
    async readText(name) {
      return decodeUtf8Text(await read(name), name);
    },
  };
}

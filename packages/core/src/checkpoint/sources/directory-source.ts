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
 * lazily inside each call, so importing this module in a browser is harmless.
 *
 * @param path - the model directory.
 */
export function directorySource(path: string): ModelFileSource {
  const description = path;
  const read = async (name: string): Promise<Uint8Array> => {
    checkModelFileName(name, description);
    const fs = (await import('#node-builtins')).fsPromises;
    try {
      const buffer = await fs.readFile(joinPath(path, name));
      // A plain Uint8Array view of the same memory (no copy): callers need no Buffer semantics.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isNotFound(error)) throw fileNotFound(name, description);
      throw new CheckpointError('CHECKPOINT_READ_FAILED', `${name}: cannot read it from ${description}: ${String(error)}`, {
        file: name,
        source: description,
      }, { cause: error });
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
      return new TextDecoder().decode(await read(name));
    },
  };
}

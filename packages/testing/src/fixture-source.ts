import { CheckpointError, type ModelFileSource } from '@albert-ts/core';

/** Reads a file of the repository's `fixtures/` directory by a `/`-separated path such as `models/tiny/cases.json`. */
export type ReadFixture = (relativePath: string) => Promise<Uint8Array>;

/**
 * A {@link ModelFileSource} over one fixture directory, reading through an injected `readFixture`
 * (Node: the file system; browsers: `fetch`). Reads are cached, so `has` + `read` fetch once.
 */
export function fixtureSource(readFixture: ReadFixture, directory: string): ModelFileSource {
  const cache = new Map<string, Promise<Uint8Array>>();
  const description = `fixtures/${directory}`;
  const load = (name: string): Promise<Uint8Array> => {
    let pending = cache.get(name);
    if (pending === undefined) {
      pending = readFixture(directory === '' || directory === '.' ? name : `${directory}/${name}`);
      cache.set(name, pending);
    }
    return pending;
  };
  const read = async (name: string): Promise<Uint8Array> => {
    try {
      return await load(name);
    } catch (error) {
      throw new CheckpointError(
        'CHECKPOINT_FILE_NOT_FOUND',
        `${name}: file not found in ${description}`,
        { file: name, source: description },
        { cause: error },
      );
    }
  };
  return {
    description,
    async has(name: string): Promise<boolean> {
      try {
        await load(name);
        return true;
      } catch {
        return false;
      }
    },
    read,
    async readText(name: string): Promise<string> {
      return new TextDecoder().decode(await read(name));
    },
  };
}

/**
 * What `#node-builtins` is outside Node (browsers, workers): importing it fails with a typed error, so a
 * Node-only path (a local directory, the disk cache) taken in a browser says why instead of crashing.
 * Exports the names of {@link ./node-builtins.ts} so that bundlers find every imported name.
 */
import { AlbertError } from '@albert-ts/config';

function nodeOnly(): never {
  throw new AlbertError(
    'NODE_ONLY',
    'this needs Node.js (a local directory or the disk cache): in a browser, load models from a URL or the Hub',
  );
}

export const fs: typeof import('node:fs') = nodeOnly();
export const fsPromises: typeof import('node:fs/promises') = nodeOnly();
export const path: typeof import('node:path') = nodeOnly();
export const crypto: typeof import('node:crypto') = nodeOnly();
export const os: typeof import('node:os') = nodeOnly();

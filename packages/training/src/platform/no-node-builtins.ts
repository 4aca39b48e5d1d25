/**
 * What `#node-builtins` is outside Node (browsers, workers): importing it fails with a typed error, so
 * `Trainer.save(directory)` in a browser says why (use `Trainer.checkpointFiles()` there) instead of crashing.
 * Exports the names of `node-builtins.ts` so that bundlers find every imported name.
 */
import { AlbertError } from '@albert-ts/config';

function nodeOnly(): never {
  throw new AlbertError(
    'NODE_ONLY',
    'this needs Node.js (writing a directory): in a browser, use Trainer.checkpointFiles()',
  );
}

export const fsPromises: typeof import('node:fs/promises') = nodeOnly();
export const path: typeof import('node:path') = nodeOnly();

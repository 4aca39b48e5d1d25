/**
 * What `#node-builtins` is outside Node: importing it fails with a typed error, so that a Node-only
 * method called in a browser says why. Exports the names of `node-builtins.ts` for bundlers.
 */
import { TokenizerError } from '../tokenizer-error.js';

function nodeOnly(): never {
  throw new TokenizerError(
    'TOKENIZER_NODE_ONLY',
    'reading or writing vocabulary files on disk needs Node.js: in a browser, use AlbertTokenizer.fromBytes or the fromFiles methods with a URL source',
  );
}

export const fsPromises: typeof import('node:fs/promises') = nodeOnly();
export const path: typeof import('node:path') = nodeOnly();

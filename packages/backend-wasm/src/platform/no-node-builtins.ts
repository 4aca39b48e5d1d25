/** What `#node-builtins` is outside Node: importing it fails with a typed error (only Node code paths import it). */
import { WebBackendError } from '../web-backend-error.js';

function nodeOnly(): never {
  throw new WebBackendError(
    'BACKEND_UNAVAILABLE',
    'wasm: this code path needs Node.js (locating the installed onnxruntime-web files)',
  );
}

export const module: typeof import('node:module') = nodeOnly();
export const path: typeof import('node:path') = nodeOnly();
export const url: typeof import('node:url') = nodeOnly();

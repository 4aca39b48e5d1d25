/**
 * Node's built-in modules that backend-wasm uses (finding the installed onnxruntime-web files), reached
 * only through the package-internal import `#node-builtins` (package.json "imports"): this file under
 * the `node` condition, `no-node-builtins.ts` elsewhere, so a browser build never sees `node:`.
 */
import * as module from 'node:module';
import * as path from 'node:path';
import * as url from 'node:url';

export { module, path, url };

/**
 * Node's built-in modules that training uses (writing a checkpoint directory), reached only through the
 * package-internal import `#node-builtins` (package.json "imports"): this file under the `node` condition,
 * `no-node-builtins.ts` elsewhere, so a browser build never sees a `node:` specifier. Internal: not exported.
 */
import * as fsPromises from 'node:fs/promises';
import * as path from 'node:path';

export { fsPromises, path };

/**
 * Node's built-in modules that core uses (the local file system, the Hub cache), reached only through
 * the package-internal import `#node-builtins` (package.json "imports"): this file under the `node`
 * condition, {@link ./no-node-builtins.ts} everywhere else. A browser build therefore never sees a
 * `node:` specifier, whatever the bundler (webpack 5 and esbuild reject them). Internal: not exported.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export { crypto, fs, fsPromises, os, path };

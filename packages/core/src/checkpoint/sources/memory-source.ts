import { decodeUtf8Text } from '@albert-ts/config';
import type { ModelFileSource } from '../model-file-source.js';
import { checkModelFileName, fileNotFound } from './file-name.js';

/**
 * A {@link ModelFileSource} over files held in memory (tests, browser uploads, bundled models).
 * Strings are UTF-8 encoded on read; `Uint8Array`s are returned as they are (not copied).
 *
 * @param files - file name → content.
 * @param description - shown in error messages; defaults to `"memory"`.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM, memorySource } from '@albert-ts/core';
 * import { wasmBackend } from '@albert-ts/backend-wasm';
 *
 * const [config, weights, spiece] = await Promise.all(
 *   ['config.json', 'model.safetensors', 'spiece.model'].map(async (name) => new Uint8Array(await (await fetch(name)).arrayBuffer())),
 * );
 * const source = memorySource({ 'config.json': config!, 'model.safetensors': weights!, 'spiece.model': spiece! }, 'my upload');
 * const model = await AlbertForMaskedLM.fromPretrained(source, { backend: wasmBackend() });
 * ```
 */
export function memorySource(
  files: Record<string, Uint8Array | ArrayBuffer | string>,
  description = 'memory',
): ModelFileSource {
  const table = new Map(Object.entries(files));
  const lookup = (name: string): Uint8Array | ArrayBuffer | string => {
    checkModelFileName(name, description);
    const content = table.get(name);
    if (content === undefined) throw fileNotFound(name, description);
    return content;
  };
  return {
    description,
    async has(name) {
      checkModelFileName(name, description);
      return table.has(name);
    },
    async read(name) {
      const content = lookup(name);
      if (typeof content === 'string') return new TextEncoder().encode(content);
      return content instanceof Uint8Array ? content : new Uint8Array(content);
    },
    async readText(name) {
      const content = lookup(name);
      return typeof content === 'string'
        ? content
        : decodeUtf8Text(content instanceof Uint8Array ? content : new Uint8Array(content), name);
    },
  };
}

import { decodeUtf8Text } from '@albert-ts/config';
import { CheckpointError } from '../checkpoint-error.js';
import type { ModelFileSource } from '../model-file-source.js';
import { checkModelFileName, fileNotFound } from './file-name.js';

/** Options of {@link urlSource}. */
export interface UrlSourceOptions {
  /** The `fetch` to use (defaults to the global one); lets callers add headers, auth or caching. */
  fetch?: typeof fetch;
}

/**
 * A {@link ModelFileSource} over HTTP(S): file `name` is fetched from `baseUrl + '/' + name`.
 * `has` sends a `HEAD` request; 404 means absent, any other failure is an error.
 *
 * @param baseUrl - URL of the model directory (with or without a trailing `/`).
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM, urlSource } from '@albert-ts/core';
 * import { wasmBackend } from '@albert-ts/backend-wasm';
 *
 * // A model directory served by your own site (config.json, spiece.model, model.safetensors).
 * const model = await AlbertForMaskedLM.fromPretrained(urlSource('/models/albert-base-v2/'), { backend: wasmBackend() });
 * ```
 */
export function urlSource(baseUrl: string, options: UrlSourceOptions = {}): ModelFileSource {
  const description = baseUrl;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const fetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const urlOf = (name: string): string =>
    base + checkModelFileName(name, description).split('/').map(encodeURIComponent).join('/');
  const request = async (name: string, method: 'GET' | 'HEAD'): Promise<Response> => {
    const url = urlOf(name);
    try {
      return await fetchFunction(url, { method });
    } catch (error) {
      throw new CheckpointError(
        'CHECKPOINT_READ_FAILED',
        `${name}: ${method} ${url} failed: ${String(error)}`,
        {
          file: name,
          source: description,
        },
        { cause: error },
      );
    }
  };
  const read = async (name: string): Promise<Uint8Array> => {
    const response = await request(name, 'GET');
    if (response.status === 404) throw fileNotFound(name, description);
    if (!response.ok) {
      throw new CheckpointError(
        'CHECKPOINT_READ_FAILED',
        `${name}: GET ${urlOf(name)} answered HTTP ${response.status}`,
        {
          file: name,
          source: description,
          status: response.status,
        },
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  };
  return {
    description,
    async has(name) {
      const response = await request(name, 'HEAD');
      if (response.ok) return true;
      if (response.status === 404) return false;
      throw new CheckpointError(
        'CHECKPOINT_READ_FAILED',
        `${name}: HEAD ${urlOf(name)} answered HTTP ${response.status}`,
        {
          file: name,
          source: description,
          status: response.status,
        },
      );
    },
    read,
    async readText(name) {
      return decodeUtf8Text(await read(name), name);
    },
  };
}

/**
 * `@albert-ts/backend-wasm/jsep-assets` in browsers and bundlers: the URLs of onnxruntime-web's JSEP build
 * files, written as `new URL('onnxruntime-web/…', import.meta.url)` so that Vite and webpack 5 emit both files
 * as assets of your bundle (in Node, `platform/node-jsep-asset-urls.ts` gives the installed files instead).
 *
 * @module
 */
import type { WasmAssetUrls } from './create-wasm-backend.js';

export type { WasmAssetUrls } from './create-wasm-backend.js';

/**
 * The URLs of `ort-wasm-simd-threaded.jsep.mjs` and `ort-wasm-simd-threaded.jsep.wasm` (onnxruntime-web's
 * JSEP build, the one `@albert-ts/backend-wasm/jsep` and `@albert-ts/backend-webgpu/jsep` run), as bundler
 * asset URLs for `wasmPaths`. See `wasmAssetUrls` of `@albert-ts/backend-wasm/assets` for the bundlers.
 *
 * @example
 * ```ts
 * import { wasmBackend } from '@albert-ts/backend-wasm/jsep';
 * import { jsepAssetUrls } from '@albert-ts/backend-wasm/jsep-assets';
 *
 * const backend = wasmBackend({ numThreads: 4, wasmPaths: jsepAssetUrls });
 * ```
 */
export const jsepAssetUrls: WasmAssetUrls = {
  mjs: new URL('onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs', import.meta.url),
  wasm: new URL('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm', import.meta.url),
};

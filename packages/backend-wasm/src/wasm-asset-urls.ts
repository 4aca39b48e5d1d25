/**
 * `@albert-ts/backend-wasm/assets` in browsers and bundlers: the URLs of onnxruntime-web's WASM build files,
 * written as `new URL('onnxruntime-web/…', import.meta.url)` so that Vite and webpack 5 emit both files as
 * assets of your bundle (in Node, `platform/node-wasm-asset-urls.ts` gives the installed files instead).
 *
 * @module
 */
import type { WasmAssetUrls } from './create-wasm-backend.js';

export type { WasmAssetUrls } from './create-wasm-backend.js';

/**
 * The URLs of `ort-wasm-simd-threaded.mjs` and `ort-wasm-simd-threaded.wasm` (onnxruntime-web's WASM build,
 * the one `wasmBackend` of `@albert-ts/backend-wasm` runs), as bundler asset URLs: pass them as
 * `wasmPaths` so that WebAssembly threads start in a cross-origin isolated page, without depending on
 * onnxruntime-web's file names yourself. Vite and webpack 5 emit both files next to your bundle; esbuild
 * does not handle `new URL(…, import.meta.url)`: copy the two files from `onnxruntime-web/dist` next to the
 * bundle and pass their directory's URL as `wasmPaths` instead.
 *
 * @example
 * ```ts
 * import { wasmBackend } from '@albert-ts/backend-wasm';
 * import { wasmAssetUrls } from '@albert-ts/backend-wasm/assets';
 *
 * // Threads need a cross-origin isolated page (COOP: same-origin, COEP: require-corp).
 * const backend = wasmBackend({ numThreads: 4, wasmPaths: wasmAssetUrls });
 * ```
 */
export const wasmAssetUrls: WasmAssetUrls = {
  mjs: new URL('onnxruntime-web/ort-wasm-simd-threaded.mjs', import.meta.url),
  wasm: new URL('onnxruntime-web/ort-wasm-simd-threaded.wasm', import.meta.url),
};

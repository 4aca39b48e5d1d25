/**
 * `@albert-ts/backend-wasm/assets` in Node: the `file:` URLs of the installed onnxruntime-web WASM build files
 * (the same names as the browser entry, so isomorphic code may pass them as `wasmPaths` anywhere).
 *
 * @module
 */
import type { WasmAssetUrls } from '../create-wasm-backend.js';

export type { WasmAssetUrls } from '../create-wasm-backend.js';

/** The installed `ort-wasm-simd-threaded.mjs` and `.wasm` of onnxruntime-web (Node: `file:` URLs). */
export const wasmAssetUrls: WasmAssetUrls = {
  mjs: new URL(import.meta.resolve('onnxruntime-web/ort-wasm-simd-threaded.mjs')),
  wasm: new URL(import.meta.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')),
};

import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './create-wasm-backend.js';
import type { OrtWebModule } from './ort-tensor-conversion.js';

/**
 * Creates the `wasm` backend: onnxruntime-web 1.30 on WebAssembly (CPU), in Node and in browsers.
 *
 * - **Threads**: `numThreads > 1` needs `SharedArrayBuffer`, i.e. Node or a cross-origin isolated page
 *   (COOP `same-origin` + COEP `require-corp`); elsewhere it runs single-threaded ({@link WasmBackend.environment} says so).
 * - **Files**: the `.wasm` binary is loaded from the installed package (Node) or from the bundler's asset
 *   URL (browsers) unless {@link WasmBackendOptions.wasmPaths}/{@link WasmBackendOptions.wasmBinary} say
 *   otherwise; it works offline and never reaches for a CDN.
 * - **One runtime per page/process**: onnxruntime-web reads its WebAssembly settings once, when it first
 *   initializes. Several `wasmBackend()` values may coexist if their `numThreads`/`simd`/`wasmPaths`/`proxy`
 *   agree; a conflicting one reports `BACKEND_SETTINGS_CONFLICT` from `probe()` and `load()`.
 *
 * Importing this package has no side effects: onnxruntime-web is imported on the first `probe()` or `load()`.
 *
 * @example
 * ```ts
 * const model = await AlbertForMaskedLM.fromPretrained(url, { backend: wasmBackend({ numThreads: 4 }) });
 * ```
 */
export function wasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  // `#onnxruntime-web` (package.json "imports"): onnxruntime-web's Node build in Node, its WASM-only build elsewhere.
  return createWasmBackend(options, 'wasm', () => import('#onnxruntime-web') as Promise<OrtWebModule>);
}

/**
 * `@albert-ts/backend-wasm/jsep`: the `wasm` backend on onnxruntime-web's JSEP build (the default
 * `onnxruntime-web` entry, which also runs WebGPU). A page that uses both WebAssembly and WebGPU (as
 * `albert-ts` does in browsers) imports this one and `@albert-ts/backend-webgpu/jsep`, so its bundle holds one
 * `.wasm` binary (`ort-wasm-simd-threaded.jsep.wasm`, 28 MB) instead of two (42 MB). For WebAssembly alone,
 * `@albert-ts/backend-wasm` is smaller (14 MB).
 *
 * @module
 */
import type { OrtWebModule } from './ort-tensor-conversion.js';
import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './create-wasm-backend.js';

export {
  WASM_CONTRIB_OPERATORS,
  WASM_THREADS_RECIPE,
  type WasmAssetUrls,
  type WasmBackend,
  type WasmBackendOptions,
  type WasmBuild,
  type WasmEnvironment,
  type WasmPaths,
} from './create-wasm-backend.js';
export * from './web-backend-error.js';

/**
 * Creates the `wasm` backend on onnxruntime-web's JSEP build: the same backend as `@albert-ts/backend-wasm`'s
 * `wasmBackend` (same options, same results), sharing its onnxruntime-web module with
 * `@albert-ts/backend-webgpu/jsep`. For threads in a bundled page, pass the JSEP build's files:
 * `wasmPaths: jsepAssetUrls` from `@albert-ts/backend-wasm/jsep-assets`.
 *
 * @example
 * ```ts
 * import { wasmBackend } from '@albert-ts/backend-wasm/jsep';
 * import { webgpuBackend } from '@albert-ts/backend-webgpu/jsep';
 * import { selectBackend } from '@albert-ts/core';
 *
 * // WebGPU where the browser has it, else WebAssembly: one onnxruntime-web build, one .wasm in the bundle.
 * const backend = await selectBackend([webgpuBackend(), wasmBackend()]);
 * ```
 */
export function wasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  return createWasmBackend(options, 'jsep', () => import('onnxruntime-web') as Promise<OrtWebModule>);
}

/**
 * `@albert-ts/backend-webgpu/jsep`: the `webgpu` backend with onnxruntime-web's JSEP build only (the
 * default build), so that a bundle emits one `.wasm` (`ort-wasm-simd-threaded.jsep.wasm`, 28 MB) instead of two.
 */
import type { OrtWebModule } from '@albert-ts/backend-wasm/ort-web';
import { createWebGpuBackend } from './create-webgpu-backend.js';
import type { WebGpuBackend, WebGpuBackendOptions } from './webgpu-backend-types.js';

export { DEFAULT_WEBGPU_BUILD, WEBGPU_CONTRIB_OPERATORS } from './webgpu-backend-types.js';
export type { WebGpuAdapterReport, WebGpuBackend, WebGpuBackendOptions, WebGpuBuild } from './webgpu-backend-types.js';
// From the /ort-web entry (not the package root, whose wasmBackend would pull onnxruntime-web's WASM build into bundles).
export { WebBackendError, type WebBackendErrorCode } from '@albert-ts/backend-wasm/ort-web';

/**
 * Creates the `webgpu` backend on onnxruntime-web's JSEP build (`build: 'webgpu'` is unavailable here).
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM, urlSource } from '@albert-ts/core';
 * import { webgpuBackend } from '@albert-ts/backend-webgpu/jsep';
 *
 * const model = await AlbertForMaskedLM.fromPretrained(urlSource('/models/albert-base-v2/'), { backend: webgpuBackend() });
 * ```
 */
export function webgpuBackend(options: WebGpuBackendOptions = {}): WebGpuBackend {
  return createWebGpuBackend(
    options,
    { jsep: () => import('onnxruntime-web') as Promise<OrtWebModule> },
    '@albert-ts/backend-webgpu/jsep',
  );
}

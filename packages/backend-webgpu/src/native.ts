/**
 * `@albert-ts/backend-webgpu/native`: the `webgpu` backend with onnxruntime-web's native WebGPU build only
 * (`onnxruntime-web/webgpu`), so that a bundle emits one `.wasm` (`ort-wasm-simd-threaded.asyncify.wasm`, 27 MB).
 */
import type { OrtWebModule } from '@albert-ts/backend-wasm/ort-web';
import { createWebGpuBackend } from './create-webgpu-backend.js';
import type { WebGpuBackend, WebGpuBackendOptions } from './webgpu-backend-types.js';

export { WEBGPU_CONTRIB_OPERATORS } from './webgpu-backend-types.js';
export type { WebGpuAdapterReport, WebGpuBackend, WebGpuBackendOptions, WebGpuBuild } from './webgpu-backend-types.js';
// From the /ort-web entry (not the package root, whose wasmBackend would pull onnxruntime-web's WASM build into bundles).
export { WebBackendError, type WebBackendErrorCode } from '@albert-ts/backend-wasm/ort-web';

/**
 * Creates the `webgpu` backend on onnxruntime-web's native WebGPU build; `build` defaults to `'webgpu'`
 * here (`'jsep'` is unavailable).
 *
 * @example
 * ```ts
 * import { webgpuBackend } from '@albert-ts/backend-webgpu/native';
 * const backend = webgpuBackend();
 * ```
 */
export function webgpuBackend(options: WebGpuBackendOptions = {}): WebGpuBackend {
  const imports = { webgpu: () => import('onnxruntime-web/webgpu') as Promise<OrtWebModule> };
  return createWebGpuBackend({ build: 'webgpu', ...options }, imports, '@albert-ts/backend-webgpu/native');
}

import type { OrtWebModule } from '@albert-ts/backend-wasm/ort-web';
import { createWebGpuBackend } from './create-webgpu-backend.js';
import type { WebGpuBackend, WebGpuBackendOptions } from './webgpu-backend-types.js';

/**
 * Creates the `webgpu` backend: onnxruntime-web 1.30 on the browser's WebGPU.
 *
 * `probe()` says why it cannot run: no `navigator.gpu` (a browser without WebGPU, a page that
 * is not a secure context, Chromium on Linux without `--enable-unsafe-webgpu`), no adapter
 * (`requestAdapter()` returned `null`: blocklisted or absent GPU), or an onnxruntime failure; it also reads the
 * adapter's features, so that `capabilities.float16` reflects `shader-f16` (and {@link WebGpuBackendOptions.preferFloat16}).
 *
 * This entry point offers both builds, so a bundle emits both `.wasm` files (about 55 MB); import from
 * `@albert-ts/backend-webgpu/jsep` or `@albert-ts/backend-webgpu/native` to ship one.
 *
 * Importing this package has no side effects: onnxruntime-web is imported on the first `probe()` or `load()`.
 * Vite's dev server must not pre-bundle `onnxruntime-web` (`optimizeDeps.exclude`), which locates its
 * `.wasm` next to its own module; production bundles emit the `.wasm` as an asset. Nothing comes from a CDN.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM } from '@albert-ts/core';
 * import { webgpuBackend } from '@albert-ts/backend-webgpu/jsep'; // one onnxruntime-web build in the bundle
 *
 * const backend = webgpuBackend({ powerPreference: 'high-performance' });
 * const probe = await backend.probe(); // says why not: no navigator.gpu, no adapter, ...
 * if (probe.available) {
 *   const model = await AlbertForMaskedLM.fromPretrained('/models/albert-base-v2/', { backend, dtype: 'fp16' });
 * }
 * ```
 */
export function webgpuBackend(options: WebGpuBackendOptions = {}): WebGpuBackend {
  // Two static specifiers so that bundlers see (and split) both builds; only the chosen one is fetched.
  return createWebGpuBackend(
    options,
    {
      jsep: () => import('onnxruntime-web') as Promise<OrtWebModule>,
      webgpu: () => import('onnxruntime-web/webgpu') as Promise<OrtWebModule>,
    },
    '@albert-ts/backend-webgpu',
  );
}

export * from './webgpu-backend-types.js';
export * from './webgpu-backend.js';
// From the /ort-web entry (not the package root, whose wasmBackend would pull onnxruntime-web's WASM build into bundles).
export { WebBackendError, type WebBackendErrorCode } from '@albert-ts/backend-wasm/ort-web';

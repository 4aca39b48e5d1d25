export * from './webgpu-backend-types.js';
export * from './webgpu-backend.js';
export { WebBackendError, type WebBackendErrorCode } from '@albert-ts/backend-wasm';

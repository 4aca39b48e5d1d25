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
export * from './wasm-backend.js';
export * from './web-backend-error.js';

export * from './wasm-backend.js';
export * from './web-backend-error.js';

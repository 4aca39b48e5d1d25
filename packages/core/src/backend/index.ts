export * from './backend.js';
export * from './backend-error.js';
export * from './probe-model.js';
export * from './select-backend.js';
export * from './require-backend.js';
export * from './device-tensor.js';
export * from './device-tensor-error.js';

export * from './tensor.js';
export * from './backend/index.js';
export * from './checkpoint/index.js';
export * from './graph/index.js';
export * from './model/index.js';
export * from './hub/index.js';
export * from './verify/index.js';

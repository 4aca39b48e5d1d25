export * from './verify-error.js';
export * from './reference-cases.js';
export * from './run-reference-case.js';
export * from './verify-reference-model.js';

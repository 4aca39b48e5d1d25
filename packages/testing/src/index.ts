export * from './fixture-source.js';
export * from './parity-suite.js';
export * from './reference-albert.js';
export * from './synthetic-albert-weights.js';
export * from './pipeline-parity-suite.js';

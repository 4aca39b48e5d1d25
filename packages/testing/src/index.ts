export * from './fixture-source.js';
export * from './parity-suite.js';

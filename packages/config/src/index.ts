export * from './albert-error.js';

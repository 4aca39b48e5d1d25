export * from './dispose-tensor.js';

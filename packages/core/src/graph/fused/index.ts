export * from './fused-albert-layer.js';
export * from './choose-fused-attention.js';

export * from './fused-layer-kernels.js';
export * from './choose-fused-attention.js';

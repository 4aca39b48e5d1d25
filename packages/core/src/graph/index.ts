export * from './onnx-proto.js';
export * from './graph-builder.js';
export * from './graph-error.js';
export * from './activation.js';
export * from './albert-graph.js';
export * from './albert-layer-kernels.js';
export * from './fused/index.js';
export * from './quantize/index.js';

export * from './training-error.js';
export * from './graph/graph-editor.js';
export * from './graph/static-shapes.js';
export * from './graph/gradient-rules.js';
export * from './graph/differentiate.js';

export * from './quantize-dynamic-int8.js';
export * from './convert-float16.js';

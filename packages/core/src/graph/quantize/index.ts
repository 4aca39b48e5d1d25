export * from './quantize-dynamic-int8.js';

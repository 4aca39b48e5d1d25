/**
 * `@albert-ts/backend-wasm/ort-web`: the onnxruntime-web session adapter shared with
 * `@albert-ts/backend-webgpu` (tensor conversion, feed checks, serialized runs). Internal to albert-ts:
 * not covered by semver.
 */
export * from './ort-tensor-conversion.js';
export * from './ort-web-session.js';
export * from './web-backend-error.js';

import { wasmBackend } from '@albert-ts/backend-wasm';
import { webgpuBackend } from '@albert-ts/backend-webgpu';
import { readFixture, requiredBackends, writeParityReport } from '../../backend-wasm/src/test-support/browser-files.js';
import { defineTrainingParitySuite } from './test-training-parity-suite.js';

// The training parity suite in Chromium: onnxruntime-web's WebAssembly build ("browser-wasm") and its
// WebGPU build ("browser-webgpu"; SwiftShader where there is no GPU). Fixtures come from the Vite dev server.
const required = requiredBackends.split(',').map((name) => name.trim());
defineTrainingParitySuite({
  backendName: 'browser-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  requiredBackends: required,
  onReport: (rows) => writeParityReport('training-browser-wasm', rows),
});
defineTrainingParitySuite({
  backendName: 'browser-webgpu',
  createBackend: () => webgpuBackend(),
  readFixture,
  requiredBackends: required,
  onReport: (rows) => writeParityReport('training-browser-webgpu', rows),
});

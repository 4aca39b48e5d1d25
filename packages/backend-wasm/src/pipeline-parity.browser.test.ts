import { definePipelineParitySuite } from '@albert-ts/testing';
import { readFixture, requiredBackends } from './test-support/browser-files.js';
import { wasmBackend } from './wasm-backend.js';

// The pipeline parity suite of @albert-ts/testing, unchanged, on onnxruntime-web's WebAssembly build in
// Chromium ("browser-wasm"); fixtures (and the demo model) come from the Vite dev server.
definePipelineParitySuite({
  backendName: 'browser-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  requiredBackends: requiredBackends.split(',').map((name) => name.trim()),
});

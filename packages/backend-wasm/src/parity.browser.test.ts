import { defineParitySuite } from '@albert-ts/testing';
import { readFixture, requiredBackends, writeParityReport } from './test-support/browser-files.js';
import { wasmBackend } from './wasm-backend.js';

// The parity suite of @albert-ts/testing, unchanged, on onnxruntime-web's WebAssembly build in Chromium
// ("browser-wasm"); fixtures come from the Vite dev server.
defineParitySuite({
  backendName: 'browser-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  graphFlavours: ['plain', 'fused'],
  requiredBackends: requiredBackends.split(',').map((name) => name.trim()),
  onReport: (rows) => writeParityReport('browser-wasm', rows),
});

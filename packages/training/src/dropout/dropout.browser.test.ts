import { wasmBackend } from '@albert-ts/backend-wasm';
import { webgpuBackend } from '@albert-ts/backend-webgpu';
import { readFixture, requiredBackends } from '../../../backend-wasm/src/test-support/browser-files.js';
import { defineDropoutSuite } from './test-dropout-suite.js';

// The dropout suite in Chromium: browser-wasm and browser-webgpu (SwiftShader where there is no GPU).
const required = requiredBackends.split(',').map((name) => name.trim());
defineDropoutSuite({
  backendName: 'browser-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  requiredBackends: required,
  bitExact: true,
});
defineDropoutSuite({
  backendName: 'browser-webgpu',
  createBackend: () => webgpuBackend(),
  readFixture,
  requiredBackends: required,
  bitExact: false,
});

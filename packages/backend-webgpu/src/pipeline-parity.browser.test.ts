import { definePipelineParitySuite } from '@albert-ts/testing';
import { readFixture, requiredBackends } from '../../backend-wasm/src/test-support/browser-files.js';
import { webgpuBackend } from './webgpu-backend.js';

// The pipeline parity suite of @albert-ts/testing, unchanged, on onnxruntime-web's WebGPU in Chromium
// ("browser-webgpu"; SwiftShader where there is no GPU).
definePipelineParitySuite({
  backendName: 'browser-webgpu',
  createBackend: () => webgpuBackend(),
  readFixture,
  requiredBackends: requiredBackends.split(',').map((name) => name.trim()),
});

import { webgpuBackend } from '@albert-ts/backend-webgpu';
import { readFixture, requiredBackends, writeParityReport } from '../../backend-wasm/src/test-support/browser-files.js';
import { defineTrainingParitySuite } from './test-training-parity-suite.js';

// The training parity suite in Chromium with the optimizer in the graph, on browser-webgpu (SwiftShader where
// there is no GPU), in a page of its own (see training-parity-graph-optimizer.browser.test.ts). The fused step's
// weights and moments round-trip through JavaScript (the default); ...-webgpu-device-state.browser.test.ts keeps
// them on the device.
const required = requiredBackends.split(',').map((name) => name.trim());
defineTrainingParitySuite({
  backendName: 'browser-webgpu',
  createBackend: () => webgpuBackend(),
  readFixture,
  requiredBackends: required,
  optimizerPlacement: 'graph',
  onReport: (rows) => writeParityReport('training-graph-optimizer-browser-webgpu', rows),
});

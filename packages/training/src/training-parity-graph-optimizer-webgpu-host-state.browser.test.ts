import { webgpuBackend } from '@albert-ts/backend-webgpu';
import { readFixture, requiredBackends, writeParityReport } from '../../backend-wasm/src/test-support/browser-files.js';
import { defineTrainingParitySuite } from './test-training-parity-suite.js';

// training-parity-graph-optimizer-webgpu.browser.test.ts with the fused step's weights and moments round-tripping
// through JavaScript every step (keepStateOnDevice: false), the path of the CPU backends: both must pass the
// fixture tolerances, and their reports give the losses of the two paths side by side.
const required = requiredBackends.split(',').map((name) => name.trim());
defineTrainingParitySuite({
  backendName: 'browser-webgpu',
  createBackend: () => webgpuBackend(),
  readFixture,
  requiredBackends: required,
  optimizerPlacement: 'graph',
  keepStateOnDevice: false,
  onReport: (rows) => writeParityReport('training-graph-optimizer-browser-webgpu-host-state', rows),
});

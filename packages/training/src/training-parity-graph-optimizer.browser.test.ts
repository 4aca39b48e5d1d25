import { wasmBackend } from '@albert-ts/backend-wasm';
import { webgpuBackend } from '@albert-ts/backend-webgpu';
import { readFixture, requiredBackends, writeParityReport } from '../../backend-wasm/src/test-support/browser-files.js';
import { defineTrainingParitySuite } from './test-training-parity-suite.js';

// The training parity suite in Chromium with the optimizer in the graph (the AdamW update graph for the one
// step from the reference gradients, the fused training-step graph for the three full steps): browser-wasm
// and browser-webgpu (SwiftShader where there is no GPU).
const required = requiredBackends.split(',').map((name) => name.trim());
defineTrainingParitySuite({
  backendName: 'browser-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  requiredBackends: required,
  optimizerPlacement: 'graph',
  onReport: (rows) => writeParityReport('training-graph-optimizer-browser-wasm', rows),
});
defineTrainingParitySuite({
  backendName: 'browser-webgpu',
  createBackend: () => webgpuBackend(),
  readFixture,
  requiredBackends: required,
  optimizerPlacement: 'graph',
  onReport: (rows) => writeParityReport('training-graph-optimizer-browser-webgpu', rows),
});

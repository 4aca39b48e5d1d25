import { wasmBackend } from '@albert-ts/backend-wasm';
import { readFixture, requiredBackends, writeParityReport } from '../../backend-wasm/src/test-support/browser-files.js';
import { defineTrainingParitySuite } from './test-training-parity-suite.js';

// The training parity suite in Chromium with the optimizer in the graph (the AdamW update graph for the one
// step from the reference gradients, the fused training-step graph for the three full steps) on browser-wasm.
// browser-webgpu has its own file (its own page): run after the WASM cases in one page, its first two cases
// failed inside onnxruntime-web's JSEP build ("Cannot read properties of null (reading 'Nd')").
const required = requiredBackends.split(',').map((name) => name.trim());
defineTrainingParitySuite({
  backendName: 'browser-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  requiredBackends: required,
  optimizerPlacement: 'graph',
  onReport: (rows) => writeParityReport('training-graph-optimizer-browser-wasm', rows),
});

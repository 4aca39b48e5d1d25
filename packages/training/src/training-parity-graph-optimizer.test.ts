import { readFile } from 'node:fs/promises';
import { nodeBackend } from '@albert-ts/backend-node';
import { wasmBackend } from '@albert-ts/backend-wasm';
import { defineTrainingParitySuite } from './test-training-parity-suite.js';

// The training parity suite with the optimizer in the graph (the AdamW update graph for the one step from the
// reference gradients, the fused training-step graph for the three full steps) on node-cpu and node-wasm.
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

defineTrainingParitySuite({
  backendName: 'node-cpu',
  createBackend: () => nodeBackend(),
  readFixture,
  optimizerPlacement: 'graph',
});

defineTrainingParitySuite({
  backendName: 'node-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  optimizerPlacement: 'graph',
});

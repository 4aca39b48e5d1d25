import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wasmBackend } from '@albert-ts/backend-wasm';
import { defineTrainingParitySuite, type TrainingParityRow } from './test-training-parity-suite.js';

// The training parity suite on onnxruntime-web's WebAssembly build in Node ("node-wasm").
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

const writeReport = async (rows: readonly TrainingParityRow[]): Promise<void> => {
  const directory = process.env['ALBERT_PARITY_REPORT_DIR'];
  if (directory === undefined || rows.length === 0) return;
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'training-parity-node-wasm.json'), `${JSON.stringify(rows, null, 1)}\n`);
};

defineTrainingParitySuite({
  backendName: 'node-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  onReport: writeReport,
});

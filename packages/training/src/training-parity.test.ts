import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeBackend } from '@albert-ts/backend-node';
import { defineTrainingParitySuite, type TrainingParityRow } from './test-training-parity-suite.js';

// The training parity suite on onnxruntime-node's CPU device ("node-cpu").
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> => new Uint8Array(await readFile(new URL(relativePath, fixtures)));

const writeReport = async (rows: readonly TrainingParityRow[]): Promise<void> => {
  const directory = process.env['ALBERT_PARITY_REPORT_DIR'];
  if (directory === undefined || rows.length === 0) return;
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'training-parity-node-cpu.json'), `${JSON.stringify(rows, null, 1)}\n`);
};

defineTrainingParitySuite({ backendName: 'node-cpu', createBackend: () => nodeBackend({ device: 'cpu' }), readFixture, onReport: writeReport });

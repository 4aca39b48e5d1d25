import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineParitySuite, type ParityRow } from '@albert-ts/testing';
import { wasmBackend } from './wasm-backend.js';

// The parity suite of @albert-ts/testing on onnxruntime-web's WebAssembly build in Node ("node-wasm").
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

/** Writes the rows as JSON when ALBERT_PARITY_REPORT_DIR is set. */
const writeReport = async (rows: readonly ParityRow[]): Promise<void> => {
  const directory = process.env['ALBERT_PARITY_REPORT_DIR'];
  if (directory === undefined || rows.length === 0) return;
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'parity-node-wasm.json'), `${JSON.stringify(rows, null, 1)}\n`);
};

defineParitySuite({
  backendName: 'node-wasm',
  createBackend: () => wasmBackend(),
  readFixture,
  graphFlavours: ['plain', 'fused'],
  onReport: writeReport,
});

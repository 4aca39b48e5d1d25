import { readFile } from 'node:fs/promises';
import { definePipelineParitySuite } from '@albert-ts/testing';
import { wasmBackend } from './wasm-backend.js';

// The pipeline parity suite of @albert-ts/testing on onnxruntime-web's WebAssembly build in Node ("node-wasm").
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

definePipelineParitySuite({ backendName: 'node-wasm', createBackend: () => wasmBackend(), readFixture });

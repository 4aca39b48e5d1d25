import { readFile } from 'node:fs/promises';
import { nodeBackend } from '@albert-ts/backend-node';
import { wasmBackend } from '@albert-ts/backend-wasm';
import { defineDropoutSuite } from './test-dropout-suite.js';

// The dropout suite on node-cpu and node-wasm (the browser backends run it in dropout.browser.test.ts).
const fixtures = new URL('../../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

defineDropoutSuite({
  backendName: 'node-cpu',
  createBackend: () => nodeBackend({ device: 'cpu' }),
  readFixture,
  bitExact: true,
});
defineDropoutSuite({ backendName: 'node-wasm', createBackend: () => wasmBackend(), readFixture, bitExact: true });

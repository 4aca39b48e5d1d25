import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineParitySuite, type ParityRow } from '@albert-ts/testing';
import { nodeBackend, type NodeDevice } from './node-backend.js';

// The parity suite of @albert-ts/testing, run for every onnxruntime-node device. A device that cannot
// run here is skipped with its probe() reason unless ALBERT_REQUIRE_BACKENDS names it.
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

/** Writes the rows as JSON when ALBERT_PARITY_REPORT_DIR is set. */
const writeReport =
  (name: string) =>
  async (rows: readonly ParityRow[]): Promise<void> => {
    const directory = process.env['ALBERT_PARITY_REPORT_DIR'];
    if (directory === undefined || rows.length === 0) return;
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, `parity-${name}.json`), `${JSON.stringify(rows, null, 1)}\n`);
  };

const devices: NodeDevice[] = ['cpu', 'webgpu', 'cuda'];
for (const device of devices) {
  defineParitySuite({
    backendName: `node-${device}`,
    createBackend: () => nodeBackend({ device }),
    readFixture,
    graphFlavours: ['plain', 'fused'],
    onReport: writeReport(`node-${device}`),
  });
}

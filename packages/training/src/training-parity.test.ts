import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeBackend, type NodeDevice } from '@albert-ts/backend-node';
import { defineTrainingParitySuite, type TrainingParityRow } from './test-training-parity-suite.js';

// The training parity suite on every onnxruntime-node device ("node-cpu", "node-webgpu", "node-cuda"); a
// device that cannot run here is skipped with its probe() reason unless ALBERT_REQUIRE_BACKENDS names it.
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

/** Writes the rows as JSON when ALBERT_PARITY_REPORT_DIR is set. */
const writeReport =
  (name: string) =>
  async (rows: readonly TrainingParityRow[]): Promise<void> => {
    const directory = process.env['ALBERT_PARITY_REPORT_DIR'];
    if (directory === undefined || rows.length === 0) return;
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, `training-parity-${name}.json`), `${JSON.stringify(rows, null, 1)}\n`);
  };

const devices: NodeDevice[] = ['cpu', 'webgpu', 'cuda'];
for (const device of devices) {
  defineTrainingParitySuite({
    backendName: `node-${device}`,
    createBackend: () => nodeBackend({ device }),
    readFixture,
    onReport: writeReport(`node-${device}`),
  });
}

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeBackend, type NodeDevice } from '@albert-ts/backend-node';
import { describe, it } from 'vitest';
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

/**
 * onnxruntime-node's WebGPU provider on a software Vulkan adapter (SwiftShader, the only one on the CI
 * machine) does not finish the training graphs within minutes, where the same graphs pass on
 * browser-webgpu (Chromium's SwiftShader) and every other backend: node-webgpu training runs only when
 * asked for with ALBERT_TRAINING_NODE_WEBGPU=1 (e.g. on a machine with a real GPU).
 */
const NODE_WEBGPU_OPT_IN = 'ALBERT_TRAINING_NODE_WEBGPU';

const devices: NodeDevice[] = ['cpu', 'webgpu', 'cuda'];
for (const device of devices) {
  if (device === 'webgpu' && process.env[NODE_WEBGPU_OPT_IN] !== '1') {
    const reason = `node-webgpu training parity runs only with ${NODE_WEBGPU_OPT_IN}=1 (too slow on a software adapter)`;
    console.warn(`[training parity] ${reason}`);
    describe('training parity: node-webgpu', () => {
      it('is opt-in', (context) => context.skip(reason));
    });
    continue;
  }
  defineTrainingParitySuite({
    backendName: `node-${device}`,
    createBackend: () => nodeBackend({ device }),
    readFixture,
    onReport: writeReport(`node-${device}`),
  });
}

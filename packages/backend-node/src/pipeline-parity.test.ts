import { readFile } from 'node:fs/promises';
import { definePipelineParitySuite } from '@albert-ts/testing';
import { nodeBackend, type NodeDevice } from './node-backend.js';

// The pipeline parity suite of @albert-ts/testing (Python pipeline() outputs, fixtures/pipelines) for
// every onnxruntime-node device; a device that cannot run here is skipped with its probe() reason.
const fixtures = new URL('../../../fixtures/', import.meta.url);
const readFixture = async (relativePath: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(new URL(relativePath, fixtures)));

const devices: NodeDevice[] = ['cpu', 'webgpu', 'cuda'];
for (const device of devices)
  definePipelineParitySuite({
    backendName: `node-${device}`,
    createBackend: () => nodeBackend({ device }),
    readFixture,
  });

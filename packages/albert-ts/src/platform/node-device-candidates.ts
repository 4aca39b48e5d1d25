/**
 * The backends of each device in Node (`#device-candidates` under the `node` condition). onnxruntime-node
 * comes from the optional peer `@albert-ts/backend-node`, imported only when a device needs it.
 */
import { wasmBackend } from '@albert-ts/backend-wasm';
import type { Backend } from '@albert-ts/core';
import type { AlbertDevice, DeviceCandidate } from '../albert-device.js';

/** The install line of the native backend (skipping onnxruntime-node's CUDA download, which CPU users do not need). */
export const BACKEND_NODE_INSTALL = 'npm install @albert-ts/backend-node --onnxruntime-node-install=skip';

function nodeCandidate(device: 'cpu' | 'webgpu' | 'cuda'): DeviceCandidate {
  return {
    name: `node-${device}`,
    async create(): Promise<Backend> {
      let module: typeof import('@albert-ts/backend-node');
      try {
        module = await import('@albert-ts/backend-node');
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new Error(`@albert-ts/backend-node is not installed (${BACKEND_NODE_INSTALL}): ${detail}`, {
          cause: error,
        });
      }
      return module.nodeBackend({ device });
    },
  };
}

const wasm: DeviceCandidate = { name: 'wasm', create: async () => wasmBackend() };

/** The candidates of `device` in Node, in the order they are tried. */
export function deviceCandidates(device: AlbertDevice): readonly DeviceCandidate[] {
  switch (device) {
    case 'auto':
      // Native CPU first; WebGPU in Node is opt-in (device: 'webgpu'): a software adapter is slower than the CPU.
      return [nodeCandidate('cpu'), wasm];
    case 'cpu':
      return [nodeCandidate('cpu')];
    case 'cuda':
      return [nodeCandidate('cuda')];
    case 'webgpu':
      return [nodeCandidate('webgpu')];
    case 'wasm':
      return [wasm];
  }
}

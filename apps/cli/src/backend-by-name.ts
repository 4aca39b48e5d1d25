import type { Backend } from '@albert-ts/core';
import { nodeBackendByName } from '@albert-ts/backend-node';
import { wasmBackend } from '@albert-ts/backend-wasm';

/** Backend names the CLI accepts in `--backend`. */
export const CLI_BACKEND_NAMES = ['node-cpu', 'node-webgpu', 'node-cuda', 'node-wasm'] as const;

/**
 * The backend value for a `--backend` name: `node-wasm` is onnxruntime-web's WebAssembly build running
 * in Node, every other name is an onnxruntime-node device (`node-cpu`, `node-webgpu`, `node-cuda`).
 * Unknown names throw the backend package's typed error.
 */
export function backendByName(name: string): Backend {
  return name === 'node-wasm' ? wasmBackend() : nodeBackendByName(name);
}

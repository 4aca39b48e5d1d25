/**
 * The backends of each device in browsers (`#device-candidates` without the `node` condition): WebGPU and
 * WebAssembly, both on onnxruntime-web's JSEP build (which also runs the WebAssembly provider), so that a
 * bundle of albert-ts holds one `.wasm` binary (`ort-wasm-simd-threaded.jsep.wasm`, 28 MB) instead of the JSEP
 * and the WASM-only builds (42 MB). Nothing here imports a Node module.
 */
import { wasmBackend } from '@albert-ts/backend-wasm/jsep';
import { webgpuBackend } from '@albert-ts/backend-webgpu/jsep';
import type { AlbertDevice, DeviceCandidate } from '../albert-device.js';

const webgpu: DeviceCandidate = { name: 'webgpu', create: async () => webgpuBackend() };
const wasm: DeviceCandidate = { name: 'wasm', create: async () => wasmBackend() };
const cuda: DeviceCandidate = {
  name: 'cuda',
  create: () =>
    Promise.reject(new Error("CUDA runs in Node only (onnxruntime-node); in a browser use device 'webgpu' or 'wasm'")),
};

/** The candidates of `device` in a browser, in the order they are tried. */
export function deviceCandidates(device: AlbertDevice): readonly DeviceCandidate[] {
  switch (device) {
    case 'auto':
      return [webgpu, wasm];
    case 'cpu':
    case 'wasm':
      return [wasm];
    case 'webgpu':
      return [webgpu];
    case 'cuda':
      return [cuda];
  }
}

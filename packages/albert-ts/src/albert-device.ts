import { BackendError, type Backend } from '@albert-ts/core';
import { deviceCandidates } from '#device-candidates';

/**
 * Where a model runs, as transformers.js users write it:
 * - `'auto'` (default): in Node, onnxruntime-node on the CPU, else WebAssembly; in a browser, WebGPU, else
 *   WebAssembly. Each fallback is reported ({@link DeviceOptions.onDeviceFallback}).
 * - `'cpu'`: onnxruntime-node's CPU provider in Node (needs `@albert-ts/backend-node`); WebAssembly in a browser.
 * - `'cuda'`: onnxruntime-node's CUDA provider (Node, `@albert-ts/backend-node` with its CUDA libraries).
 * - `'wasm'`: onnxruntime-web's WebAssembly build (Node and browsers).
 * - `'webgpu'`: onnxruntime-node's native WebGPU in Node, onnxruntime-web's WebGPU in a browser.
 */
export type AlbertDevice = 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu';

/** Every {@link AlbertDevice}, in documentation order. */
export const ALBERT_DEVICES: readonly AlbertDevice[] = ['auto', 'cpu', 'cuda', 'wasm', 'webgpu'];

/** One backend a device may run on: what {@link selectDevice} tries, in order. */
export interface DeviceCandidate {
  /** The concrete device (`node-cpu`, `node-webgpu`, `node-cuda`, `wasm`, `webgpu`). */
  readonly name: string;
  /** Creates the backend (imports its package); rejects with the reason when the package is missing. */
  create(): Promise<Backend>;
}

/** A device that could not be used, and why ({@link selectDevice} went on to the next one). */
export interface DeviceFallback {
  /** The device that was skipped. */
  readonly from: string;
  /** Why it was skipped (the backend's probe reason or the missing package). */
  readonly reason: string;
  /** The device tried next. */
  readonly to: string;
}

/** Options of {@link selectDevice} (and of the device-aware `fromPretrained`). */
export interface DeviceOptions {
  /** The device (default `'auto'`). */
  readonly device?: AlbertDevice;
  /** Called for each fallback; default: `console.warn` with the reason. */
  readonly onDeviceFallback?: (fallback: DeviceFallback) => void;
}

/** What {@link selectDevice} chose. */
export interface DeviceSelection {
  /** The backend to pass as `{ backend }`. */
  readonly backend: Backend;
  /** The concrete device it runs on. */
  readonly name: string;
  /** The devices skipped on the way, with their reasons. */
  readonly fallbacks: readonly DeviceFallback[];
}

/**
 * Picks the backend of a device: tries its candidates in order (the candidates differ between Node and
 * browsers, picked by the package's export conditions), reports each fallback, and throws a
 * {@link BackendError} `BACKEND_UNAVAILABLE` naming every candidate, its reason and what to install when
 * none can run.
 *
 * @example
 * ```ts
 * import { selectDevice } from 'albert-ts';
 * const { backend, name, fallbacks } = await selectDevice({ device: 'auto' });
 * console.log(`running on ${name}`, fallbacks);
 * ```
 */
export async function selectDevice(options: DeviceOptions = {}): Promise<DeviceSelection> {
  const unknown = Object.keys(options).filter((key) => key !== 'device' && key !== 'onDeviceFallback');
  if (unknown.length > 0) {
    throw new BackendError(
      'BACKEND_UNKNOWN_NAME',
      `selectDevice: unknown option ${unknown.join(', ')} (options: device, onDeviceFallback)`,
      { field: unknown[0] },
    );
  }
  const device = options.device ?? 'auto';
  if (!ALBERT_DEVICES.includes(device)) {
    throw new BackendError(
      'BACKEND_UNKNOWN_NAME',
      `device must be one of ${ALBERT_DEVICES.join(', ')}, got ${JSON.stringify(device)}`,
      { field: 'device', value: device },
    );
  }
  const report =
    options.onDeviceFallback ??
    ((fallback: DeviceFallback) =>
      console.warn(`albert-ts: ${fallback.from} is unavailable (${fallback.reason}); using ${fallback.to}`));
  const candidates = deviceCandidates(device);
  const reasons: Record<string, string> = {};
  const fallbacks: DeviceFallback[] = [];
  for (const [index, candidate] of candidates.entries()) {
    let reason: string;
    try {
      const backend = await candidate.create();
      const probe = await backend.probe();
      if (probe.available) return { backend, name: candidate.name, fallbacks };
      reason = probe.reason;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    reasons[candidate.name] = reason;
    const next = candidates[index + 1];
    if (next !== undefined) {
      const fallback = { from: candidate.name, reason, to: next.name };
      fallbacks.push(fallback);
      report(fallback);
    }
  }
  const listed = Object.entries(reasons)
    .map(([name, reason]) => `  - ${name}: ${reason}`)
    .join('\n');
  throw new BackendError('BACKEND_UNAVAILABLE', `device '${device}': no backend can run here:\n${listed}`, {
    device,
    reasons,
  });
}

import type { Tensor } from '../tensor.js';
import type { DeviceTensor } from './device-tensor.js';
import { DeviceTensorError } from './device-tensor-error.js';

/**
 * The version of the {@link Backend} contract this build of `@albert-ts/core` speaks. It changes only when a
 * change would break an existing adapter or caller (a required member added or changed): {@link selectBackend}
 * refuses a backend of another version. Optional members that a backend advertises in its
 * {@link BackendCapabilities} (device tensors: {@link BackendCapabilities.deviceTensors}) keep the version, so
 * adapters written before them still conform.
 */
export const BACKEND_SPECIFICATION_VERSION = 1 as const;

/** A serialized ONNX model (a `ModelProto`) plus the names a session will accept and produce. */
export interface OnnxModel {
  /** The `ModelProto` bytes. Shared weights are one initializer each. */
  readonly bytes: Uint8Array;
  /** Graph input names, in graph order (`input_ids`, `attention_mask`, ...). */
  readonly inputNames: readonly string[];
  /** Graph output names, in graph order (`last_hidden_state`, `logits`, ...). */
  readonly outputNames: readonly string[];
}

/** The answer of {@link Backend.probe}: available, or not with a human-readable reason. */
export type BackendProbeResult =
  | {
      /** The backend can run here. */
      readonly available: true;
    }
  | {
      /** The backend cannot run here. */
      readonly available: false;
      /** Why not, for people (e.g. which runtime package or browser API is missing). */
      readonly reason: string;
    };

/** What a backend can run; the graph builder chooses a graph flavour from it. */
export interface BackendCapabilities {
  /** `com.microsoft` contrib operators the runtime implements for this device (e.g. `Attention`). */
  readonly contribOperators: readonly string[];
  /** Whether float16 graphs run natively on this device. */
  readonly float16: boolean;
  /**
   * Whether sessions can keep outputs in device memory between runs ({@link DeviceTensor}): `load` takes
   * {@link BackendLoadOptions.deviceOutputNames} and sessions have {@link BackendSession.runOnDevice}. Absent
   * (or `false`) on backends whose tensors live in host memory anyway (node-cpu, wasm): there, a caller keeps
   * its state in JavaScript, which costs nothing more (see {@link supportsDeviceTensors}).
   */
  readonly deviceTensors?: boolean;
}

/** Options for {@link Backend.load}. */
export interface BackendLoadOptions {
  /** Intra-op threads (runtime default when absent). */
  readonly intraOpNumThreads?: number;
  /** Graph optimization level of the runtime. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * onnxruntime's memory pattern (runtime default `true`): after a run, the runtime plans one block for
   * every intermediate of the next run with the same input shapes. It saves allocations, but the block
   * lives beside the allocator's own buffers; for a training graph, whose forward activations are kept
   * for the backward pass, it doubles the peak (albert-base at 8 × 128: 3066 → 1702 MiB). Training
   * sessions load with `false`.
   */
  readonly enableMemPattern?: boolean;
  /**
   * Outputs that {@link BackendSession.runOnDevice} leaves in device memory as {@link DeviceTensor}s (distinct
   * output names of the graph; onnxruntime-web: `preferredOutputLocation: 'gpu-buffer'` per output). Only for
   * backends with {@link BackendCapabilities.deviceTensors} (check with {@link checkDeviceOutputNames}).
   * {@link BackendSession.run} still returns every output as a host tensor (it downloads these).
   */
  readonly deviceOutputNames?: readonly string[];
}

/** Options for {@link BackendSession.run}. */
export interface BackendRunOptions {
  /** Only fetch these outputs (all outputs when absent). */
  readonly outputNames?: readonly string[];
}

/** A loaded model on one backend. */
export interface BackendSession {
  /** Graph input names. */
  readonly inputNames: readonly string[];
  /** Graph output names. */
  readonly outputNames: readonly string[];
  /** Runs the graph on `feeds` (keyed by input name) and returns the outputs keyed by name. */
  run(feeds: Readonly<Record<string, Tensor>>, options?: BackendRunOptions): Promise<Record<string, Tensor>>;
  /**
   * Runs the graph like {@link BackendSession.run}, but the outputs named in the load option
   * {@link BackendLoadOptions.deviceOutputNames} stay on the device and come back in `device` as
   * {@link DeviceTensor}s (the rest in `host`); feeds may be device tensors this session returned earlier.
   * Present only on sessions of backends with {@link BackendCapabilities.deviceTensors}. The caller owns the
   * returned handles: it disposes each when done (the session's `dispose()` disposes those left).
   *
   * @throws {@link DeviceTensorError} `DEVICE_TENSOR_DISPOSED` for a disposed feed, `DEVICE_TENSOR_FOREIGN` for a
   * handle of another session or backend.
   */
  runOnDevice?(
    feeds: Readonly<Record<string, Tensor | DeviceTensor>>,
    options?: BackendRunOptions,
  ): Promise<DeviceRunResult>;
  /** Frees the session's native resources (and every {@link DeviceTensor} it returned). The session cannot be used afterwards. */
  dispose(): Promise<void>;
}

/** What {@link BackendSession.runOnDevice} returns: each fetched output in one of the two records. */
export interface DeviceRunResult {
  /** Outputs copied to JavaScript, by name. */
  readonly host: Record<string, Tensor>;
  /** Outputs left on the device ({@link BackendLoadOptions.deviceOutputNames}), by name; owned by the caller. */
  readonly device: Record<string, DeviceTensor>;
}

/**
 * A runtime that can run albert-ts's ONNX graphs. `@albert-ts/core` owns this contract; each
 * `@albert-ts/backend-*` package implements it over one runtime and exports a factory
 * (`nodeBackend()`, `wasmBackend()`, `webgpuBackend()`). Backends are values the caller passes in:
 * there is no global registry and importing a backend has no side effects.
 *
 * @example
 * ```ts
 * import { selectBackend, type Backend } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 * import { wasmBackend } from '@albert-ts/backend-wasm';
 *
 * const backend: Backend = await selectBackend([nodeBackend(), wasmBackend()]); // the first that can run here
 * const probe = await backend.probe(); // { available: true } or { available: false, reason }
 * console.log(backend.name, probe, backend.capabilities.float16);
 * ```
 */
export interface Backend {
  /** Contract version, {@link BACKEND_SPECIFICATION_VERSION}. */
  readonly specificationVersion: typeof BACKEND_SPECIFICATION_VERSION;
  /** Stable name, e.g. `node-cpu`, `node-webgpu`, `node-cuda`, `wasm`, `webgpu`. */
  readonly name: string;
  /** What this backend can run. */
  readonly capabilities: BackendCapabilities;
  /** Can this backend run here? Never throws; when not, says why. */
  probe(): Promise<BackendProbeResult>;
  /**
   * Creates a session for `model`. `model.bytes` belongs to the backend only until the returned promise
   * settles: the model classes free that memory right after (the runtime holds its own copy), so a backend
   * that needs the bytes later keeps a copy of them.
   */
  load(model: OnnxModel, options?: BackendLoadOptions): Promise<BackendSession>;
}

/** A {@link BackendSession} with {@link BackendSession.runOnDevice}. */
export type DeviceBackendSession = BackendSession & Required<Pick<BackendSession, 'runOnDevice'>>;

/**
 * Whether `backend` can keep tensors on its device ({@link BackendCapabilities.deviceTensors}): callers keep
 * state on the device where this holds and in JavaScript elsewhere.
 *
 * @example
 * ```ts
 * const keepOnDevice = supportsDeviceTensors(backend);
 * const session = await backend.load(model, keepOnDevice ? { deviceOutputNames: ['updated.weight'] } : {});
 * ```
 */
export function supportsDeviceTensors(backend: Backend): boolean {
  return backend.capabilities.deviceTensors === true;
}

/**
 * Whether `session` has {@link BackendSession.runOnDevice}.
 */
export function isDeviceBackendSession(session: BackendSession): session is DeviceBackendSession {
  return typeof session.runOnDevice === 'function';
}

/**
 * Checks {@link BackendLoadOptions.deviceOutputNames} against a backend and a model before a load: the backend
 * must support device tensors and the names must be distinct outputs of the model. Backends call it in `load`.
 *
 * @throws {@link DeviceTensorError} `DEVICE_TENSORS_UNSUPPORTED` or `DEVICE_TENSOR_BAD_OUTPUT_NAMES`.
 */
export function checkDeviceOutputNames(
  backend: Pick<Backend, 'name' | 'capabilities'>,
  model: Pick<OnnxModel, 'outputNames'>,
  names: readonly string[] | undefined,
): readonly string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string'))
    throw new DeviceTensorError(
      'DEVICE_TENSOR_BAD_OUTPUT_NAMES',
      `${backend.name}: deviceOutputNames must be an array of output names, not ${String(names)}`,
      { backend: backend.name, field: 'deviceOutputNames' },
    );
  if (names.length > 0 && backend.capabilities.deviceTensors !== true)
    throw new DeviceTensorError(
      'DEVICE_TENSORS_UNSUPPORTED',
      `${backend.name}: this backend keeps no tensors on a device (capabilities.deviceTensors is not true), so it cannot keep ${names.join(', ')} there`,
      { backend: backend.name, field: 'deviceOutputNames' },
    );
  const seen = new Set<string>();
  for (const name of names) {
    if (!model.outputNames.includes(name) || seen.has(name))
      throw new DeviceTensorError(
        'DEVICE_TENSOR_BAD_OUTPUT_NAMES',
        `${backend.name}: deviceOutputNames names '${name}'${seen.has(name) ? ' twice' : `, which is not an output of the graph (outputs: ${model.outputNames.join(', ')})`}`,
        { backend: backend.name, field: 'deviceOutputNames', value: name },
      );
    seen.add(name);
  }
  return [...names];
}

import type { Tensor } from '../tensor.js';

/** The version of the {@link Backend} contract this build of `@albert-ts/core` speaks. */
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
  /** Frees the session's native resources. The session cannot be used afterwards. */
  dispose(): Promise<void>;
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

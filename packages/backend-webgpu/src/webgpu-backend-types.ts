// The types and constants of the `webgpu` backend, shared by every entry point (`.`, `/jsep`, `/native`)
// without importing any onnxruntime-web build.
import type { Backend } from '@albert-ts/core';

/**
 * Which onnxruntime-web build runs the graph:
 * - `'jsep'` (default): `onnxruntime-web` — the JavaScript execution provider (WGSL kernels written in TypeScript).
 * - `'webgpu'`: `onnxruntime-web/webgpu` — the native C++ WebGPU execution provider compiled to WebAssembly.
 */
export type WebGpuBuild = 'jsep' | 'webgpu';

/** The build {@link webgpuBackend} uses when none is given; chosen on measurements (see docs/architecture.md). */
export const DEFAULT_WEBGPU_BUILD: WebGpuBuild = 'jsep';

/** Options of {@link webgpuBackend}. */
export interface WebGpuBackendOptions {
  /** Adapter preference passed to `navigator.gpu.requestAdapter` (default: the browser's choice). */
  readonly powerPreference?: 'low-power' | 'high-performance';
  /**
   * Ask for float16 graphs where the adapter has `shader-f16`. {@link Backend.capabilities}`.float16`
   * becomes `true` only when both hold (after {@link Backend.probe}). Default `false`: float32, the
   * precision of the reference outputs.
   */
  readonly preferFloat16?: boolean;
  /** onnxruntime-web build, default {@link DEFAULT_WEBGPU_BUILD}. */
  readonly build?: WebGpuBuild;
}

/** What {@link WebGpuBackend.adapterReport} found out about the adapter. */
export interface WebGpuAdapterReport {
  /** Adapter vendor/architecture/description, as the browser reports them. */
  readonly adapter: {
    /** `GPUAdapterInfo.vendor` (e.g. `nvidia`); empty when the browser does not say. */
    readonly vendor: string;
    /** `GPUAdapterInfo.architecture` (e.g. `hopper`); empty when the browser does not say. */
    readonly architecture: string;
    /** `GPUAdapterInfo.description`, a human-readable adapter name; may be empty (browsers may withhold it). */
    readonly description: string;
  };
  /** Adapter features (`shader-f16`, `timestamp-query`, ...). */
  readonly features: readonly string[];
  /** Whether `shader-f16` is present. */
  readonly shaderF16: boolean;
  /** Why float16 graphs will not be used, when they will not. */
  readonly float16Note?: string;
}

/** The `webgpu` backend: {@link Backend} plus what it found out about the adapter. */
export interface WebGpuBackend extends Backend {
  /** The options this backend was created with. */
  readonly options: Readonly<WebGpuBackendOptions>;
  /** The onnxruntime-web build it uses. */
  readonly build: WebGpuBuild;
  /** The adapter found by {@link Backend.probe} (`undefined` before, or when there is none). */
  adapterReport(): WebGpuAdapterReport | undefined;
}

/**
 * `com.microsoft` contrib operators of each build's WebGPU kernels that albert-ts's fused graphs may use,
 * as verified by `attention-operators.browser.test.ts` (onnxruntime-web 1.30.0). Neither build lists an
 * attention operator, so core builds plain graphs on WebGPU: JSEP's `Attention` has no `mask_index` and its
 * `MultiHeadAttention` refuses an `attention_bias` broadcast over heads (`[batch, 1, S, S]`, what core's
 * fused flavour emits; a per-head `[batch, heads, S, S]` bias works at every length tested); the native
 * build's `MultiHeadAttention` returns wrong values from 32 tokens on.
 */
export const WEBGPU_CONTRIB_OPERATORS: Readonly<Record<WebGpuBuild, readonly string[]>> = {
  jsep: ['SkipLayerNormalization', 'FastGelu', 'BiasGelu'],
  webgpu: ['SkipLayerNormalization', 'FastGelu', 'BiasGelu'],
};

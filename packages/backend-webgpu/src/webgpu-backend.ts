import { checkOptionKeys } from '@albert-ts/config';
import {
  BACKEND_SPECIFICATION_VERSION,
  type Backend,
  type BackendCapabilities,
  type BackendLoadOptions,
  type BackendProbeResult,
  type BackendSession,
  type OnnxModel,
} from '@albert-ts/core';
import { createOrtWebSession, describeRuntimeError, runProbeModel, WebBackendError, type OrtWebModule } from '@albert-ts/backend-wasm/ort-web';

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

interface GpuAdapterLike {
  readonly features: { has(name: string): boolean; forEach(callback: (name: string) => void): void };
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string };
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

/** The WebGPU entry point of this environment, when there is one. */
function navigatorGpu(): GpuLike | undefined {
  const navigatorValue = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return navigatorValue?.gpu;
}

/** `env.webgpu` settings are global per onnxruntime-web build and read once, at initialization. */
const appliedPowerPreference = new Map<WebGpuBuild, string>();
const runtimes = new Map<WebGpuBuild, Promise<OrtWebModule>>();

function importBuild(build: WebGpuBuild): Promise<OrtWebModule> {
  // Two static specifiers so that bundlers see (and split) both builds; only the chosen one is fetched.
  return build === 'jsep' ? (import('onnxruntime-web') as Promise<OrtWebModule>) : (import('onnxruntime-web/webgpu') as Promise<OrtWebModule>);
}

/** The keys of the options object (it is strict). */
const WEBGPU_BACKEND_OPTION_KEYS = ['powerPreference', 'preferFloat16', 'build'] as const;

/**
 * Creates the `webgpu` backend: onnxruntime-web 1.30 on the browser's WebGPU.
 *
 * {@link Backend.probe} says why it cannot run: no `navigator.gpu` (a browser without WebGPU, a page that
 * is not a secure context, Chromium on Linux without `--enable-unsafe-webgpu`), no adapter
 * (`requestAdapter()` returned `null`: blocklisted or absent GPU), or an onnxruntime failure; it also reads the
 * adapter's features, so that `capabilities.float16` reflects `shader-f16` (and {@link WebGpuBackendOptions.preferFloat16}).
 *
 * Importing this package has no side effects: onnxruntime-web is imported on the first `probe()` or `load()`.
 * Vite's dev server must not pre-bundle `onnxruntime-web` (`optimizeDeps.exclude`), which locates its
 * `.wasm` next to its own module; production bundles emit the `.wasm` as an asset. Nothing comes from a CDN.
 */
export function webgpuBackend(options: WebGpuBackendOptions = {}): WebGpuBackend {
  checkOptionKeys(options, WEBGPU_BACKEND_OPTION_KEYS, 'webgpuBackend');
  const name = 'webgpu';
  const build = options.build ?? DEFAULT_WEBGPU_BUILD;
  const capabilities = { contribOperators: WEBGPU_CONTRIB_OPERATORS[build], float16: false };
  let report: WebGpuAdapterReport | undefined;
  let probePromise: Promise<BackendProbeResult> | undefined;

  const runtime = async (): Promise<OrtWebModule> => {
    const wanted = options.powerPreference ?? 'default';
    const applied = appliedPowerPreference.get(build);
    if (applied !== undefined && applied !== wanted) {
      throw new WebBackendError(
        'BACKEND_SETTINGS_CONFLICT',
        `${name}: onnxruntime-web (${build} build) is already set up with powerPreference=${applied}; this backend asks for ${wanted} (the setting is global and read once)`,
        { backend: name, expected: applied, actual: wanted },
      );
    }
    appliedPowerPreference.set(build, wanted);
    let loaded = runtimes.get(build);
    if (loaded === undefined) {
      loaded = importBuild(build).then((ort) => {
        if (options.powerPreference !== undefined) ort.env.webgpu.powerPreference = options.powerPreference;
        return ort;
      });
      runtimes.set(build, loaded);
    }
    return loaded;
  };

  const sessionOptions = (loadOptions?: BackendLoadOptions) => ({
    executionProviders: ['webgpu'],
    graphOptimizationLevel: loadOptions?.graphOptimizationLevel ?? 'all',
    logSeverityLevel: 3 as const,
  });

  const unavailable = (reason: string): BackendProbeResult => ({ available: false, reason: `${name}: ${reason}` });

  const probe = (): Promise<BackendProbeResult> => {
    probePromise ??= (async (): Promise<BackendProbeResult> => {
        const gpu = navigatorGpu();
        if (gpu === undefined) {
          return unavailable(
            'navigator.gpu is undefined: this JavaScript environment has no WebGPU (it needs a browser with WebGPU, a secure context such as https or localhost, and on Linux Chromium the --enable-unsafe-webgpu flag)',
          );
        }
        let adapter: GpuAdapterLike | null;
        try {
          adapter = await gpu.requestAdapter(options.powerPreference === undefined ? {} : { powerPreference: options.powerPreference });
        } catch (error) {
          return unavailable(`navigator.gpu.requestAdapter() failed: ${describeRuntimeError(error)}`);
        }
        if (adapter === null) {
          return unavailable('navigator.gpu.requestAdapter() returned null: no WebGPU adapter (the GPU is absent, blocklisted or WebGPU is disabled)');
        }
        const features: string[] = [];
        adapter.features.forEach((feature) => features.push(feature));
        const shaderF16 = adapter.features.has('shader-f16');
        const float16Note = !options.preferFloat16
          ? 'preferFloat16 is off'
          : shaderF16
            ? undefined
            : 'the adapter lacks the shader-f16 feature, so graphs stay float32';
        report = {
          adapter: { vendor: adapter.info?.vendor ?? '', architecture: adapter.info?.architecture ?? '', description: adapter.info?.description ?? '' },
          features: features.sort(),
          shaderF16,
          ...(float16Note === undefined ? {} : { float16Note }),
        };
        capabilities.float16 = options.preferFloat16 === true && shaderF16;
        try {
          const ort = await runtime();
          const reason = await runProbeModel(ort, { backend: name, sessionOptions: sessionOptions() });
          return reason === undefined ? { available: true } : { available: false, reason };
        } catch (error) {
          return unavailable(`onnxruntime-web (${build} build) could not run on WebGPU: ${describeRuntimeError(error)}`);
        }
      })();
    return probePromise;
  };

  return {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    name,
    build,
    capabilities,
    options: { ...options },
    adapterReport: () => report,
    probe,
    async load(model: OnnxModel, loadOptions?: BackendLoadOptions): Promise<BackendSession> {
      const probed = await probe();
      if (!probed.available) throw new WebBackendError('BACKEND_UNAVAILABLE', probed.reason, { backend: name, build });
      const ort = await runtime();
      return createOrtWebSession(ort, model, { backend: name, sessionOptions: sessionOptions(loadOptions) });
    },
  } satisfies WebGpuBackend & { capabilities: BackendCapabilities };
}

import { checkOptionKeys } from '@albert-ts/config';
import {
  BACKEND_SPECIFICATION_VERSION,
  checkDeviceOutputNames,
  type BackendCapabilities,
  type BackendLoadOptions,
  type BackendProbeResult,
  type BackendSession,
  type OnnxModel,
} from '@albert-ts/core';
import {
  createOrtWebSession,
  describeRuntimeError,
  runProbeModel,
  WebBackendError,
  type OrtWebModule,
} from '@albert-ts/backend-wasm/ort-web';
import {
  DEFAULT_WEBGPU_BUILD,
  WEBGPU_CONTRIB_OPERATORS,
  type WebGpuAdapterReport,
  type WebGpuBackend,
  type WebGpuBackendOptions,
  type WebGpuBuild,
} from './webgpu-backend-types.js';

/** How an entry point imports each onnxruntime-web build it offers (one static specifier per build). */
export type WebGpuBuildImports = Readonly<Partial<Record<WebGpuBuild, () => Promise<OrtWebModule>>>>;

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

/** The keys of the options object (it is strict). */
const WEBGPU_BACKEND_OPTION_KEYS = ['powerPreference', 'preferFloat16', 'build'] as const;

/**
 * The `webgpu` backend over the onnxruntime-web builds that `imports` offers (each entry point of this
 * package offers its own, so that a bundle holds only the `.wasm` of the builds it can use). Internal.
 */
export function createWebGpuBackend(
  options: WebGpuBackendOptions,
  imports: WebGpuBuildImports,
  entryPoint: string,
): WebGpuBackend {
  checkOptionKeys(options, WEBGPU_BACKEND_OPTION_KEYS, 'webgpuBackend');
  const name = 'webgpu';
  const build = options.build ?? DEFAULT_WEBGPU_BUILD;
  // deviceTensors: outputs can stay in GPU buffers (onnxruntime-web's preferredOutputLocation 'gpu-buffer') and be fed back.
  const capabilities = { contribOperators: WEBGPU_CONTRIB_OPERATORS[build], float16: false, deviceTensors: true };
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
      const importBuild = imports[build];
      if (importBuild === undefined) {
        const offered = Object.keys(imports).join(', ');
        throw new WebBackendError(
          'BACKEND_UNAVAILABLE',
          `${name}: ${entryPoint} offers the ${offered} build only; import webgpuBackend from @albert-ts/backend-webgpu (every build) or /${build === 'webgpu' ? 'native' : 'jsep'} for build '${build}'`,
          { backend: name, build },
        );
      }
      loaded = importBuild().then((ort) => {
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
    ...(loadOptions?.enableMemPattern === undefined ? {} : { enableMemPattern: loadOptions.enableMemPattern }),
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
        adapter = await gpu.requestAdapter(
          options.powerPreference === undefined ? {} : { powerPreference: options.powerPreference },
        );
      } catch (error) {
        return unavailable(`navigator.gpu.requestAdapter() failed: ${describeRuntimeError(error)}`);
      }
      if (adapter === null) {
        return unavailable(
          'navigator.gpu.requestAdapter() returned null: no WebGPU adapter (the GPU is absent, blocklisted or WebGPU is disabled)',
        );
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
        adapter: {
          vendor: adapter.info?.vendor ?? '',
          architecture: adapter.info?.architecture ?? '',
          description: adapter.info?.description ?? '',
        },
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
      const deviceOutputNames = checkDeviceOutputNames({ name, capabilities }, model, loadOptions?.deviceOutputNames);
      const probed = await probe();
      if (!probed.available) throw new WebBackendError('BACKEND_UNAVAILABLE', probed.reason, { backend: name, build });
      const ort = await runtime();
      return createOrtWebSession(ort, model, {
        backend: name,
        sessionOptions: sessionOptions(loadOptions),
        deviceOutputNames,
      });
    },
  } satisfies WebGpuBackend & { capabilities: BackendCapabilities };
}

import { checkOptionKeys } from '@albert-ts/config';
import {
  BACKEND_SPECIFICATION_VERSION,
  buildProbeModel,
  checkDeviceOutputNames,
  type Backend,
  type BackendCapabilities,
  type BackendLoadOptions,
  type BackendProbeResult,
  type BackendSession,
  type OnnxModel,
} from '@albert-ts/core';
import type { OrtWebModule } from './ort-tensor-conversion.js';
import { createOrtWebSession, describeRuntimeError, runProbeModel } from './ort-web-session.js';
import { WebBackendError } from './web-backend-error.js';

/**
 * Where onnxruntime-web's WebAssembly files come from: a URL prefix (a directory ending in `/`, served
 * by you: `'/assets/ort/'`, `'file:///opt/app/ort/'`), or the URLs of the two files themselves
 * (`ort-wasm-simd-threaded.mjs` and `ort-wasm-simd-threaded.wasm`, e.g. bundler asset URLs from
 * `new URL('./ort-wasm-simd-threaded.wasm', import.meta.url)` or Vite's `?url` imports).
 */
export type WasmPaths =
  | string
  | URL
  | {
      /** URL of the `ort-wasm-simd-threaded.mjs` loader; when absent, onnxruntime-web's default location. */
      readonly mjs?: string | URL;
      /** URL of the `ort-wasm-simd-threaded.wasm` binary; when absent, onnxruntime-web's default location. */
      readonly wasm?: string | URL;
    };

/**
 * The URLs of one onnxruntime-web build's two WebAssembly files, as {@link WasmBackendOptions.wasmPaths}
 * takes them: `wasmAssetUrls` from `@albert-ts/backend-wasm/assets` (the WASM build) or `jsepAssetUrls` from
 * `@albert-ts/backend-wasm/jsep-assets` (the JSEP build).
 */
export interface WasmAssetUrls {
  /** URL of the standalone loader (`ort-wasm-simd-threaded.mjs` or `.jsep.mjs`), which worker threads load. */
  readonly mjs: URL;
  /** URL of the binary (`ort-wasm-simd-threaded.wasm` or `.jsep.wasm`). */
  readonly wasm: URL;
}

/** Options of {@link wasmBackend}. */
export interface WasmBackendOptions {
  /**
   * WebAssembly threads. More than 1 works in Node, and in a browser only where the page is
   * **cross-origin isolated** (served with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`, so that `SharedArrayBuffer` exists); elsewhere the
   * backend runs single-threaded and {@link WasmBackend.environment} says why. Default: onnxruntime-web's
   * (half the logical cores, at most 4) where threads are possible, else 1.
   */
  readonly numThreads?: number;
  /**
   * SIMD: `true` (default) needs WebAssembly SIMD (every current browser and Node); `'relaxed'` also
   * needs relaxed SIMD. onnxruntime-web 1.30 ships only SIMD binaries, so `false` makes the backend
   * unavailable (with that reason) rather than crash on an engine without SIMD.
   */
  readonly simd?: boolean | 'relaxed';
  /**
   * Where the `.wasm` (and its `.mjs` loader) come from. Nothing is ever fetched from a CDN. Default:
   * in Node, the files inside the installed `onnxruntime-web/dist`; in a browser, the asset URL that
   * onnxruntime-web's own module computes with `new URL('ort-wasm-simd-threaded.wasm', import.meta.url)`,
   * which bundlers (Vite, webpack 5, esbuild with a file loader) emit next to your bundle. With Vite's dev
   * server, exclude `onnxruntime-web` from `optimizeDeps` so that URL points into `node_modules`.
   *
   * **Threads in a bundled page**: onnxruntime-web's worker threads load the module that started them.
   * With the default, that is the bundle chunk holding onnxruntime-web, which may import your page's
   * code (bundlers move shared helpers into the entry chunk) and then fail in the worker. Pass the
   * standalone loader too: `wasmPaths: wasmAssetUrls` from `@albert-ts/backend-wasm/assets` (Vite and webpack 5
   * emit both files; for `@albert-ts/backend-wasm/jsep`, `jsepAssetUrls` from `@albert-ts/backend-wasm/jsep-assets`),
   * e.g. `wasmBackend({ numThreads: 4, wasmPaths: wasmAssetUrls })`. With esbuild, copy the two files from
   * `onnxruntime-web/dist` next to the bundle and pass their directory's URL.
   * Without `wasmPaths`, a cross-origin isolated page runs single-threaded rather than risk that hang, and
   * {@link WasmEnvironment.threadsNote} gives this recipe ({@link WASM_THREADS_RECIPE}).
   */
  readonly wasmPaths?: WasmPaths;
  /** The `.wasm` bytes themselves (e.g. from your own cache); overrides {@link WasmBackendOptions.wasmPaths} for the binary. */
  readonly wasmBinary?: ArrayBuffer | Uint8Array;
  /** Run onnxruntime in a Web Worker so inference does not block the page (browsers only). Default `false`. */
  readonly proxy?: boolean;
  /**
   * Milliseconds the WebAssembly runtime may take to initialize (download and compile the `.wasm`, start
   * the worker threads) before `load()`/`probe()` fail instead of waiting forever. Default 180 000; 0 waits.
   * The timer is ours and is cleared as soon as the runtime is up (onnxruntime-web's own `initTimeout`
   * timer is never cleared and would keep a Node process alive), so a process exits when its work is done.
   */
  readonly initTimeout?: number;
}

/**
 * Why a cross-origin isolated page runs WebAssembly single-threaded without {@link WasmBackendOptions.wasmPaths},
 * and the recipe for threads (also {@link WasmEnvironment.threadsNote} in that case).
 */
export const WASM_THREADS_RECIPE =
  'WebAssembly threads in a browser need the standalone onnxruntime-web loader as an asset: pass ' +
  "wasmPaths: { mjs, wasm } (import { wasmAssetUrls } from '@albert-ts/backend-wasm/assets' and pass " +
  'wasmPaths: wasmAssetUrls, which Vite and webpack 5 emit as assets; with @albert-ts/backend-wasm/jsep, jsepAssetUrls from ' +
  "'@albert-ts/backend-wasm/jsep-assets'; with esbuild, copy the two files from onnxruntime-web/dist next to the " +
  'page and pass their URL prefix); without it, running single-threaded';

/** What {@link WasmBackend.environment} found out about this JavaScript environment. */
export interface WasmEnvironment {
  /** `node` or `browser` (any non-Node engine: pages, workers, Deno, Bun in browser mode). */
  readonly platform: 'node' | 'browser';
  /** Whether the page is cross-origin isolated (always `true` in Node, where threads need no isolation). */
  readonly crossOriginIsolated: boolean;
  /** Threads that will be used (`undefined`: onnxruntime-web's default for this machine). */
  readonly numThreads: number | undefined;
  /** Why fewer threads than asked for will be used, when that is the case. */
  readonly threadsNote?: string;
}

/** The `wasm` backend: {@link Backend} plus what it found out about its environment. */
export interface WasmBackend extends Backend {
  /** The options this backend was created with. */
  readonly options: Readonly<WasmBackendOptions>;
  /** Platform, cross-origin isolation and the thread count that will be used, with the reason when reduced. */
  environment(): WasmEnvironment;
}

/**
 * `com.microsoft` contrib operators of onnxruntime-web's WebAssembly (CPU) kernels that albert-ts's fused
 * graph flavour uses; the fused parity suite exercises them (core picks `Attention` for this backend).
 */
export const WASM_CONTRIB_OPERATORS: readonly string[] = [
  'Attention',
  'MultiHeadAttention',
  'SkipLayerNormalization',
  'FastGelu',
  'BiasGelu',
];

interface AppliedSettings {
  readonly numThreads: number | undefined;
  readonly simd: boolean | 'relaxed';
  readonly wasmPaths: string | undefined;
  readonly proxy: boolean;
}

/**
 * Which onnxruntime-web build runs the WebAssembly (CPU) provider: `'wasm'` (`onnxruntime-web/wasm`, the
 * `ort-wasm-simd-threaded.wasm` binary, 14 MB; {@link wasmBackend} of `@albert-ts/backend-wasm`) or `'jsep'`
 * (the default `onnxruntime-web` build, `ort-wasm-simd-threaded.jsep.wasm`, 28 MB, which also runs WebGPU;
 * {@link wasmBackend} of `@albert-ts/backend-wasm/jsep`, so that a page using both WASM and WebGPU ships one binary).
 */
export type WasmBuild = 'wasm' | 'jsep';

/** Each build's `env.wasm` is global and read once, at initialization: remember what we set, per build. */
const appliedSettings = new Map<WasmBuild, AppliedSettings>();
const runtimePromises = new Map<WasmBuild, Promise<OrtWebModule>>();

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

function urlText(value: string | URL | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? value : value.href;
}

function describeWasmPaths(paths: WasmPaths | undefined): string | undefined {
  if (paths === undefined) return undefined;
  if (typeof paths === 'string' || paths instanceof URL) return urlText(paths);
  return JSON.stringify({ mjs: urlText(paths.mjs), wasm: urlText(paths.wasm) });
}

/** The `file:` URL of the installed `onnxruntime-web/dist/` directory (Node only). */
async function nodeDistributionUrl(): Promise<string> {
  // `#node-builtins` (package.json "imports"): Node's modules in Node, a stub elsewhere (bundlers never see `node:`).
  const builtins = await import('#node-builtins');
  const { createRequire } = builtins.module;
  const { pathToFileURL } = builtins.url;
  const { dirname } = builtins.path;
  const require = createRequire(import.meta.url);
  // The `require` condition of onnxruntime-web's exports is `dist/ort.min.js`: its directory holds the .wasm files.
  return `${pathToFileURL(dirname(require.resolve('onnxruntime-web'))).href}/`;
}

function webAssemblySupport(simd: boolean | 'relaxed'): string | undefined {
  if (typeof WebAssembly === 'undefined') return 'WebAssembly is not available in this JavaScript engine';
  if (simd === false) return 'onnxruntime-web 1.30 ships only SIMD WebAssembly binaries; simd: false cannot run';
  // (module (func (result v128) (v128.const i32x4 0 0 0 0)))
  const simdModule = Uint8Array.from([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 11,
  ]);
  if (!WebAssembly.validate(simdModule))
    return 'this JavaScript engine has no WebAssembly SIMD, which onnxruntime-web 1.30 requires';
  return undefined;
}

/** The keys of the options object (it is strict). */
const WASM_BACKEND_OPTION_KEYS = ['numThreads', 'simd', 'wasmPaths', 'wasmBinary', 'proxy', 'initTimeout'] as const;

/**
 * Initializes onnxruntime-web's WebAssembly runtime (it starts on the first session) by creating and
 * releasing a session of core's probe model, failing after `timeoutMs` (0: no limit) with a timer that is
 * cleared as soon as the race is decided, so that no timer outlives the work.
 */
async function initializeRuntime(ort: OrtWebModule, name: string, timeoutMs: number, proxy: boolean): Promise<void> {
  const model = buildProbeModel();
  const start = (async () => {
    try {
      const session = await ort.InferenceSession.create(proxy ? model.bytes.slice() : model.bytes, {
        executionProviders: ['wasm'],
      });
      await session.release();
    } catch (error) {
      const message = `${name}: onnxruntime-web's WebAssembly runtime could not start: ${describeRuntimeError(error)}`;
      throw new WebBackendError('BACKEND_UNAVAILABLE', message, { backend: name }, { cause: error });
    }
  })();
  if (timeoutMs <= 0) return start;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new WebBackendError(
          'BACKEND_UNAVAILABLE',
          `${name}: the WebAssembly runtime did not initialize within ${timeoutMs} ms`,
          { backend: name, timeoutMs },
        ),
      );
    }, timeoutMs);
  });
  start.catch(() => undefined); // a late failure after the timeout must not be an unhandled rejection
  try {
    await Promise.race([start, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `wasm` backend over one onnxruntime-web build, imported by `importBuild` (each entry point of this
 * package passes one static specifier, so that a bundle holds only that build's `.wasm`).
 *
 * @internal
 */
export function createWasmBackend(
  options: WasmBackendOptions,
  build: WasmBuild,
  importBuild: () => Promise<OrtWebModule>,
): WasmBackend {
  checkOptionKeys(options, WASM_BACKEND_OPTION_KEYS, 'wasmBackend');
  const name = 'wasm';
  // In Node both entry points import the same module (onnxruntime-web's Node build): one runtime, one setting.
  const runtimeKey: WasmBuild = isNode() ? 'wasm' : build;
  const simd = options.simd ?? true;
  const proxy = options.proxy ?? false;
  const capabilities: BackendCapabilities = { contribOperators: WASM_CONTRIB_OPERATORS, float16: false };
  let probePromise: Promise<BackendProbeResult> | undefined;

  const environment = (): WasmEnvironment => {
    if (isNode()) return { platform: 'node', crossOriginIsolated: true, numThreads: options.numThreads };
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    if (!isolated && (options.numThreads === undefined || options.numThreads > 1)) {
      return {
        platform: 'browser',
        crossOriginIsolated: false,
        numThreads: 1,
        threadsNote:
          'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so WebAssembly runs single-threaded',
      };
    }
    const paths = options.wasmPaths;
    const hasLoader =
      paths !== undefined && (typeof paths === 'string' || paths instanceof URL || paths.mjs !== undefined);
    if (isolated && !hasLoader && (options.numThreads === undefined || options.numThreads > 1)) {
      // Without the standalone loader, onnxruntime-web's worker threads re-import the bundle chunk that holds
      // it, which may import the page's own code and never start: one thread instead of a hang.
      return {
        platform: 'browser',
        crossOriginIsolated: true,
        numThreads: 1,
        threadsNote: WASM_THREADS_RECIPE,
      };
    }
    return { platform: 'browser', crossOriginIsolated: isolated, numThreads: options.numThreads };
  };

  const unavailableReason = (): string | undefined => {
    const support = webAssemblySupport(simd);
    if (support !== undefined) return support;
    if (options.numThreads !== undefined && (!Number.isInteger(options.numThreads) || options.numThreads < 1)) {
      return `numThreads must be a positive integer, got ${options.numThreads}`;
    }
    if (proxy && (isNode() || typeof Worker === 'undefined')) return 'proxy: true needs a browser with Web Workers';
    return undefined;
  };

  const runtime = async (): Promise<OrtWebModule> => {
    const reason = unavailableReason();
    if (reason !== undefined) throw new WebBackendError('BACKEND_UNAVAILABLE', `${name}: ${reason}`, { backend: name });
    const wanted: AppliedSettings = {
      numThreads: environment().numThreads,
      simd,
      wasmPaths: describeWasmPaths(options.wasmPaths),
      proxy,
    };
    const applied = appliedSettings.get(runtimeKey);
    if (applied !== undefined) {
      const conflicts = (Object.keys(wanted) as (keyof AppliedSettings)[]).filter(
        (key) => wanted[key] !== applied[key],
      );
      if (conflicts.length > 0) {
        throw new WebBackendError(
          'BACKEND_SETTINGS_CONFLICT',
          `${name}: onnxruntime-web (${build} build) is already set up with ${conflicts.map((key) => `${key}=${JSON.stringify(applied[key])}`).join(', ')}; ` +
            `this backend asks for ${conflicts.map((key) => `${key}=${JSON.stringify(wanted[key])}`).join(', ')} (its WebAssembly settings are global and read once)`,
          { backend: name, build, expected: applied, actual: wanted },
        );
      }
    } else {
      appliedSettings.set(runtimeKey, wanted);
    }
    let runtimePromise = runtimePromises.get(runtimeKey);
    runtimePromise ??= (async () => {
      const ort = await importBuild();
      const wasm = ort.env.wasm;
      if (wanted.numThreads !== undefined) wasm.numThreads = wanted.numThreads;
      wasm.simd = simd === 'relaxed' ? 'relaxed' : true;
      wasm.proxy = proxy;
      // Never onnxruntime-web's own timeout: its timer is not cleared and keeps Node alive (see initializeRuntime).
      wasm.initTimeout = 0;
      if (options.wasmBinary !== undefined) wasm.wasmBinary = options.wasmBinary;
      const paths = options.wasmPaths;
      if (paths !== undefined) {
        wasm.wasmPaths =
          typeof paths === 'string' || paths instanceof URL
            ? urlText(paths)
            : { mjs: urlText(paths.mjs), wasm: urlText(paths.wasm) };
      } else if (isNode()) {
        wasm.wasmPaths = await nodeDistributionUrl();
      }
      await initializeRuntime(ort, name, options.initTimeout ?? 180_000, proxy);
      return ort;
    })();
    runtimePromises.set(runtimeKey, runtimePromise);
    return runtimePromise;
  };

  const sessionOptions = (loadOptions?: BackendLoadOptions) => ({
    executionProviders: ['wasm'],
    graphOptimizationLevel: loadOptions?.graphOptimizationLevel ?? 'all',
    ...(loadOptions?.enableMemPattern === undefined ? {} : { enableMemPattern: loadOptions.enableMemPattern }),
    logSeverityLevel: 3 as const,
  });

  return {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    name,
    capabilities,
    options: { ...options },
    environment,
    probe() {
      probePromise ??= (async (): Promise<BackendProbeResult> => {
        try {
          const ort = await runtime();
          const reason = await runProbeModel(ort, {
            backend: name,
            sessionOptions: sessionOptions(),
            copyBuffers: proxy,
          });
          return reason === undefined ? { available: true } : { available: false, reason };
        } catch (error) {
          return { available: false, reason: describeRuntimeError(error) };
        }
      })();
      return probePromise;
    },
    async load(model: OnnxModel, loadOptions?: BackendLoadOptions): Promise<BackendSession> {
      // WebAssembly tensors live in host memory: asking to keep outputs on a device is a typed error.
      checkDeviceOutputNames({ name, capabilities }, model, loadOptions?.deviceOutputNames);
      const ort = await runtime();
      return createOrtWebSession(ort, model, {
        backend: name,
        sessionOptions: sessionOptions(loadOptions),
        copyBuffers: proxy,
      });
    },
  };
}

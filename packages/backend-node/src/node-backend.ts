import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkOptionKeys } from '@albert-ts/config';
import {
  BACKEND_SPECIFICATION_VERSION,
  buildProbeModel,
  createTensor,
  type Backend,
  type BackendCapabilities,
  type BackendLoadOptions,
  type BackendProbeResult,
  type BackendRunOptions,
  type BackendSession,
  type OnnxModel,
  type Tensor,
  type TensorDataType,
  type TensorDataTypeMap,
} from '@albert-ts/core';

/** A device onnxruntime-node can run on. */
export type NodeDevice = 'cpu' | 'webgpu' | 'cuda';

/** Options of {@link nodeBackend}. */
export interface NodeBackendOptions {
  /** Device (default `cpu`). `webgpu` is onnxruntime-node's native WebGPU (Dawn over Vulkan). */
  readonly device?: NodeDevice;
  /** Intra-op threads (runtime default when absent); {@link BackendLoadOptions} override it per model. */
  readonly intraOpNumThreads?: number;
  /** Graph optimization level (runtime default `all` when absent). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * onnxruntime's CPU memory arena (default `true`). The arena keeps the largest run's buffers (for
   * MLM logits `[8, 128, 30000]` that is 117 MiB, besides the copy returned to JavaScript) for reuse;
   * `false` returns them to the system after each run: ~100 MiB lower peak RSS for such outputs, ~4 %
   * slower on them (docs/performance.md).
   */
  readonly enableCpuMemArena?: boolean;
  /**
   * Whether onnxruntime's intra-op threads spin-wait for work after a run (default `true`, ~2 % lower
   * latency for one session alone). Set `false` when several sessions share the process or the
   * cores (several models, or one model's graph variants): idle spinning pools then slow the running
   * one down (measured: 1 × 128 tokens 80 ms → 60 ms with two sessions in one process, docs/performance.md).
   */
  readonly allowSpinning?: boolean;
  /**
   * WebGPU only: keep onnxruntime's WebGPU context — the device and its cache of compiled shader
   * pipelines — for the life of the process (default `true`). onnxruntime destroys the context with
   * its last session, so each model loaded after the previous one was disposed compiles every
   * pipeline again; on a software adapter (SwiftShader) that is 10–30 s for a small training graph's
   * first run, then 0.3 s with the context kept (docs/performance.md). Kept by one open session of a
   * 2 × 2 probe graph, since the Node binding does not pass onnxruntime's `preserveDevice` option on.
   * The cost: the context's buffer cache is not returned to the device when the last model is
   * disposed. `false`: the context goes with the last session, as onnxruntime does by default — unless
   * another WebGPU backend of the process keeps it (there is one context per process).
   */
  readonly preserveWebGpuContext?: boolean;
}

type OrtModule = typeof import('onnxruntime-node');
type OrtTensor = InstanceType<OrtModule['Tensor']>;
type OrtSession = Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;

const EXECUTION_PROVIDER: Record<NodeDevice, string> = { cpu: 'cpu', webgpu: 'webgpu', cuda: 'cuda' };

const CONTRIB_OPERATORS: Record<NodeDevice, readonly string[]> = {
  // No SkipLayerNormalization on CPU: onnxruntime 1.30's CPU kernel takes ~200 µs for a [1, 128, 768]
  // row block where Add + LayerNormalization take ~37 µs (bench/, docs/performance.md), so the fused
  // graph keeps Add + LayerNormalization and CPU sessions disable onnxruntime's SkipLayerNormFusion.
  cpu: ['Attention', 'MultiHeadAttention', 'FastGelu', 'BiasGelu', 'EmbedLayerNormalization'],
  // No attention operator on WebGPU: onnxruntime 1.30's WebGPU MultiHeadAttention/Attention give wrong
  // results from 32 tokens on with SwiftShader (max abs diff 0.41 at batch 16 × 32), while the same graphs
  // are exact on an NVIDIA H100 (2.4e-6). Correctness first: the fused flavour keeps plain attention here.
  webgpu: ['SkipLayerNormalization', 'FastGelu', 'BiasGelu'],
  cuda: [
    'Attention',
    'MultiHeadAttention',
    'SkipLayerNormalization',
    'FastGelu',
    'BiasGelu',
    'EmbedLayerNormalization',
  ],
};

/**
 * The onnxruntime-node session options of a {@link nodeBackend} (exported for tests): per-model
 * {@link BackendLoadOptions} over the backend's options; on CPU, onnxruntime's SkipLayerNormFusion is
 * disabled (see the CPU operator list above).
 * @internal
 */
export function nodeSessionOptions(
  device: NodeDevice,
  options: NodeBackendOptions,
  loadOptions: BackendLoadOptions = {},
) {
  const intraOpNumThreads = loadOptions.intraOpNumThreads ?? options.intraOpNumThreads;
  const graphOptimizationLevel = loadOptions.graphOptimizationLevel ?? options.graphOptimizationLevel;
  return {
    executionProviders: [EXECUTION_PROVIDER[device]],
    ...(intraOpNumThreads === undefined ? {} : { intraOpNumThreads }),
    ...(graphOptimizationLevel === undefined ? {} : { graphOptimizationLevel }),
    ...(options.enableCpuMemArena === undefined ? {} : { enableCpuMemArena: options.enableCpuMemArena }),
    ...(loadOptions.enableMemPattern === undefined ? {} : { enableMemPattern: loadOptions.enableMemPattern }),
    logSeverityLevel: 3 as const,
    extra: {
      ...(options.allowSpinning === undefined
        ? {}
        : { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } }),
      ...(device === 'cpu' ? { optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' } } : {}),
    },
  };
}

/**
 * The session that keeps onnxruntime's process-wide WebGPU context alive (one per process: every
 * onnxruntime-node WebGPU session of the process shares context 0), or the reason it could not be made.
 */
let webGpuContextKeeper: Promise<OrtSession | undefined> | undefined;

/**
 * Makes sure onnxruntime's WebGPU context outlives every model session (see
 * {@link NodeBackendOptions.preserveWebGpuContext}): the first call opens a session of the probe graph
 * and never releases it. A failure is not reported here: the model's own load reports it.
 */
function keepWebGpuContext(ort: OrtModule, options: ReturnType<typeof nodeSessionOptions>): Promise<unknown> {
  // one intra-op thread: the session never runs, so it needs no thread pool
  const keeperOptions = { ...options, intraOpNumThreads: 1 };
  webGpuContextKeeper ??= ort.InferenceSession.create(buildProbeModel().bytes, keeperOptions).catch(() => {
    webGpuContextKeeper = undefined;
    return undefined;
  });
  return webGpuContextKeeper;
}

let ortModule: Promise<OrtModule> | undefined;
function loadOrt(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node').then(
    (module) => ((module as { default?: OrtModule }).default ?? module) as OrtModule,
  );
  return ortModule;
}

/** The CUDA provider libraries absent from onnxruntime-node's binary directory. */
function missingCudaProviderLibraries(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const directory = join(
      dirname(require.resolve('onnxruntime-node')),
      '..',
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
    return ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'].filter(
      (name) => !existsSync(join(directory, name)),
    );
  } catch {
    return [];
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns a runtime failure into a reason a person can act on. */
function explainProbeFailure(device: NodeDevice, error: unknown): string {
  const message = messageOf(error).split('\n')[0] ?? '';
  if (device === 'cuda') {
    if (
      /shared library|libcudart|libcublas|libcudnn|cuda.*\.so|onnxruntime_providers|LoadLibrary|dlopen/i.test(message)
    ) {
      const missing = missingCudaProviderLibraries();
      const found =
        missing.length === 0
          ? 'the provider libraries are present, so the CUDA 12 / cuDNN 9 runtime libraries or the NVIDIA driver are missing'
          : `missing ${missing.join(', ')} next to the onnxruntime-node binding (they are downloaded at install time unless skipped, e.g. by .npmrc)`;
      return `CUDA execution provider unavailable: ${message}; ${found}`;
    }
    return `CUDA execution provider unavailable: ${message}`;
  }
  if (device === 'webgpu') {
    const hint =
      process.env['VK_ICD_FILENAMES'] === undefined
        ? ' No Vulkan ICD was selected: without a GPU, install chromium and libvulkan1 and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader)'
        : ` (VK_ICD_FILENAMES=${process.env['VK_ICD_FILENAMES']})`;
    if (/adapter|vulkan|dawn|device/i.test(message))
      return `WebGPU unavailable: no WebGPU adapter could be created (${message}).${hint}`;
    return `WebGPU unavailable: ${message}.${hint}`;
  }
  return `onnxruntime-node CPU unavailable: ${message}`;
}

function toOrtTensor(ort: OrtModule, tensor: Tensor): OrtTensor {
  const dims = [...tensor.shape];
  switch (tensor.dtype) {
    case 'float32':
    case 'int64':
    case 'int32':
    case 'int8':
    case 'uint8':
    case 'bool':
    case 'float16':
      return new ort.Tensor(tensor.dtype, tensor.data as never, dims);
    default:
      throw new TypeError(`node backend: tensors of type ${tensor.dtype} cannot be fed to onnxruntime-node`);
  }
}

function fromOrtTensor(name: string, value: OrtTensor): Tensor {
  const dtype = value.type as TensorDataType;
  const supported: readonly string[] = ['float32', 'int64', 'int32', 'int8', 'uint8', 'bool', 'float16'];
  if (!supported.includes(dtype))
    throw new TypeError(`node backend: output ${name} has unsupported type ${value.type}`);
  return createTensor(dtype, value.dims.map(Number), value.data as TensorDataTypeMap[typeof dtype]);
}

class NodeSession implements BackendSession {
  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Readonly<Record<string, Tensor>>, options: BackendRunOptions = {}): Promise<Record<string, Tensor>> {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(this.ort, tensor);
    const fetches = options.outputNames === undefined ? undefined : [...options.outputNames];
    const results =
      fetches === undefined ? await this.session.run(ortFeeds) : await this.session.run(ortFeeds, fetches);
    const outputs: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(results)) {
      outputs[name] = fromOrtTensor(name, value as OrtTensor);
      (value as { dispose?: () => void }).dispose?.();
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** The keys of the options object (it is strict). */
const NODE_BACKEND_OPTION_KEYS = [
  'device',
  'intraOpNumThreads',
  'graphOptimizationLevel',
  'enableCpuMemArena',
  'allowSpinning',
  'preserveWebGpuContext',
] as const;

/**
 * A {@link Backend} over onnxruntime-node: `node-cpu`, `node-webgpu` or `node-cuda`. onnxruntime-node is
 * loaded lazily (importing this package has no side effects); a device that cannot run here is
 * reported by {@link Backend.probe} with the reason, never by a crash.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM } from '@albert-ts/core';
 * import { nodeBackend } from '@albert-ts/backend-node';
 *
 * const model = await AlbertForMaskedLM.fromPretrained('albert/albert-base-v2', {
 *   backend: nodeBackend({ device: 'cpu', intraOpNumThreads: 4 }), // or device: 'cuda' | 'webgpu'
 * });
 * console.log((await model.fillMask('Paris is the [MASK] of France.')).masks[0]?.predictions[0]?.token);
 * ```
 */
export function nodeBackend(options: NodeBackendOptions = {}): Backend {
  checkOptionKeys(options, NODE_BACKEND_OPTION_KEYS, 'nodeBackend');
  const device = options.device ?? 'cpu';
  const capabilities: BackendCapabilities = { contribOperators: CONTRIB_OPERATORS[device], float16: device !== 'cpu' };
  let probed: Promise<BackendProbeResult> | undefined;

  const sessionOptions = (loadOptions: BackendLoadOptions = {}) => nodeSessionOptions(device, options, loadOptions);
  const preserveContext = device === 'webgpu' && options.preserveWebGpuContext !== false;

  const probe = (): Promise<BackendProbeResult> => {
    probed ??= (async (): Promise<BackendProbeResult> => {
      let ort: OrtModule;
      try {
        ort = await loadOrt();
      } catch (error) {
        return { available: false, reason: `onnxruntime-node could not be loaded: ${messageOf(error)}` };
      }
      try {
        if (preserveContext) await keepWebGpuContext(ort, sessionOptions());
        const model = buildProbeModel();
        const session = await ort.InferenceSession.create(model.bytes, sessionOptions());
        try {
          const input = new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [2, 2]);
          const result = await session.run({ [model.inputNames[0] as string]: input });
          const output = result[model.outputNames[0] as string];
          if (output === undefined || (output.data as Float32Array)[3] !== 8)
            return { available: false, reason: `${device}: the probe model returned a wrong result` };
        } finally {
          await session.release();
        }
        return { available: true };
      } catch (error) {
        return { available: false, reason: explainProbeFailure(device, error) };
      }
    })();
    return probed;
  };

  return {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    name: `node-${device}`,
    capabilities,
    probe,
    async load(model: OnnxModel, loadOptions?: BackendLoadOptions): Promise<BackendSession> {
      const ort = await loadOrt();
      if (preserveContext) await keepWebGpuContext(ort, sessionOptions());
      const session = await ort.InferenceSession.create(model.bytes, sessionOptions(loadOptions));
      return new NodeSession(ort, session);
    },
  };
}

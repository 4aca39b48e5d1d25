// The peers. Each runs in its own child process (bench/lib/peer-process.mjs) and exposes
// load() → { run(batch) → Promise<void> } where `batch` is a padded int64 batch from model.mjs.
// Timings cover model execution only (token ids in, MLM logits out).
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const THREADS = 2;

function ortFeeds(Tensor, batch) {
  return {
    input_ids: new Tensor('int64', batch.inputIds, batch.shape),
    attention_mask: new Tensor('int64', batch.attentionMask, batch.shape),
    token_type_ids: new Tensor('int64', batch.tokenTypeIds, batch.shape),
  };
}

/** onnxruntime-web 1.30 (our WASM backend's runtime) with 2 threads, in Node. */
async function loadOrtWeb(version = 'ours') {
  const path =
    version === 'transformers.js'
      ? createRequire(require.resolve('@huggingface/transformers')).resolve('onnxruntime-web')
      : require.resolve('onnxruntime-web');
  const ort = await import(pathToFileURL(path).href);
  ort.env.wasm.numThreads = THREADS;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = pathToFileURL(dirname(path) + '/').href;
  return ort;
}

/** Plain onnxruntime session over an ONNX file or bytes. */
async function ortSessionPeer(ort, model, sessionOptions) {
  const session = await ort.InferenceSession.create(model, sessionOptions);
  return {
    async run(batch) {
      const out = await session.run(ortFeeds(ort.Tensor, batch));
      return out;
    },
    async release() {
      await session.release?.();
    },
  };
}

/** Session options per runtime: native uses 2 intra-op threads; WASM threads come from env. */
function nativeOptions(extra = {}) {
  return { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...extra };
}

/** transformers.js AutoModelForMaskedLM over the standard export laid out as a local model dir. */
async function transformersPeer(context, device) {
  if (device === 'wasm') {
    // In Node transformers.js only offers onnxruntime-node; an injected runtime (its documented
    // Symbol.for('onnxruntime') hook) makes it use its own onnxruntime-web build instead.
    globalThis[Symbol.for('onnxruntime')] = await loadOrtWeb('transformers.js');
  }
  const transformers = await import('@huggingface/transformers');
  const { env, AutoModelForMaskedLM, Tensor } = transformers;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useBrowserCache = false;
  env.useFSCache = false;
  env.localModelPath = context.transformersRoot;
  const model = await AutoModelForMaskedLM.from_pretrained(context.transformersModelId, {
    dtype: 'fp32',
    // 'auto' maps to the injected runtime's providers (none listed), so name wasm explicitly.
    ...(device === 'wasm' ? { device: 'auto', session_options: { executionProviders: ['wasm'] } } : { device: 'cpu' }),
    local_files_only: true,
  });
  return {
    async run(batch) {
      return model({
        input_ids: new Tensor('int64', batch.inputIds, batch.shape),
        attention_mask: new Tensor('int64', batch.attentionMask, batch.shape),
        token_type_ids: new Tensor('int64', batch.tokenTypeIds, batch.shape),
      });
    },
    async release() {
      await model.dispose?.();
    },
  };
}

/** Our graph built by the bench's lab builder (used until / besides @albert-ts/core). */
async function labPeer(context, runtime, flavour) {
  const { decodeSafetensors, BENCH_CONFIG } = await import('./model.mjs');
  const { buildAlbertOnnx } = await import('./albert-onnx.mjs');
  const weights = decodeSafetensors(new Uint8Array(await readFile(join(context.modelDirectory, 'model.safetensors'))));
  const { bytes } = buildAlbertOnnx(weights, BENCH_CONFIG, { shareLayers: true, ...flavour });
  weights.clear();
  if (runtime === 'wasm') return ortSessionPeer(await loadOrtWeb(), bytes, { executionProviders: ['wasm'] });
  return ortSessionPeer(require('onnxruntime-node'), bytes, nativeOptions(flavour.sessionOptions));
}

/** A backend value of ours (dynamic imports: the bench runs with bench/lib/ts-register.mjs, sources need no build). */
async function ourBackend(backendName) {
  return backendName === 'wasm'
    ? (await import('@albert-ts/backend-wasm')).wasmBackend({ numThreads: THREADS })
    : (await import('@albert-ts/backend-node')).nodeBackend({ device: 'cpu', intraOpNumThreads: THREADS });
}

/** albert-ts itself: AlbertForMaskedLM.fromPretrained (read checkpoint + build graph + session) and forward. */
async function oursPeer(context, backendName, options = {}) {
  const core = await import('@albert-ts/core');
  const backend = await ourBackend(backendName);
  const model = await core.AlbertForMaskedLM.fromPretrained(context.modelDirectory, { backend, ...options });
  return {
    async run(batch) {
      const shaped = (data) => ({ data, shape: batch.shape });
      return model.forward({
        inputIds: shaped(batch.inputIds),
        attentionMask: shaped(batch.attentionMask),
        tokenTypeIds: shaped(batch.tokenTypeIds),
      });
    },
    /** Frees a result the bench dropped (core's disposeTensor: the JavaScript analog of Python's `del`). */
    free(result) {
      for (const tensor of Object.values(result)) if (tensor?.data) core.disposeTensor(tensor);
    },
    async release() {
      await model.dispose?.();
    },
  };
}

/**
 * Imports a peer's modules before its load is timed: load time means read + build + session, not
 * module evaluation (for ours without a fresh build, the bench transpiles the TypeScript sources on
 * import, which a built package would not).
 */
export async function preparePeer(name) {
  if (name.startsWith('tjs')) return; // transformers.js picks its runtime at import time: imported inside load()
  if (name.startsWith('ours')) {
    await import('@albert-ts/core');
    await import('@albert-ts/config');
    await import(name.includes('wasm') ? '@albert-ts/backend-wasm' : '@albert-ts/backend-node');
  }
  if (name.includes('wasm')) await loadOrtWeb();
  else require('onnxruntime-node');
}

/**
 * Every peer the bench knows: name → { label, load(context) } for Node peers, or { label, runtime:
 * 'python', pythonModules } for the peers that bench/lib/python-peer.py runs in a Python process.
 */
export const PEERS = {
  'py-ort-standard': {
    label: 'onnxruntime 1.30 Python binding, standard export (the same file as ort-node-standard)',
    runtime: 'python',
    pythonModules: ['onnxruntime', 'numpy'],
  },
  'py-ort-ours': {
    label: "onnxruntime 1.30 Python binding, albert-ts's node-cpu graph and session options (the same as ours-node)",
    runtime: 'python',
    pythonModules: ['onnxruntime', 'numpy'],
  },
  'py-torch': {
    label: 'PyTorch eager: transformers AlbertForMaskedLM, 2 threads, inference_mode',
    runtime: 'python',
    pythonModules: ['torch', 'transformers', 'numpy'],
  },
  'ort-node-standard': {
    label: 'onnxruntime-node 1.30, standard export (layer-copied, unfused)',
    load: async (context) => ortSessionPeer(require('onnxruntime-node'), context.standardExportPath, nativeOptions()),
  },
  'tjs-cpu': {
    label: 'transformers.js 4.3.1 (node cpu, onnxruntime-node 1.30)',
    load: (context) => transformersPeer(context, 'cpu'),
  },
  'tjs-wasm': {
    label: 'transformers.js 4.3.1 (wasm, 2 threads, its onnxruntime-web 1.31-dev)',
    load: (context) => transformersPeer(context, 'wasm'),
  },
  'lab-node-plain': {
    label: 'albert-ts graph (shared layers, plain ops), onnxruntime-node',
    load: (context) => labPeer(context, 'node', {}),
  },
  'lab-node-fused': {
    label: 'albert-ts graph (shared layers, fused), onnxruntime-node',
    load: (context) => labPeer(context, 'node', context.fusedFlavour),
  },
  'lab-node-int8': {
    label: 'albert-ts graph (shared layers, fused, int8 dynamic), onnxruntime-node',
    load: (context) => labPeer(context, 'node', { ...context.fusedFlavour, quantize: 'dynamic-quantize-matmul' }),
  },
  'lab-wasm-plain': {
    label: 'albert-ts graph (shared layers, plain ops), onnxruntime-web 1.30 wasm 2 threads',
    load: (context) => labPeer(context, 'wasm', {}),
  },
  'lab-wasm-fused': {
    label: 'albert-ts graph (shared layers, fused), onnxruntime-web 1.30 wasm 2 threads',
    load: (context) => labPeer(context, 'wasm', context.fusedFlavour),
  },
  'lab-wasm-int8': {
    label: 'albert-ts graph (shared layers, fused, int8 dynamic), onnxruntime-web 1.30 wasm 2 threads',
    load: (context) => labPeer(context, 'wasm', { ...context.fusedFlavour, quantize: 'dynamic-quantize-matmul' }),
  },
  'ours-node': {
    label:
      'albert-ts: AlbertForMaskedLM + nodeBackend (cpu, 2 threads), default flavour (auto: fused Attention, Add + LayerNormalization, FastGelu)',
    load: (context) => oursPeer(context, 'node', context.oursOptions ?? {}),
  },
  'ours-node-plain': {
    label: "albert-ts: AlbertForMaskedLM + nodeBackend, flavour 'plain' (standard ONNX operators only)",
    load: (context) => oursPeer(context, 'node', { flavour: 'plain' }),
  },
  'ours-node-int8': {
    label: "albert-ts: AlbertForMaskedLM + nodeBackend, dtype 'int8' (dynamic quantization built on the fly)",
    load: (context) => oursPeer(context, 'node', { dtype: 'int8' }),
  },
  'ours-wasm': {
    label: 'albert-ts: AlbertForMaskedLM + wasmBackend (2 threads), default flavour',
    load: (context) => oursPeer(context, 'wasm', context.oursOptions ?? {}),
  },
  'ours-wasm-plain': {
    label: "albert-ts: AlbertForMaskedLM + wasmBackend (2 threads), flavour 'plain'",
    load: (context) => oursPeer(context, 'wasm', { flavour: 'plain' }),
  },
  'ours-wasm-int8': {
    label: "albert-ts: AlbertForMaskedLM + wasmBackend (2 threads), dtype 'int8'",
    load: (context) => oursPeer(context, 'wasm', { dtype: 'int8' }),
  },
};

#!/usr/bin/env node
// Graph-flavour and session-option lab: every variant of the shared-layer graph (plain, each fused op
// alone, all fused, int8) and session-option variants, measured side by side in alternating rounds in
// one process per runtime. Usage: node --import ./bench/lib/ts-register.mjs bench/flavours.mjs [--runtime node|wasm] [--rounds N] [--set core|flavours|session]
//   [--workloads W1,W2]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ensureModelDirectory, decodeSafetensors, BENCH_CONFIG, makeWorkloads, padBatches } from './lib/model.mjs';
import { buildAlbertOnnx } from './lib/albert-onnx.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : fallback;
};
const runtime = option('runtime', 'node');
const rounds = Number(option('rounds', 5));
const set = option('set', 'core');
const workloadNames = option('workloads', 'W1,W2').split(',');

const FUSED = { attention: 'attention', skipLayerNorm: true, gelu: 'fast' };
const FLAVOURS = {
  plain: {},
  attention: { attention: 'attention' },
  'mha+bias': { attention: 'mha' },
  'skip-layer-norm': { skipLayerNorm: true },
  'fast-gelu': { gelu: 'fast' },
  'embed-layer-norm': { embedLayerNorm: true },
  'fused (attention+skipLN+fastGelu)': FUSED,
  'fused+embedLN': { ...FUSED, embedLayerNorm: true },
  'mha+skipLN+fastGelu': { attention: 'mha', skipLayerNorm: true, gelu: 'fast' },
  'int8 plain': { quantize: 'dynamic-quantize-matmul' },
  'int8 fused': { ...FUSED, quantize: 'dynamic-quantize-matmul' },
  'int8 fused (MatMulIntegerToFloat)': { ...FUSED, quantize: 'matmul-integer' },
};
const SESSIONS = {
  'default (all, arena, pattern)': {},
  'level extended': { graphOptimizationLevel: 'extended' },
  'level basic': { graphOptimizationLevel: 'basic' },
  'no mem pattern': { enableMemPattern: false },
  'no cpu arena': { enableCpuMemArena: false },
  'no prepacking': { extra: { session: { disable_prepacking: '1' } } },
  '1 intra-op thread': { intraOpNumThreads: 1 },
  'spin off': { extra: { session: { intra_op: { allow_spinning: '0' } } } },
};

/** Graphs built by @albert-ts/core (+ graph/fused, graph/quantize); needs `--import ./bench/lib/ts-register.mjs`. */
async function coreGraphs(directory) {
  const core = await import('@albert-ts/core');
  const { AlbertConfig } = await import('@albert-ts/config');
  const { quantizeDynamicInt8 } = await import('@albert-ts/core');
  const { buildWithFusedKernels } = await import('./lib/fused-assembly.mjs');
  const config = AlbertConfig.parse(await readFile(join(directory, 'config.json'), 'utf8'));
  const stateDict = core.readSafetensors(
    new Uint8Array(await readFile(join(directory, 'model.safetensors'))),
    'model.safetensors',
  );
  const weights = core.resolveAlbertWeights(config, stateDict, 'AlbertForMaskedLM', { file: 'model.safetensors' });
  const head = 'AlbertForMaskedLM';
  const plain = () => core.buildAlbertModelProto(config, weights, { head }).proto;
  const builders = {
    'core plain': plain,
    'core fused (MHA, bias Add + SkipLN)': () =>
      core.buildAlbertModelProto(config, weights, { head, flavour: 'fused' }).proto,
    'graph/fused attention (packed Attention, bias in SkipLN)': () =>
      buildWithFusedKernels(config, weights, { head, kind: 'attention' }).proto,
    'graph/fused multi-head-attention (bias in SkipLN)': () =>
      buildWithFusedKernels(config, weights, { head, kind: 'multi-head-attention' }).proto,
    'int8 core plain': () => quantizeDynamicInt8(plain()).model,
    'int8 graph/fused multi-head-attention': () =>
      quantizeDynamicInt8(buildWithFusedKernels(config, weights, { head, kind: 'multi-head-attention' }).proto).model,
    'int8 core plain (MatMulInteger form)': () => quantizeDynamicInt8(plain(), { operator: 'matmul-integer' }).model,
  };
  return Object.fromEntries(Object.entries(builders).map(([name, build]) => [name, () => core.encodeModel(build())]));
}

async function loadRuntime() {
  if (runtime === 'node') return require('onnxruntime-node');
  const path = require.resolve('onnxruntime-web');
  const ort = await import(pathToFileURL(path).href);
  ort.env.wasm.numThreads = 2;
  ort.env.wasm.wasmPaths = pathToFileURL(dirname(path) + '/').href;
  return ort;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const ort = await loadRuntime();
  const directory = await ensureModelDirectory(join(here, '.cache'));
  const weights = decodeSafetensors(new Uint8Array(await readFile(join(directory, 'model.safetensors'))));
  const workloads = makeWorkloads();
  const batches = Object.fromEntries(
    workloadNames.map((name) => [name, padBatches(workloads[name].sequences, workloads[name].batchSize)]),
  );
  const variants = [];
  let entries;
  if (set === 'core') entries = Object.entries(await coreGraphs(directory)).map(([name, build]) => [name, build, {}]);
  else if (set === 'session') {
    const plain = (await coreGraphs(directory))['core plain'];
    const bytes = plain();
    entries = Object.entries(SESSIONS).map(([name, session]) => [name, () => bytes, session]);
  } else entries = Object.entries(FLAVOURS).map(([name, flavour]) => [name, flavour, {}]);
  const only = option('only', null)?.split(',');
  const skip = option('skip', null)?.split(',');
  for (const [name, flavour, session] of entries) {
    if (only && !only.includes(name)) continue;
    if (skip && skip.some((s) => name.includes(s))) continue;
    const bytes =
      typeof flavour === 'function'
        ? flavour()
        : buildAlbertOnnx(weights, BENCH_CONFIG, { shareLayers: true, ...flavour }).bytes;
    const options =
      runtime === 'node'
        ? { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...session }
        : { executionProviders: ['wasm'], ...session };
    const start = performance.now();
    const instance = await ort.InferenceSession.create(bytes, options);
    const loadMs = performance.now() - start;
    variants.push({ name, session: instance, loadMs, times: {} });
  }
  const feeds = (batch) => {
    const out = {
      input_ids: new ort.Tensor('int64', batch.inputIds, batch.shape),
      attention_mask: new ort.Tensor('int64', batch.attentionMask, batch.shape),
      token_type_ids: new ort.Tensor('int64', batch.tokenTypeIds, batch.shape),
    };
    if (set === 'core' || set === 'session') {
      const [rows, columns] = batch.shape;
      out.position_ids = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: rows * columns }, (_, i) => BigInt(i % columns)),
        batch.shape,
      );
    }
    return out;
  };
  for (const variant of variants)
    for (const name of workloadNames) for (const batch of batches[name]) await variant.session.run(feeds(batch));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of workloadNames) {
      for (let i = 0; i < variants.length; i += 1) {
        const variant = variants[(i + round) % variants.length];
        const start = performance.now();
        for (const batch of batches[name]) await variant.session.run(feeds(batch));
        (variant.times[name] ??= []).push(performance.now() - start);
      }
    }
  }
  const base = variants[0];
  console.log(`\n${runtime} — ${set} — ${rounds} alternating rounds — ${new Date().toISOString()}`);
  console.log(
    `| variant | ${workloadNames.map((w) => `${w} ms median (min–max)`).join(' | ')} | vs ${base.name} | session create ms |`,
  );
  console.log(`|---|${workloadNames.map(() => '---').join('|')}|---|---|`);
  for (const variant of variants) {
    const cells = workloadNames.map(
      (w) =>
        `${median(variant.times[w]).toFixed(1)} (${Math.min(...variant.times[w]).toFixed(1)}–${Math.max(...variant.times[w]).toFixed(1)})`,
    );
    const ratio = workloadNames
      .map((w) => (median(base.times[w]) / median(variant.times[w])).toFixed(2) + '×')
      .join(' / ');
    console.log(`| ${variant.name} | ${cells.join(' | ')} | ${ratio} | ${variant.loadMs.toFixed(0)} |`);
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

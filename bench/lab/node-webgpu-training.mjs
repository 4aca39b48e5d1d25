// Lab: one head of a training fixture (default: the `tiny` model's sequence classifier) on onnxruntime-node's
// WebGPU (Dawn over Vulkan; here SwiftShader), timed run by run.
//
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node bench/lab/node-webgpu-training.mjs [HEAD] [MODE]
//
// MODE
//   gradients  (default) forward + backward, RUNS runs of one session
//   forward    loss and logits only (the backward nodes are not run)
//   sessions   SESSIONS sessions one after the other, each loaded, run twice and disposed, as the parity suite
//              does per head: with PRESERVE=0 the backend lets onnxruntime destroy its WebGPU context with the
//              last session (every session compiles its shader pipelines again), by default it keeps it
// Environment: MODEL (tiny | grouped | relu-relkey), DEVICE (webgpu | cpu), RUNS, SESSIONS, PRESERVE,
// VERBOSE=1 (onnxruntime directly, verbose log: node placement and one line per WebGPU program dispatched).
//
// Measured (docs/performance.md, "node-webgpu training"): no hang — the first run of a session compiles
// every distinct WebGPU program of the graph (61 for the tiny classifier's training graph, 387 dispatches
// per run), which SwiftShader does in 0.1–3.8 s each: 10–35 s on the loaded two-core machine; later runs
// take 0.3–0.5 s; forward only (the training graph's loss and logits) is the same: 11.5 s, then 0.38 s. The
// slowest compiles (gap before the next dispatch): Tanh 3.8 s, Gemm 3.7 and 3.2 s, Add 3.5 s, MatMul 3.2 s.
// onnxruntime destroyed its WebGPU context with the last session, so `sessions` with PRESERVE=0 paid it again
// per session (first runs 28.8, 19.2, 16.1 s); with the context kept (the default) 22.7, 0.39, 0.53 s.
import { readFile } from 'node:fs/promises';
import { AlbertConfig } from '@albert-ts/config';
import * as core from '@albert-ts/core';
import { nodeBackend } from '@albert-ts/backend-node';
import * as training from '@albert-ts/training';

const head = process.argv[2] ?? 'AlbertForSequenceClassification';
const mode = process.argv[3] ?? 'gradients';
const device = process.env.DEVICE ?? 'webgpu';
const model = process.env.MODEL ?? 'tiny';
const runs = Number(process.env.RUNS ?? 2);

const fixtures = new URL('../../fixtures/', import.meta.url);
const fixture = JSON.parse(await readFile(new URL(`training/${model}/training.json`, fixtures), 'utf8'));
const cases = JSON.parse(await readFile(new URL(`models/${model}/cases.json`, fixtures), 'utf8'));
const spec = fixture.heads[head];
const testCase = cases.cases.find((candidate) => candidate.name === spec.case);
const directory = new URL(
  spec.checkpoint === '.' ? `models/${model}/` : `models/${model}/${spec.checkpoint}/`,
  fixtures,
);
const source = core.directorySource(directory.pathname);
let config = AlbertConfig.parse(await source.readText('config.json'));
if (head.endsWith('-multi-label')) config = config.with({ problemType: 'multi_label_classification' });
const headName = head.split('-')[0];
const { weights } = await core.loadPretrainedWeights(source, headName, { config });
const graph = training.buildAlbertTrainingGraph(config, weights, { head: headName });
const shapes = new Map(weights.keys.map((name) => [name, weights.get(name).shape]));
const parameters = new Map(weights.keys.map((name) => [name, Float32Array.from(weights.get(name).data)]));

const dimensions = (value) => {
  const shape = [];
  for (let level = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  return shape;
};
const elements = (value) => (Array.isArray(value) ? value.flat(Infinity) : [value]);
const feeds = {};
for (const name of graph.modelInputs) {
  const value = testCase.inputs[name];
  if (value !== null && value !== undefined)
    feeds[name] = core.createTensor('int64', dimensions(value), BigInt64Array.from(elements(value), BigInt));
}
if (graph.modelInputs.includes('position_ids') && feeds.position_ids === undefined) {
  const ids = feeds.input_ids;
  const length = ids.shape.at(-1);
  feeds.position_ids = core.createTensor(
    'int64',
    ids.shape,
    BigInt64Array.from({ length: ids.data.length }, (_, index) => BigInt(index % length)),
  );
}
for (const label of graph.labelInputs) {
  const value = spec.labels[label.name];
  feeds[label.name] =
    label.elementType === 'int64'
      ? core.createTensor('int64', dimensions(value), BigInt64Array.from(elements(value), BigInt))
      : core.createTensor('float32', dimensions(value), Float32Array.from(elements(value)));
}
console.log(`${model} ${head} ${mode} on node-${device}: training graph ${graph.bytes.length} bytes`);

if (process.env.VERBOSE === '1' || process.env.VALIDATION !== undefined) {
  const ort = (await import('onnxruntime-node')).default;
  const session = await ort.InferenceSession.create(graph.bytes, {
    executionProviders: [
      device === 'webgpu' && process.env.VALIDATION !== undefined
        ? { name: 'webgpu', validationMode: process.env.VALIDATION }
        : device,
    ],
    enableMemPattern: false,
    logSeverityLevel: process.env.VERBOSE === '1' ? 0 : 3,
    logVerbosityLevel: process.env.VERBOSE === '1' ? 1 : 0,
  });
  const ortFeeds = {};
  for (const name of graph.parameterInputs)
    ortFeeds[name] = new ort.Tensor('float32', parameters.get(name), [...shapes.get(name)]);
  for (const [name, tensor] of Object.entries(feeds))
    ortFeeds[name] = new ort.Tensor(tensor.dtype, tensor.data, [...tensor.shape]);
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const result = await session.run(ortFeeds);
    console.log(`run ${run}: ${(performance.now() - start).toFixed(0)} ms, loss ${result.loss.data[0]}`);
  }
  await session.release();
  process.exit(0);
}

const backend = nodeBackend({ device, preserveWebGpuContext: process.env.PRESERVE !== '0' });
console.log('probe', await backend.probe());
const sessions = mode === 'sessions' ? Number(process.env.SESSIONS ?? 3) : 1;
for (let index = 0; index < sessions; index += 1) {
  let start = performance.now();
  const session = await training.GradientSession.load(backend, graph, shapes);
  console.log(`session ${index}: load ${(performance.now() - start).toFixed(0)} ms`);
  for (let run = 0; run < (mode === 'sessions' ? 2 : runs); run += 1) {
    start = performance.now();
    const result =
      mode === 'forward' ? await session.evaluate(parameters, feeds) : await session.run(parameters, feeds);
    console.log(
      `  run ${run}: ${(performance.now() - start).toFixed(0)} ms, loss ${result.loss} (PyTorch ${spec.loss}), ${result.gradients.size} gradients`,
    );
  }
  await session.dispose();
}

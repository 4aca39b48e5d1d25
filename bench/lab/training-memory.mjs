// What a training graph keeps alive between its forward and backward passes (docs/performance.md,
// "Training step": peak RSS). Two views of the same graph (the bench's sequence classifier, or any
// model directory):
//   plan  — walks the nodes in graph order with the shapes inferred for a batch, allocates each output and
//           frees each value after its last reader (graph outputs live to the end): the peak of the
//           intermediates and, at that peak, which forward values are alive, grouped by the node that made
//           them (the `--readers REGEX` option lists who reads the values of matching nodes);
//   run   — runs the graph on onnxruntime-node with session options given as JSON and prints the process's
//           peak RSS after each run (`--options '{"enableMemPattern":false}'`).
// The plan is what the graph asks for; the run is what onnxruntime does with it (its optimizers may merge or
// fuse nodes: common-subexpression elimination merged recomputed copies back into their originals before
// the copies read their input through Reshape(x, Shape(x))).
//   node --import ./bench/lib/ts-register.mjs bench/lab/training-memory.mjs plan [--model DIR] [--batch 8] [--sequence 128]
//   node --import ./bench/lib/ts-register.mjs bench/lab/training-memory.mjs run [--model DIR] [--options JSON] [--runs 3]
// DIR defaults to the bench's albert-base-shaped classifier (written by `pnpm bench:training`).
import { fileURLToPath } from 'node:url';
import * as core from '@albert-ts/core';
import * as training from '@albert-ts/training';
import { GraphEditor } from '../../packages/training/src/graph/graph-editor.ts';
import { inferStaticShapes } from '../../packages/training/src/graph/static-shapes.ts';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
const mode = process.argv[2];
if (mode !== 'plan' && mode !== 'run') throw new Error('usage: training-memory.mjs plan|run [--model DIR] …');
const directory = argument('model', fileURLToPath(new URL('../.cache/training-base-seed1234', import.meta.url)));
const head = argument('head', 'AlbertForSequenceClassification');
const batch = Number(argument('batch', '8'));
const sequence = Number(argument('sequence', '128'));
const MiB = (bytes) => (bytes / 2 ** 20).toFixed(1);

const { config, weights } = await core.loadPretrainedWeights(core.directorySource(directory), head);
const graph = training.buildAlbertTrainingGraph(config, weights, { head });

if (mode === 'plan') {
  const e = new GraphEditor(graph.proto);
  e.inputs.forEach((input, index) => {
    const dims = (input.dims ?? []).map((d) => (d === 'batch' ? batch : d === 'sequence' ? sequence : d));
    e.inputs[index] = { ...input, dims };
  });
  // the shape rules cover forward operators; a backward scatter has its data input's shape
  const nodes = [...e.nodes];
  e.nodes.forEach((node, index) => {
    if (node.opType.startsWith('Scatter')) e.nodes[index] = { ...node, opType: 'Identity', inputs: [node.inputs[0]] };
  });
  const shapes = inferStaticShapes(e);
  const bytes = (value) => {
    const dims = shapes.get(value)?.dims ?? [];
    return dims.some((d) => d === null) ? 0 : 4 * dims.reduce((a, b) => a * b, 1);
  };
  const lastReader = new Map();
  nodes.forEach((node, index) => node.inputs.forEach((value) => value && lastReader.set(value, index)));
  const outputs = new Set(e.outputs.map((output) => output.name));
  const producer = new Map(nodes.flatMap((node) => node.outputs.map((value) => [value, node])));
  const live = new Map();
  let current = 0;
  let peak = { bytes: 0, at: -1, live: new Map() };
  nodes.forEach((node, index) => {
    for (const value of node.outputs) {
      live.set(value, bytes(value));
      current += bytes(value);
    }
    if (current > peak.bytes) peak = { bytes: current, at: index, live: new Map(live) };
    for (const value of [...node.inputs, ...node.outputs]) {
      if (!live.has(value) || outputs.has(value) || (lastReader.get(value) ?? index) > index) continue;
      current -= live.get(value);
      live.delete(value);
    }
  });
  console.log(`${nodes.length} nodes; peak of intermediates ${MiB(peak.bytes)} MiB at ${nodes[peak.at].name}`);
  const groups = new Map();
  for (const [value, size] of peak.live) {
    const node = producer.get(value);
    const key = `${node.opType} ${node.name.replace(/\d+/g, '#')}`;
    const group = groups.get(key) ?? { size: 0, count: 0 };
    groups.set(key, { size: group.size + size, count: group.count + 1 });
  }
  const rows = [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, Number(argument('top', '20')));
  for (const [key, { size, count }] of rows)
    console.log(`${MiB(size).padStart(8)} MiB ${String(count).padStart(4)} × ${key}`);
  const readers = argument('readers');
  if (readers !== undefined) {
    const pattern = new RegExp(readers);
    for (const value of [...peak.live.keys()].filter((v) => pattern.test(producer.get(v).name)).slice(0, 10)) {
      const by = nodes.filter((node) => node.inputs.includes(value)).map((node) => `${node.opType} ${node.name}`);
      console.log(`${value} → ${by.join(' | ')}`);
    }
  }
} else {
  const ort = (await import('onnxruntime-node')).default;
  const options = JSON.parse(argument('options', '{}'));
  const session = await ort.InferenceSession.create(graph.bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 2,
    logSeverityLevel: 3,
    ...options,
  });
  const feeds = {};
  for (const key of graph.parameterInputs) {
    const tensor = weights.get(key);
    feeds[key] = new ort.Tensor('float32', Float32Array.from(tensor.data), tensor.shape);
  }
  const count = batch * sequence;
  const ids = (value) => new ort.Tensor('int64', BigInt64Array.from({ length: count }, value), [batch, sequence]);
  feeds.input_ids = ids((_, index) => BigInt(5 + ((index * 7919) % (config.vocabSize - 5))));
  feeds.attention_mask = ids(() => 1n);
  feeds.token_type_ids = ids(() => 0n);
  if (graph.modelInputs.includes('position_ids')) feeds.position_ids = ids((_, index) => BigInt(index % sequence));
  feeds.labels = new ort.Tensor(
    'int64',
    BigInt64Array.from({ length: batch }, (_, row) => BigInt(row % 2)),
    [batch],
  );
  console.log(`before the runs: peak RSS ${MiB(process.resourceUsage().maxRSS * 1024)} MiB`);
  for (let run = 0; run < Number(argument('runs', '3')); run += 1) {
    const started = performance.now();
    const result = await session.run(feeds);
    const ms = (performance.now() - started).toFixed(0);
    console.log(
      `run ${run}: ${ms} ms, loss ${result.loss.data[0]}, peak RSS ${MiB(process.resourceUsage().maxRSS * 1024)} MiB`,
    );
  }
}

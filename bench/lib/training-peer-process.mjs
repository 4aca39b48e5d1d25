// One training peer of bench/training.mjs in its own process, driven over IPC:
//   { type: 'load', peer, context } → { type: 'loaded', ms } | { type: 'unavailable', reason }
//   { type: 'steps', count }        → { type: 'stepped', ms: [...], runMs: [...], optimizerMs: [...], losses: [...] }
//   { type: 'rss' }                 → { type: 'rss', maxRssBytes }
// A step is what Trainer.step does for one micro-batch (forward + backward + clip_grad_norm_(1) + AdamW), its
// phases timed apart: `runMs` is the training graph's run (fused: the whole step), `optimizerMs` the clipping
// and update (TypeScript, or the update graph's run).
import { TRAINING_PEERS } from './training-peers.mjs';

const THREADS = 2;
let state;

async function backendOf(runtime) {
  if (runtime === 'wasm') return (await import('@albert-ts/backend-wasm')).wasmBackend({ numThreads: THREADS });
  const { nodeBackend } = await import('@albert-ts/backend-node');
  return nodeBackend({ device: runtime === 'node-webgpu' ? 'webgpu' : 'cpu', intraOpNumThreads: THREADS });
}

/** The batch of the bench (same ids and labels as the PyTorch peer) as feeds of a training graph. */
function batchFeeds(core, graph, batch) {
  const { shape, inputIds, labels } = batch;
  const size = shape[0] * shape[1];
  const feeds = {
    input_ids: core.createTensor('int64', shape, BigInt64Array.from(inputIds, BigInt)),
    attention_mask: core.createTensor('int64', shape, new BigInt64Array(size).fill(1n)),
    token_type_ids: core.createTensor('int64', shape, new BigInt64Array(size)),
    position_ids: core.createTensor(
      'int64',
      shape,
      BigInt64Array.from({ length: size }, (_, index) => BigInt(index % shape[1])),
    ),
    labels: core.createTensor('int64', [shape[0]], BigInt64Array.from(labels, BigInt)),
  };
  const needed = new Set([...graph.modelInputs, ...graph.labelInputs.map((label) => label.name)]);
  return Object.fromEntries(Object.entries(feeds).filter(([name]) => needed.has(name)));
}

const bytesOf = (names, shapes) =>
  names.reduce((sum, name) => sum + 4 * (shapes.get(name) ?? []).reduce((a, b) => a * b, 1), 0);

async function load(peerName, context) {
  const peer = TRAINING_PEERS[peerName];
  const core = await import('@albert-ts/core');
  const training = await import('@albert-ts/training');
  // node-webgpu at albert-base's shape only on request: on a software Vulkan adapter (SwiftShader, the only
  // one without a GPU) every WebGPU dispatch costs ~1-2 ms (a training graph dispatches one program or more per
  // node) and the GEMMs run on the CPU cores through SwiftShader: the small shape's step took 0.4-0.6 s there
  // against 0.03 s on node-cpu (docs/performance.md). The small and medium shapes run by default.
  if (peer.runtime === 'node-webgpu' && context.shape === 'base' && process.env.ALBERT_TRAINING_NODE_WEBGPU !== '1')
    return {
      type: 'unavailable',
      reason:
        'node-webgpu at the albert-base shape runs only with ALBERT_TRAINING_NODE_WEBGPU=1 (set it where there is a real GPU: on a software Vulkan adapter such as SwiftShader the small shape already takes 0.4-0.6 s a step against 0.03 s on node-cpu); --shape small|medium run it by default',
    };
  const backend = await backendOf(peer.runtime);
  const probe = await backend.probe();
  if (!probe.available) return { type: 'unavailable', reason: probe.reason };
  const started = performance.now();
  const { config, weights } = await core.loadPretrainedWeights(
    core.directorySource(context.modelDirectory),
    'AlbertForSequenceClassification',
  );
  const shapes = new Map(weights.keys.map((key) => [key, weights.get(key).shape]));
  const parameters = new Map(weights.keys.map((key) => [key, Float32Array.from(weights.get(key).data)]));
  const optimizer = new training.AdamW({ lr: 5e-5, weightDecay: 0.01 });
  const head = 'AlbertForSequenceClassification';
  let step;
  let traffic;
  if (peer.placement === 'fused') {
    const { betas, eps, weightDecay, decays } = optimizer.hyperParameters;
    const graph = training.buildAlbertTrainingStepGraph(config, weights, {
      head,
      optimizer: { betas, eps, weightDecay, decays, maxGradNorm: 1 },
    });
    const session = await training.TrainingStepSession.load(backend, graph, shapes);
    const feeds = batchFeeds(core, graph, context.batch);
    traffic = {
      fedBytes: bytesOf(graph.parameterInputs, shapes) + 2 * bytesOf(graph.updated, shapes),
      fetchedBytes: 3 * bytesOf(graph.updated, shapes),
    };
    step = async () => {
      const start = performance.now();
      const result = await session.step(parameters, optimizer, optimizer.lr, feeds);
      return { runMs: performance.now() - start, optimizerMs: 0, loss: result.loss };
    };
  } else {
    const graph = training.buildAlbertTrainingGraph(config, weights, { head });
    const session = await training.GradientSession.load(backend, graph, shapes);
    const feeds = batchFeeds(core, graph, context.batch);
    const withGradient = [...graph.gradients.keys()];
    let update;
    if (peer.placement === 'update-graph') {
      update = await training.AdamWUpdateSession.load(
        backend,
        new Map(withGradient.map((key) => [key, shapes.get(key)])),
        optimizer,
        { maxGradNorm: 1 },
      );
    }
    const gradientBytes = bytesOf(withGradient, shapes);
    traffic = {
      fedBytes: bytesOf(graph.parameterInputs, shapes) + (update ? 4 * gradientBytes : 0),
      fetchedBytes: gradientBytes + (update ? 3 * gradientBytes : 0),
    };
    step = async () => {
      const start = performance.now();
      const result = await session.run(parameters, feeds);
      const ran = performance.now();
      if (update) await update.step(parameters, result.gradients, optimizer.lr);
      else {
        training.clipGradNorm(result.gradients, { maxNorm: 1 });
        optimizer.step(parameters, result.gradients);
      }
      return { runMs: ran - start, optimizerMs: performance.now() - ran, loss: result.loss };
    };
  }
  state = { step };
  return { type: 'loaded', ms: performance.now() - started, ...traffic };
}

async function handle(message) {
  switch (message.type) {
    case 'load':
      return load(message.peer, message.context);
    case 'steps': {
      const reply = { type: 'stepped', ms: [], runMs: [], optimizerMs: [], losses: [] };
      for (let index = 0; index < message.count; index += 1) {
        const start = performance.now();
        const { runMs, optimizerMs, loss } = await state.step();
        reply.ms.push(performance.now() - start);
        reply.runMs.push(runMs);
        reply.optimizerMs.push(optimizerMs);
        reply.losses.push(loss);
      }
      return reply;
    }
    case 'rss':
      return { type: 'rss', maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    case 'exit':
      process.exit(0);
      break; // not reached
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

process.on('disconnect', () => process.exit(0)); // never outlive the bench
process.on('message', (message) => {
  handle(message).then(
    (reply) => process.send(reply),
    (error) => process.send({ type: 'error', message: String(error?.stack ?? error) }),
  );
});

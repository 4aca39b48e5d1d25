#!/usr/bin/env node
// albert-ts training benchmark: one training step (forward + backward + clip_grad_norm_(1) + AdamW) of an
// albert-base-v2-shaped AlbertForSequenceClassification (random weights from a seed; batch 8 × 128, fp32,
// 2 threads) against PyTorch eager, each peer in its own process, one peer at a time (a training process
// holds weights, gradients and Adam moments: running them side by side would measure the machine's memory).
//
// Usage: pnpm bench:training [--shape base|medium|small] [--small] [--steps N] [--warmup N] [--peers a,b] [--json]
//        [--list] [--sources]
//   --shape base    albert-base-v2's shape, batch 8 × 128 (the default; the issue's measurement)
//   --shape medium  V 30000, E 128, H 384, I 1536, 6 heads, 12 layers, batch 4 × 64 (for a loaded machine)
//   --small         = --shape small: a tiny model and batch (smoke test; the tests in bench/test use it)
// Python: $ALBERT_BENCH_PYTHON, else bench/.cache/venv (`pnpm bench --setup-python`), else python3.
// node-webgpu: set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json where there is no GPU; its peers run
// by default with --shape small|medium, and at the base shape only with ALBERT_TRAINING_NODE_WEBGPU=1 (SwiftShader's
// step is ~15x node-cpu's already at the small shape: docs/performance.md).
import { fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { BENCH_CONFIG, createRandom, encodeSafetensors, generateWeights } from './lib/model.mjs';
import { TRAINING_PEERS } from './lib/training-peers.mjs';
import { builtPackagesAreFresh, pythonInterpreter, pythonUnavailable } from './lib/bench-environment.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const cacheRoot = join(here, '.cache');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] ? argv[index + 1] : fallback;
};
const shape = flag('small') ? 'small' : option('shape', 'base');
if (!['base', 'medium', 'small'].includes(shape))
  throw new Error(`--shape must be base, medium or small, not ${shape}`);
const small = shape === 'small';
const json = flag('json');
const steps = Number(option('steps', small ? 3 : 10));
const warmup = Number(option('warmup', small ? 1 : 2));
const log = (...parts) => (json ? console.error(...parts) : console.log(...parts));

/** The model: albert-base-v2's shape (full) or a small one (--small); two labels, no dropout anywhere. */
const CONFIG = {
  ...BENCH_CONFIG,
  architectures: ['AlbertForSequenceClassification'],
  classifier_dropout_prob: 0,
  id2label: { 0: 'LABEL_0', 1: 'LABEL_1' },
  label2id: { LABEL_0: 0, LABEL_1: 1 },
  ...{
    base: {},
    medium: { hidden_size: 384, num_attention_heads: 6, intermediate_size: 1536 },
    small: {
      vocab_size: 1000,
      embedding_size: 32,
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 128,
      max_position_embeddings: 64,
    },
  }[shape],
};
const BATCH = { base: { size: 8, length: 128 }, medium: { size: 4, length: 64 }, small: { size: 2, length: 16 } }[
  shape
];
const DEFAULT_PEERS = Object.keys(TRAINING_PEERS);

/** Writes (once per config and seed) the model directory every peer loads: the MLM weights plus pooler and classifier. */
async function ensureTrainingModel(seed = 1234) {
  const directory = join(cacheRoot, `training-${shape}-seed${seed}`);
  const stamp = join(directory, 'bench-stamp.json');
  const expected = JSON.stringify({ seed, CONFIG });
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')) === expected) return directory;
  await mkdir(directory, { recursive: true });
  const weights = generateWeights(CONFIG, seed);
  const random = createRandom(seed + 1);
  const matrix = (name, shape) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i += 1) data[i] = random.normal() * CONFIG.initializer_range;
    weights.set(name, { shape, data });
  };
  const H = CONFIG.hidden_size;
  matrix('albert.pooler.weight', [H, H]);
  weights.set('albert.pooler.bias', { shape: [H], data: new Float32Array(H) });
  matrix('classifier.weight', [2, H]);
  weights.set('classifier.bias', { shape: [2], data: new Float32Array(2) });
  // the MLM head is not part of a sequence classifier
  for (const name of [...weights.keys()]) if (name.startsWith('predictions.')) weights.delete(name);
  await writeFile(join(directory, 'model.safetensors'), encodeSafetensors(weights));
  await writeFile(join(directory, 'config.json'), JSON.stringify(CONFIG, null, 2));
  await writeFile(stamp, expected);
  return directory;
}

/** The batch: [CLS] random ids [SEP], no padding, labels alternating. */
function makeBatch() {
  const random = createRandom(7);
  const inputIds = [];
  for (let row = 0; row < BATCH.size; row += 1) {
    inputIds.push(2);
    for (let column = 1; column < BATCH.length - 1; column += 1)
      inputIds.push(5 + Math.floor(random.uniform() * (CONFIG.vocab_size - 5)));
    inputIds.push(3);
  }
  return {
    shape: [BATCH.size, BATCH.length],
    inputIds,
    labels: Array.from({ length: BATCH.size }, (_, row) => row % 2),
  };
}

const useBuiltPackages =
  !flag('sources') &&
  builtPackagesAreFresh(['config', 'tokenizer', 'core', 'backend-node', 'backend-wasm', 'training']);

/** A peer process: requests answered in order (IPC for Node, JSON lines for Python). */
function spawnPeer(name) {
  const pending = [];
  const settle = (reply) => pending.shift()?.(reply);
  let child;
  let send;
  if (TRAINING_PEERS[name].runtime === 'python') {
    child = spawn(pythonInterpreter(), [join(here, 'lib', 'python-training-peer.py')], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '2', PYTHONUNBUFFERED: '1' },
    });
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      buffered += text;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        settle(JSON.parse(buffered.slice(0, end)));
        buffered = buffered.slice(end + 1);
      }
    });
    send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);
  } else {
    child = fork(join(here, 'lib', 'training-peer-process.mjs'), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: [
        '--max-old-space-size=16384',
        ...(useBuiltPackages ? [] : ['--import', join(here, 'lib', 'ts-register.mjs')]),
      ],
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
    });
    child.on('message', settle);
    send = (message) => child.send(message);
  }
  child.on('exit', (code) => {
    for (const resolve of pending.splice(0)) resolve({ type: 'error', message: `peer process exited with ${code}` });
  });
  return {
    request(message) {
      return new Promise((resolve, reject) => {
        pending.push((reply) => (reply.type === 'error' ? reject(new Error(reply.message)) : resolve(reply)));
        send(message);
      });
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      send({ type: 'exit' });
      await exited;
    },
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const mib = (bytes) => bytes / 2 ** 20;

async function main() {
  if (flag('list')) {
    for (const [name, peer] of Object.entries(TRAINING_PEERS)) console.log(`${name.padEnd(24)} ${peer.label}`);
    return;
  }
  const peerNames = option('peers', null)?.split(',') ?? DEFAULT_PEERS;
  for (const name of peerNames) if (!TRAINING_PEERS[name]) throw new Error(`unknown peer ${name} (see --list)`);
  const modelDirectory = await ensureTrainingModel();
  const context = { modelDirectory, batch: makeBatch(), shape };
  log(
    `training step: ${{ base: 'albert-base-v2 shape', medium: 'MEDIUM shape', small: 'SMALL smoke-test shape' }[shape]} (V=${CONFIG.vocab_size}, E=${CONFIG.embedding_size}, H=${CONFIG.hidden_size}, L=${CONFIG.num_hidden_layers}, I=${CONFIG.intermediate_size}), batch ${BATCH.size} × ${BATCH.length}, fp32, 2 threads; ${warmup} warm-up + ${steps} timed steps per peer`,
  );
  log(
    useBuiltPackages ? 'albert-ts peers run the built packages (dist/)' : 'albert-ts peers run the TypeScript sources',
  );
  const rows = [];
  for (const name of peerNames) {
    const peer = TRAINING_PEERS[name];
    const unavailable = peer.runtime === 'python' ? pythonUnavailable(peer.pythonModules) : null;
    if (unavailable) {
      log(`${name}: skipped — ${unavailable}`);
      rows.push({ peer: name, skipped: unavailable });
      continue;
    }
    log(`${name}: ${peer.label} …`);
    const process_ = spawnPeer(name);
    try {
      const loaded = await process_.request({ type: 'load', peer: name, context });
      if (loaded.type === 'unavailable') {
        log(`${name}: skipped — ${loaded.reason}`);
        rows.push({ peer: name, skipped: loaded.reason });
        continue;
      }
      if (warmup > 0) await process_.request({ type: 'steps', count: warmup });
      const timed = await process_.request({ type: 'steps', count: steps });
      const { maxRssBytes } = await process_.request({ type: 'rss' });
      rows.push({
        peer: name,
        label: peer.label,
        loadMs: loaded.ms,
        stepMs: median(timed.ms),
        runMs: median(timed.runMs),
        optimizerMs: median(timed.optimizerMs),
        samples: timed.ms,
        losses: timed.losses,
        peakRssMiB: mib(maxRssBytes),
        ...(loaded.fedBytes === undefined
          ? {}
          : { fedMiB: mib(loaded.fedBytes), fetchedMiB: mib(loaded.fetchedBytes) }),
      });
    } catch (error) {
      log(`${name}: failed — ${error.message.split('\n')[0]}`);
      rows.push({ peer: name, failed: error.message.split('\n')[0] });
    } finally {
      await process_.close();
    }
  }
  const torch = rows.find((row) => row.peer === 'py-torch' && row.stepMs !== undefined);
  for (const row of rows) if (row.stepMs !== undefined && torch) row.vsTorch = torch.stepMs / row.stepMs;
  const result = {
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGiB: os.totalmem() / 2 ** 30,
      node: process.version,
      loadAverage: os.loadavg(),
    },
    shape,
    config: CONFIG,
    batch: BATCH,
    steps,
    warmup,
    rows,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 1));
    return;
  }
  const header = [
    'peer'.padEnd(24),
    'ms/step'.padStart(9),
    'run ms'.padStart(9),
    'optim ms'.padStart(9),
    '×torch'.padStart(7),
    'peak RSS MiB'.padStart(13),
    'fed MiB'.padStart(8),
    'fetched MiB'.padStart(12),
  ].join(' ');
  console.log(`\n${header}`);
  for (const row of rows) {
    if (row.stepMs === undefined) {
      const why = row.skipped ? `skipped: ${row.skipped}` : `failed: ${row.failed}`;
      console.log(`${row.peer.padEnd(24)} ${why.length > 150 ? `${why.slice(0, 150)}…` : why}`);
      continue;
    }
    console.log(
      [
        row.peer.padEnd(24),
        row.stepMs.toFixed(1).padStart(9),
        row.runMs.toFixed(1).padStart(9),
        row.optimizerMs.toFixed(1).padStart(9),
        (row.vsTorch === undefined ? '–' : `${row.vsTorch.toFixed(2)}×`).padStart(7),
        row.peakRssMiB.toFixed(0).padStart(13),
        (row.fedMiB === undefined ? '–' : row.fedMiB.toFixed(1)).padStart(8),
        (row.fetchedMiB === undefined ? '–' : row.fetchedMiB.toFixed(1)).padStart(12),
      ].join(' '),
    );
  }
  console.log(
    '\n×torch: PyTorch ms/step ÷ ours (above 1 = faster than PyTorch). run ms: the training graph (fused: the whole step;',
  );
  console.log(
    'PyTorch: forward + backward); optim ms: clipping + AdamW. fed/fetched: bytes crossing the runtime boundary per step.',
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

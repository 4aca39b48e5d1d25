#!/usr/bin/env node
// albert-ts benchmark: W1 (1×128), W2 (8×128), W3 (64 natural-length texts) against transformers.js,
// onnxruntime (Node and Python) and PyTorch eager on the same random-weight albert-base-v2-shaped model, in
// alternating rounds, each peer in its own process. Usage: pnpm bench [--quick] [--json] [--rounds N]
// [--peers a,b] [--no-rss] [--list] [--sources] [--setup-python] [--no-tokenizer]
// (Python peers: see bench/lib/python-peer.py)
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import {
  ensureModelDirectory,
  decodeSafetensors,
  BENCH_CONFIG,
  makeWorkloads,
  padBatches,
  forwardFlops,
} from './lib/model.mjs';
import { buildAlbertOnnx } from './lib/albert-onnx.mjs';
import { PEERS } from './lib/peers.mjs';
import { builtPackagesAreFresh, pythonInterpreter, pythonUnavailable } from './lib/bench-environment.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const cacheRoot = join(here, '.cache');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] ? argv[index + 1] : fallback;
};
const quick = flag('quick');
const json = flag('json');
const rounds = Number(option('rounds', quick ? 3 : 7));
/** --quick: the peers that answer the issue's goals, warm-up on W1 only, RSS from the run itself. */
const QUICK_PEERS = [
  'ort-node-standard',
  'py-ort-standard',
  'tjs-cpu',
  'ours-node',
  'ours-node-int8',
  'tjs-wasm',
  'ours-wasm',
  'ours-wasm-int8',
];
const tokenBudget = Number(option('token-budget', 256));
/** W1 (one forward pass) runs this many times back to back in each round; every time counts. */
const W1_REPEAT = quick ? 3 : 5;
/** Pause before each timed request, so the previous peer's spinning threads are idle again. */
const SETTLE_MS = 200;
const log = (...parts) => {
  if (!json) console.log(...parts);
  else console.error(...parts);
};

/** The fused flavour chosen from the measurements in docs/performance.md. */
const FUSED_FLAVOUR = JSON.parse(
  option('fused', '{"attention":"attention","skipLayerNorm":true,"gelu":"fast","embedLayerNorm":false}'),
);

const DEFAULT_PEERS = [
  'ort-node-standard',
  'py-ort-standard',
  'py-ort-ours',
  'py-torch',
  'tjs-cpu',
  'ours-node',
  'ours-node-plain',
  'ours-node-int8',
  'tjs-wasm',
  'ours-wasm',
  'ours-wasm-plain',
  'ours-wasm-int8',
];

async function ensureStandardExport(modelDirectory) {
  // transformers.js layout: <root>/<id>/{config.json, onnx/model.onnx}
  const root = join(cacheRoot, 'transformers');
  const id = 'albert-bench';
  const directory = join(root, id);
  const file = join(directory, 'onnx', 'model.onnx');
  const stamp = join(directory, 'bench-stamp.json');
  const source = await stat(join(modelDirectory, 'model.safetensors'));
  const expected = JSON.stringify({ modelDirectory, mtime: source.mtimeMs });
  if (!(existsSync(stamp) && (await readFile(stamp, 'utf8')) === expected)) {
    log('building the standard (layer-copied, unfused) export …');
    await mkdir(join(directory, 'onnx'), { recursive: true });
    const weights = decodeSafetensors(new Uint8Array(await readFile(join(modelDirectory, 'model.safetensors'))));
    const { bytes } = buildAlbertOnnx(weights, BENCH_CONFIG, {});
    await writeFile(file, bytes);
    await writeFile(join(directory, 'config.json'), await readFile(join(modelDirectory, 'config.json')));
    await writeFile(stamp, expected);
  }
  return {
    transformersRoot: root + '/',
    transformersModelId: id,
    standardExportPath: file,
    standardExportBytes: (await stat(file)).size,
  };
}

const useBuiltPackages =
  !flag('sources') && builtPackagesAreFresh(['config', 'tokenizer', 'core', 'backend-node', 'backend-wasm']);

/** Why a Python peer cannot run here (null when it can): interpreter and modules checked once. */
function pythonPeerUnavailable(name) {
  return pythonUnavailable(PEERS[name].pythonModules ?? []);
}

/** `pnpm bench --setup-python`: a venv under bench/.cache with the Python peers' packages. */
function setupPython() {
  const venv = join(cacheRoot, 'venv');
  const run = (command, args) => {
    log(`+ ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status})`);
  };
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), [
    'install',
    '-q',
    'onnxruntime==1.30.0',
    'numpy',
    'torch',
    'transformers',
    'safetensors',
  ]);
}

/** A child process speaking the peer protocol: a Python process for the `py-*` peers, else Node. */
function spawnPeer(name = '') {
  if (PEERS[name]?.runtime === 'python') return spawnPythonPeer();
  const child = fork(join(here, 'lib', 'peer-process.mjs'), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [
      '--max-old-space-size=8192',
      ...(useBuiltPackages ? [] : ['--import', join(here, 'lib', 'ts-register.mjs')]),
    ],
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
  });
  const pending = [];
  child.on('message', (message) => pending.shift()?.(message));
  child.on('exit', (code) => {
    for (const resolve of pending.splice(0)) resolve({ type: 'error', message: `peer process exited with ${code}` });
  });
  return {
    request(message) {
      return new Promise((resolve, reject) => {
        pending.push((reply) => (reply.type === 'error' ? reject(new Error(reply.message)) : resolve(reply)));
        child.send(message);
      });
    },
    async close() {
      child.send({ type: 'exit' });
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** The Python peer process (bench/lib/python-peer.py): the same requests as JSON lines over stdio. */
function spawnPythonPeer() {
  const child = spawn(pythonInterpreter(), [join(here, 'lib', 'python-peer.py')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '2', PYTHONUNBUFFERED: '1' },
  });
  const pending = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text) => {
    buffered += text;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      pending.shift()?.(JSON.parse(line));
    }
  });
  child.on('exit', (code) => {
    for (const resolve of pending.splice(0)) resolve({ type: 'error', message: `python peer exited with ${code}` });
  });
  const workloads = Object.fromEntries(
    Object.entries(makeWorkloads()).map(([key, w]) => [key, { sequences: w.sequences, batchSize: w.batchSize }]),
  );
  return {
    request(message) {
      return new Promise((resolve, reject) => {
        pending.push((reply) => (reply.type === 'error' ? reject(new Error(reply.message)) : resolve(reply)));
        const payload = message.type === 'load' ? { ...message, workloads } : message;
        child.stdin.write(`${JSON.stringify(payload)}\n`);
      });
    },
    async close() {
      child.stdin.end(`${JSON.stringify({ type: 'exit' })}\n`);
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
    },
  };
}

/**
 * albert-ts's node-cpu graph (shared layers stored once) as an ONNX file, for the Python onnxruntime
 * peer: the same graph and session options on both bindings isolate what the Node path costs.
 */
async function ensureOursGraph(modelDirectory) {
  const file = join(cacheRoot, 'ours-node-cpu.onnx');
  const source = await stat(join(modelDirectory, 'model.safetensors'));
  if (existsSync(file) && (await stat(file)).mtimeMs >= source.mtimeMs) return file;
  log("writing albert-ts's node-cpu graph for the Python onnxruntime peer …");
  const core = await import('@albert-ts/core');
  const { config, weights } = await core.loadPretrainedWeights(
    core.directorySource(modelDirectory),
    'AlbertForMaskedLM',
  );
  // the graph nodeBackend's CPU device gets by default (flavour auto → fused: packed-QKV Attention, FastGelu,
  // Add + LayerNormalization); python-peer.py disables SkipLayerNormFusion as nodeBackend does
  const graph = core.buildAlbertGraphChunks(config, weights, {
    head: 'AlbertForMaskedLM',
    flavour: 'fused',
    fusedAttention: 'attention',
    skipLayerNormalization: false,
  });
  await writeFile(
    file,
    Buffer.concat(graph.chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))),
  );
  return file;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const summary = (values) =>
  values.length
    ? { median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values }
    : null;

async function main() {
  if (flag('setup-python')) {
    setupPython();
    return;
  }
  if (flag('list')) {
    for (const [name, peer] of Object.entries(PEERS)) console.log(`${name.padEnd(20)} ${peer.label}`);
    return;
  }
  const started = performance.now();
  const modelDirectory = await ensureModelDirectory(cacheRoot);
  const standard = await ensureStandardExport(modelDirectory);
  const checkpointBytes = (await stat(join(modelDirectory, 'model.safetensors'))).size;
  const context = { modelDirectory, fusedFlavour: FUSED_FLAVOUR, ...standard };

  const peerNames = option('peers', null)?.split(',') ?? [...(quick ? QUICK_PEERS : DEFAULT_PEERS)];
  for (const name of peerNames) if (!PEERS[name]) throw new Error(`unknown peer ${name} (see --list)`);
  if (peerNames.includes('py-ort-ours')) context.oursGraphPath = await ensureOursGraph(modelDirectory);
  const workloads = makeWorkloads();
  const workloadNames = option('workloads', 'W1,W2,W3').split(',');

  // 1. The floor: GEMM rate, native and WASM, in its own process.
  log(
    useBuiltPackages
      ? 'albert-ts peers run the built packages (dist/)'
      : 'albert-ts peers run the TypeScript sources (no fresh `pnpm build`, or --sources)',
  );
  log('measuring the GEMM rate …');
  const gemmProcess = spawnPeer();
  const gemm = await gemmProcess.request({ type: 'gemm', quick });
  await gemmProcess.close();
  const flops = Object.fromEntries(
    workloadNames.map((name) => {
      const batches = padBatches(workloads[name].sequences, workloads[name].batchSize);
      const total = batches.reduce((sum, batch) => sum + forwardFlops(BENCH_CONFIG, batch.shape[0], batch.shape[1]), 0);
      const real = workloads[name].sequences.reduce((sum, s) => sum + forwardFlops(BENCH_CONFIG, 1, s.length), 0);
      return [name, { padded: total, real }];
    }),
  );
  const floorMs = (name, wasm) => (flops[name].real / ((wasm ? gemm.wasm : gemm.native).bestGflops * 1e9)) * 1000;

  // 2. Load every peer (each in its own process), warm up once per workload.
  const peers = [];
  for (const name of peerNames) {
    log(`loading ${name} …`);
    const unavailable = PEERS[name].runtime === 'python' ? pythonPeerUnavailable(name) : null;
    if (unavailable) {
      log(`  ${name} skipped: ${unavailable}`);
      peers.push({ name, error: `skipped: ${unavailable}`, times: {} });
      continue;
    }
    const process_ = spawnPeer(name);
    try {
      const loaded = await process_.request({ type: 'load', peer: name, context });
      for (const workload of quick ? workloadNames.slice(0, 1) : workloadNames)
        await process_.request({ type: 'run', workload, mode: 'padded' });
      peers.push({ name, process: process_, warmLoadMs: loaded.ms, firstResultMs: loaded.firstResultMs, times: {} });
    } catch (error) {
      log(`  ${name} failed: ${String(error.message).split('\n')[0]}`);
      await process_.close().catch(() => {});
      peers.push({ name, error: String(error.message).split('\n')[0], times: {} });
    }
  }
  const live = peers.filter((peer) => peer.process);
  const bucketedPeers = live.filter((peer) => peer.name.startsWith('ours') || peer.name.startsWith('lab'));

  // 3. Alternating rounds: every round runs each workload on every peer, the peer order rotating.
  const modes = [];
  for (const workload of workloadNames) {
    modes.push({ key: workload, workload, mode: 'padded', peers: live });
    if (workload === 'W3') modes.push({ key: 'W3-bucketed', workload, mode: 'bucketed', peers: bucketedPeers });
  }
  for (let round = 0; round < rounds; round += 1) {
    log(`round ${round + 1}/${rounds} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    for (const { key, workload, mode, peers: subset } of modes) {
      for (let i = 0; i < subset.length; i += 1) {
        const peer = subset[(i + round) % subset.length];
        // let the previous peer's onnxruntime threads stop spinning before this one is timed
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const { ms } = await peer.process.request({
          type: 'run',
          workload,
          mode,
          tokenBudget,
          repeat: workload === 'W1' ? W1_REPEAT : 1,
        });
        (peer.times[key] ??= []).push(...[ms].flat());
      }
    }
  }
  if (quick) {
    // --quick: peak RSS of the whole run (W3 included) and load time from the processes above.
    for (const peer of live) {
      peer.peakRssBytes = (await peer.process.request({ type: 'rss' })).maxRssBytes;
      peer.loadMs = peer.firstResultMs;
    }
  }
  for (const peer of live) await peer.process.close();
  if (!quick) {
    // The floor uses the best GEMM rate seen: measure again at the end (other load on the machine only lowers it).
    const again = spawnPeer();
    const late = await again.request({ type: 'gemm', quick });
    await again.close();
    for (const kind of ['native', 'wasm']) if (late[kind].bestGflops > gemm[kind].bestGflops) gemm[kind] = late[kind];
  }

  // 4. Memory and cold load time: a fresh process per peer loads the model (RSS after load), then runs W1, W2
  // and W3 once each, padded (peak RSS of the three in one process).
  if (!flag('no-rss') && !quick) {
    for (const peer of live) {
      log(`RSS of ${peer.name} …`);
      const process_ = spawnPeer(peer.name);
      const loaded = await process_.request({ type: 'load', peer: peer.name, context });
      peer.loadRssBytes = (await process_.request({ type: 'rss' })).rssBytes;
      for (const workload of ['W1', 'W2', 'W3']) await process_.request({ type: 'run', workload, mode: 'padded' });
      peer.loadMs = loaded.firstResultMs;
      peer.peakRssBytes = (await process_.request({ type: 'rss' })).maxRssBytes;
      await process_.close();
    }
  }

  // 5. int8 quality vs float32 (printed next to the int8 speed).
  const quality = [];
  if (!flag('no-quality') && peerNames.some((name) => name.includes('int8'))) {
    log('int8 quality …');
    const process_ = spawnPeer();
    for (const [model, runtime] of quick
      ? [['demo', 'node']]
      : [
          ['demo', 'node'],
          ['demo', 'wasm'],
          ['bench', 'node'],
        ]) {
      const measured = await process_.request({ type: 'quality', model, runtime, modelDirectory });
      quality.push({
        model: model === 'demo' ? 'demo model (apps/cli/demo-model, trained)' : 'bench model (random weights)',
        ...measured,
      });
    }
    await process_.close();
  }

  // 6. The table.
  const referenceFor = (name) => (name.includes('wasm') ? 'tjs-wasm' : 'tjs-cpu');
  const byName = Object.fromEntries(peers.map((peer) => [peer.name, peer]));
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverage: os.loadavg(),
      node: process.version,
    },
    quick,
    rounds,
    tokenBudget,
    albertTsModules: useBuiltPackages ? 'dist' : 'sources',
    config: {
      V: BENCH_CONFIG.vocab_size,
      E: BENCH_CONFIG.embedding_size,
      H: BENCH_CONFIG.hidden_size,
      L: BENCH_CONFIG.num_hidden_layers,
      heads: BENCH_CONFIG.num_attention_heads,
      I: BENCH_CONFIG.intermediate_size,
    },
    checkpointBytes,
    standardExportBytes: standard.standardExportBytes,
    fusedFlavour: FUSED_FLAVOUR,
    gemm,
    int8Quality: quality,
    workloads: Object.fromEntries(
      workloadNames.map((name) => [
        name,
        {
          description: workloads[name].description,
          gflopReal: flops[name].real / 1e9,
          gflopPadded: flops[name].padded / 1e9,
          floorNativeMs: floorMs(name, false),
          floorWasmMs: floorMs(name, true),
        },
      ]),
    ),
    peers: peers.map((peer) => {
      const wasm = peer.name.includes('wasm');
      const reference = byName[referenceFor(peer.name)];
      const results = {};
      for (const { key, workload } of modes) {
        const stats = summary(peer.times[key] ?? []);
        if (!stats) continue;
        const referenceMedian = reference?.times[workload] ? median(reference.times[workload]) : null;
        const python = byName['py-ort-standard'];
        const pythonMedian = !wasm && python?.times[workload] ? median(python.times[workload]) : null;
        results[key] = {
          ...stats,
          timesFloor: workload === 'W3' ? null : stats.median / floorMs(workload, wasm),
          speedupVsTransformersJs: referenceMedian ? referenceMedian / stats.median : null,
          speedupVsPythonOnnxruntime: pythonMedian ? pythonMedian / stats.median : null,
        };
      }
      return {
        name: peer.name,
        label: PEERS[peer.name].label,
        error: peer.error,
        loadMs: peer.loadMs,
        warmLoadMs: peer.warmLoadMs,
        loadRssBytes: peer.loadRssBytes,
        peakRssBytes: peer.peakRssBytes,
        results,
      };
    }),
    totalSeconds: (performance.now() - started) / 1000,
  };
  if (json) {
    for (const peer of result.peers) for (const r of Object.values(peer.results)) delete r.samples;
    console.log(JSON.stringify(result, null, 2));
  } else
    printTable(
      result,
      modes.map((m) => m.key),
    );
  if (!json && !quick && !flag('no-tokenizer')) tokenizerRows();
}

/**
 * The tokenizer rows (bench/tokenizer/run.mjs, 2 MB, 3 rounds) after the model table, in their own
 * process: albert-ts slow and fast against the C++ SentencePiece WASM build and @huggingface/tokenizers.
 */
function tokenizerRows() {
  log('tokenizer …');
  const child = spawnSync(
    process.execPath,
    ['--import', './bench/lib/ts-register.mjs', 'bench/tokenizer/run.mjs', '--size', '2', '--rounds', '3'],
    { cwd: join(here, '..'), encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const table = (child.stdout ?? '').split('\n').filter((line) => line.startsWith('|') || line.includes('ids'));
  if (child.status !== 0 || table.length === 0) {
    console.log(
      `\ntokenizer: skipped (${(child.stderr || child.error?.message || 'no table').trim().split('\n').at(-1)})`,
    );
    return;
  }
  console.log('\ntokenizer (bench/tokenizer/run.mjs --size 2 --rounds 3):');
  for (const line of table) console.log(line);
}

function printTable(result, keys) {
  const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  console.log(
    `\nalbert-ts bench — ${result.date} — ${result.machine.cpu}, ${result.machine.cores} cores, load avg ${result.machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}, Node ${result.machine.node}`,
  );
  console.log(
    `model: albert-base-v2 shape (random weights), checkpoint ${(result.checkpointBytes / 2 ** 20).toFixed(1)} MiB, standard export ${(result.standardExportBytes / 2 ** 20).toFixed(1)} MiB; ${result.rounds} alternating rounds${result.quick ? ' (quick)' : ''}`,
  );
  console.log(
    `GEMM (onnxruntime MatMul, best of ${Object.keys(result.gemm.native.gflopsByShape).join(', ')}): native ${result.gemm.native.bestGflops.toFixed(0)} GFLOP/s, wasm ${result.gemm.wasm.bestGflops.toFixed(0)} GFLOP/s`,
  );
  for (const [name, w] of Object.entries(result.workloads)) {
    console.log(
      `${name}: ${w.description}; ${w.gflopReal.toFixed(1)} GFLOP real (${w.gflopPadded.toFixed(1)} padded); floor ${fmt(w.floorNativeMs)} ms native, ${fmt(w.floorWasmMs)} ms wasm`,
    );
  }
  const header = [
    'peer',
    ...keys.map((k) => `${k} ms median (min–max) [×floor, ×tjs, ×py-ort]`),
    'load → first W1 result ms',
    'RSS after load MiB',
    result.quick ? 'peak RSS (whole run) MiB' : 'peak RSS W1–W3 MiB',
  ];
  const rows = result.peers.map((peer) => {
    if (peer.error) return [peer.name, `failed: ${peer.error}`];
    return [
      peer.name,
      ...keys.map((key) => {
        const r = peer.results[key];
        if (!r) return '—';
        const extra = [
          r.timesFloor ? `${r.timesFloor.toFixed(2)}×floor` : null,
          r.speedupVsTransformersJs ? `${r.speedupVsTransformersJs.toFixed(2)}× tjs` : null,
          r.speedupVsPythonOnnxruntime ? `${r.speedupVsPythonOnnxruntime.toFixed(2)}× py-ort` : null,
        ]
          .filter(Boolean)
          .join(', ');
        return `${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)})${extra ? ` [${extra}]` : ''}`;
      }),
      peer.loadMs ? fmt(peer.loadMs) : '—',
      peer.loadRssBytes ? (peer.loadRssBytes / 2 ** 20).toFixed(0) : '—',
      peer.peakRssBytes ? (peer.peakRssBytes / 2 ** 20).toFixed(0) : '—',
    ];
  });
  console.log('\n| ' + header.join(' | ') + ' |');
  console.log('|' + header.map(() => '---').join('|') + '|');
  for (const row of rows) console.log('| ' + row.join(' | ') + ' |');
  if (result.int8Quality.length > 0) {
    console.log('\nint8 quality vs float32 (dynamic int8 MatMuls, per-column weight scales), fixed text set:');
    for (const q of result.int8Quality) {
      console.log(
        `  ${q.model}, ${q.runtime}: fill-mask top-1 agreement ${(100 * q.top1Agreement).toFixed(1)}% of ${q.maskedPositions} masked positions; hidden-state cosine worst ${q.worstTokenCosine.toFixed(5)}, mean ${q.meanTokenCosine.toFixed(5)}`,
      );
    }
  }
  console.log('\npeers:');
  for (const peer of result.peers) console.log(`  ${peer.name}: ${peer.label}`);
  console.log(`\ntotal ${result.totalSeconds.toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

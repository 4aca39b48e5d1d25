#!/usr/bin/env node
// Peak RSS of one session variant in a fresh process: load (read + build + session) then W2 twice.
// Usage: node --import ./bench/lib/ts-register.mjs bench/memory.mjs [--variant NAME]   (no variant: runs all, one process each)
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ensureModelDirectory, makeWorkloads, padBatches } from './lib/model.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);
const VARIANTS = {
  'plain, default session': { flavour: 'plain', session: {} },
  'plain, prepacking off': { flavour: 'plain', session: { extra: { session: { disable_prepacking: '1' } } } },
  'plain, cpu arena off': { flavour: 'plain', session: { enableCpuMemArena: false } },
  'plain, arena + pattern off': { flavour: 'plain', session: { enableCpuMemArena: false, enableMemPattern: false } },
  'fused (core), default session': { flavour: 'fused', session: {} },
  'int8 plain, default session': { flavour: 'plain', int8: true, session: {} },
};

async function runVariant(name) {
  const { flavour, session, int8 } = VARIANTS[name];
  const core = await import('@albert-ts/core');
  const { AlbertConfig } = await import('@albert-ts/config');
  const ort = require('onnxruntime-node');
  const directory = await ensureModelDirectory(join(here, '.cache'));
  const start = performance.now();
  const config = AlbertConfig.parse(await readFile(join(directory, 'config.json'), 'utf8'));
  const stateDict = core.readSafetensors(
    new Uint8Array(await readFile(join(directory, 'model.safetensors'))),
    'model.safetensors',
  );
  const weights = core.resolveAlbertWeights(config, stateDict, 'AlbertForMaskedLM', { file: 'model.safetensors' });
  let { proto } = core.buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM', flavour });
  if (int8) proto = (await import('@albert-ts/core')).quantizeDynamicInt8(proto).model;
  const bytes = core.encodeModel(proto);
  const instance = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, interOpNumThreads: 1, ...session });
  const loadMs = performance.now() - start;
  const afterLoad = process.memoryUsage().rss;
  const [batch] = padBatches(makeWorkloads().W2.sequences, 8);
  const feeds = {
    input_ids: new ort.Tensor('int64', batch.inputIds, batch.shape),
    attention_mask: new ort.Tensor('int64', batch.attentionMask, batch.shape),
    token_type_ids: new ort.Tensor('int64', batch.tokenTypeIds, batch.shape),
    position_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: 1024 }, (_, i) => BigInt(i % 128)),
      batch.shape,
    ),
  };
  const times = [];
  for (let i = 0; i < 3; i += 1) {
    const t = performance.now();
    await instance.run(feeds);
    times.push(performance.now() - t);
  }
  return {
    name,
    modelBytes: bytes.byteLength,
    loadMs,
    rssAfterLoadMiB: afterLoad / 2 ** 20,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    w2Ms: Math.min(...times),
  };
}

const variantIndex = process.argv.indexOf('--variant');
if (variantIndex >= 0) {
  console.log(JSON.stringify(await runVariant(process.argv[variantIndex + 1])));
  process.exit(0);
}
console.log('| variant | graph MiB | load ms | RSS after load MiB | peak RSS (W2 ×3) MiB | W2 best ms |');
console.log('|---|---|---|---|---|---|');
for (const name of Object.keys(VARIANTS)) {
  const child = fork(fileURLToPath(import.meta.url), ['--variant', name], {
    execArgv: ['--import', join(here, 'lib', 'ts-register.mjs')],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await new Promise((resolve) => child.on('exit', resolve));
  const r = JSON.parse(out.trim().split('\n').pop());
  console.log(
    `| ${r.name} | ${(r.modelBytes / 2 ** 20).toFixed(1)} | ${r.loadMs.toFixed(0)} | ${r.rssAfterLoadMiB.toFixed(0)} | ${r.peakRssMiB.toFixed(0)} | ${r.w2Ms.toFixed(0)} |`,
  );
}

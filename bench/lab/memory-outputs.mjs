// Peak RSS of W2 twice in a fresh process: A default, B CPU arena off, C pre-allocated output, D both
// (docs/performance.md section 5). Run: node bench/lab/memory-outputs.mjs A|B|C|D (after `pnpm build`)
import { ensureModelDirectory } from '../lib/model.mjs';
import * as core from '@albert-ts/core';
import { AlbertConfig } from '@albert-ts/config';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const dir = (await ensureModelDirectory(new URL('../.cache/', import.meta.url).pathname)) + '/';
const v = process.argv[2] ?? 'A';
const arena = !(v === 'B' || v === 'D');
const prealloc = v === 'C' || v === 'D';
const config = AlbertConfig.parse(await readFile(dir + 'config.json', 'utf8'));
let st = core.readSafetensors(new Uint8Array(await readFile(dir + 'model.safetensors')), 'model.safetensors');
let weights = core.resolveAlbertWeights(config, st, 'AlbertForMaskedLM', { file: 'model.safetensors' });
let bytes = core.encodeModel(
  core.buildAlbertModelProto(config, weights, {
    head: 'AlbertForMaskedLM',
    flavour: 'fused',
    fusedAttention: 'attention',
    skipLayerNormalization: false,
  }).proto,
);
const s = await ort.InferenceSession.create(bytes, {
  intraOpNumThreads: 2,
  enableCpuMemArena: arena,
  extra: { optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' } },
});
bytes = null;
st = null;
weights = null;
const mk = (B) => {
  const n = B * 128;
  const t = (d) => new ort.Tensor('int64', d, [B, 128]);
  return {
    input_ids: t(BigInt64Array.from({ length: n }, (_, i) => BigInt(5 + (i % 1000)))),
    attention_mask: t(new BigInt64Array(n).fill(1n)),
    token_type_ids: t(new BigInt64Array(n)),
    position_ids: t(BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 128))),
  };
};
const out = s.outputNames[0];
const run = async (B) => {
  const feeds = mk(B);
  if (!prealloc) return (await s.run(feeds))[out].data;
  const t = new ort.Tensor('float32', new Float32Array(B * 128 * 30000), [B, 128, 30000]);
  const r = await s.run(feeds, { [out]: t });
  if (r[out].data.buffer !== t.data.buffer)
    console.log('not same buffer', r[out].data.byteOffset, r[out].data.buffer.byteLength);
  return r[out].data;
};
await run(1);
const w2 = [];
for (let i = 0; i < 2; i++) {
  const t0 = performance.now();
  const d = await run(8);
  w2.push(performance.now() - t0);
  if (i === 0 && Number.isNaN(d[5])) console.log('nan');
}
const peak = process.resourceUsage().maxRSS / 1024;
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  await run(8);
  w2.push(performance.now() - t0);
}
console.log(
  v,
  'arena',
  arena,
  'prealloc',
  prealloc,
  'peak',
  peak.toFixed(0),
  'W2 ms',
  w2.map((x) => x.toFixed(0)).join(' '),
  'rss now',
  (process.memoryUsage().rss / 2 ** 20).toFixed(0),
);

// RSS step by step: onnxruntime loaded, graph built, session, W1, W2, W2 again (docs/performance.md
// section 5). Run: node --expose-gc bench/lab/memory-timeline.mjs (NOPREPACK=1 / NOARENA=1 for variants)
import { ensureModelDirectory } from '../lib/model.mjs';
import * as core from '@albert-ts/core';
import { AlbertConfig } from '@albert-ts/config';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const mb = (l) => {
  const m = process.memoryUsage();
  console.log(
    l.padEnd(14),
    `rss ${(m.rss / 2 ** 20).toFixed(0)} ab ${(m.arrayBuffers / 2 ** 20).toFixed(0)} max ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`,
  );
};
mb('start');
const ort = require('onnxruntime-node');
mb('ort');
const dir = (await ensureModelDirectory(new URL('../.cache/', import.meta.url).pathname)) + '/';
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
mb('bytes');
const extra = { optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' } };
if (process.env.NOPREPACK) extra.session = { disable_prepacking: '1' };
const s = await ort.InferenceSession.create(bytes, {
  intraOpNumThreads: 2,
  enableCpuMemArena: !process.env.NOARENA,
  extra,
});
mb('session');
bytes = null;
st = null;
weights = null;
globalThis.gc?.();
await new Promise((r) => setTimeout(r, 20));
globalThis.gc?.();
mb('gc');
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
let r = await s.run(mk(1));
r = null;
mb('W1');
r = await s.run(mk(8));
r = null;
mb('W2');
globalThis.gc?.();
await new Promise((r) => setTimeout(r, 20));
mb('W2 gc');
r = await s.run(mk(8));
r = null;
mb('W2');
async function loop() {
  for (let i = 0; i < 3; i++) {
    const x = await s.run(mk(8));
    void x;
  }
}
await loop();
globalThis.gc?.();
await new Promise((r) => setTimeout(r, 20));
globalThis.gc?.();
mb('loop gc');
await new Promise((r) => setTimeout(r, 200));
globalThis.gc?.();
mb('later gc');

// W2 as runs of N rows written into one pre-allocated [8, 128, 30000] result vs one run: peak RSS and
// time (docs/performance.md section 5). Run: node bench/lab/memory-row-runs.mjs 0|1|2|4 (after `pnpm build`)
import { ensureModelDirectory } from '../lib/model.mjs';
// W2 as row-group runs written into one pre-allocated result (views), vs one B=8 run.
import * as core from '@albert-ts/core';
import { AlbertConfig } from '@albert-ts/config';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
const ort = createRequire(import.meta.url)('onnxruntime-node');
const dir = (await ensureModelDirectory(new URL('../.cache/', import.meta.url).pathname)) + '/';
const rows = Number(process.argv[2] ?? 0); // 0 = one run
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
  extra: { optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' } },
});
bytes = null;
st = null;
weights = null;
const V = 30000,
  S = 128;
const mk = (B, off = 0) => {
  const n = B * S;
  const t = (d) => new ort.Tensor('int64', d, [B, S]);
  return {
    input_ids: t(BigInt64Array.from({ length: n }, (_, i) => BigInt(5 + ((i + off * S) % 1000)))),
    attention_mask: t(new BigInt64Array(n).fill(1n)),
    token_type_ids: t(new BigInt64Array(n)),
    position_ids: t(BigInt64Array.from({ length: n }, (_, i) => BigInt(i % S))),
  };
};
const out = s.outputNames[0];
async function w2() {
  if (rows === 0) return (await s.run(mk(8)))[out].data;
  const result = new Float32Array(8 * S * V);
  for (let r = 0; r < 8; r += rows) {
    const view = result.subarray(r * S * V, (r + rows) * S * V);
    await s.run(mk(rows, r), { [out]: new ort.Tensor('float32', view, [rows, S, V]) });
  }
  return result;
}
await s.run(mk(1));
const ref = rows ? null : null;
const times = [];
for (let i = 0; i < 2; i++) {
  const t0 = performance.now();
  const d = await w2();
  times.push(performance.now() - t0);
  if (i === 1) console.log('check', d[12345].toFixed(5), d[8 * S * V - 7].toFixed(5));
}
const peak = process.resourceUsage().maxRSS / 1024;
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  await w2();
  times.push(performance.now() - t0);
}
console.log('rows', rows, 'peak', peak.toFixed(0), 'W2 ms', times.map((x) => x.toFixed(0)).join(' '));

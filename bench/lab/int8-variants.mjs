// int8 graph variants in one process, alternating, spinning off: as before, with the bias Add folded into
// DynamicQuantizeMatMul, and as built now (+ the MLM decoder quantized) (docs/performance.md section 4).
// Run: node bench/lab/int8-variants.mjs [model directory] (after `pnpm build`)
import { ensureModelDirectory } from '../lib/model.mjs';
import * as core from '@albert-ts/core';
import { AlbertConfig } from '@albert-ts/config';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
const ort = createRequire(import.meta.url)('onnxruntime-node');
const dir = process.argv[2] ?? (await ensureModelDirectory(new URL('../.cache/', import.meta.url).pathname));
const config = AlbertConfig.parse(await readFile(dir + '/config.json', 'utf8'));
const st = core.readSafetensors(new Uint8Array(await readFile(dir + '/model.safetensors')), 'model.safetensors');
const weights = core.resolveAlbertWeights(config, st, 'AlbertForMaskedLM', { file: 'model.safetensors' });
const V_ = config.vocabSize;
const build = (precision) =>
  core.buildAlbertModelProto(config, weights, {
    head: 'AlbertForMaskedLM',
    flavour: 'fused',
    fusedAttention: precision === 'int8' ? 'multi-head-attention' : 'attention',
    skipLayerNormalization: false,
    precision,
  }).proto;
// The int8 graph as it was (decoder table float32, bias Add after each quantized MatMul), with the bias
// fold only, and as `precision: 'int8'` builds it now (fold + quantized decoder).
const tableKept = (name) => name !== 'predictions.decoder.table';
const float32MultiHead = core.buildAlbertModelProto(config, weights, {
  head: 'AlbertForMaskedLM',
  flavour: 'fused',
  fusedAttention: 'multi-head-attention',
  skipLayerNormalization: false,
}).proto;
const variants = {
  fp32: build('float32'),
  int8before: core.quantizeDynamicInt8(float32MultiHead, { include: tableKept, foldBias: false }).model,
  int8fold: core.quantizeDynamicInt8(float32MultiHead, { include: tableKept }).model,
  int8now: build('int8'),
};
const sessions = {};
for (const [k, p] of Object.entries(variants))
  sessions[k] = await ort.InferenceSession.create(core.encodeModel(p), {
    intraOpNumThreads: 2,
    extra: {
      session: { intra_op: { allow_spinning: '0' } },
      optimization: { disable_specified_optimizers: 'SkipLayerNormFusion' },
    },
  });
const mk = (B, seed = 0) => {
  const n = B * 128;
  const t = (d) => new ort.Tensor('int64', d, [B, 128]);
  return {
    input_ids: t(BigInt64Array.from({ length: n }, (_, i) => BigInt(5 + ((i * 7 + seed) % 1000)))),
    attention_mask: t(new BigInt64Array(n).fill(1n)),
    token_type_ids: t(new BigInt64Array(n)),
    position_ids: t(BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 128))),
  };
};
const ref = await sessions.fp32.run(mk(1));
const refL = Object.values(ref)[0].data;
for (const [k, s] of Object.entries(sessions)) {
  const o = Object.values(await s.run(mk(1)))[0].data;
  let agree = 0;
  for (let p = 0; p < 128; p++) {
    let a = 0,
      b = 0;
    for (let v = 1; v < V_; v++) {
      if (o[p * V_ + v] > o[p * V_ + a]) a = v;
      if (refL[p * V_ + v] > refL[p * V_ + b]) b = v;
    }
    if (a === b) agree++;
  }
  console.log(k, 'top1 agree vs fp32', agree, '/128');
}
const times = Object.fromEntries(Object.keys(sessions).map((k) => [k, { 1: [], 8: [] }]));
for (let r = 0; r < 5; r++)
  for (const [k, s] of Object.entries(sessions))
    for (const B of [1, 1, 1, 8]) {
      const f = mk(B, r);
      const t0 = performance.now();
      await s.run(f);
      times[k][B].push(performance.now() - t0);
    }
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const [k, t] of Object.entries(times))
  console.log(
    k.padEnd(10),
    'W1',
    med(t[1]).toFixed(1),
    'W2',
    med(t[8]).toFixed(0),
    'W1 ratio',
    (med(times.fp32[1]) / med(t[1])).toFixed(2),
    'W2 ratio',
    (med(times.fp32[8]) / med(t[8])).toFixed(2),
  );

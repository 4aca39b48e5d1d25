// Fill-mask on 128 tokens with one [MASK] (albert-base-v2-shaped bench model, node-cpu, one process,
// spinning off): the full logits + top-k vs the logits of the [MASK] row only (docs/performance.md 0b').
// Run: node bench/lab/fill-mask.mjs (after `pnpm build`; the bench model is written on first use)
import { ensureModelDirectory } from '../lib/model.mjs';
import * as core from '@albert-ts/core';
import { nodeBackend } from '@albert-ts/backend-node';
const dir = (await ensureModelDirectory(new URL('../.cache/', import.meta.url).pathname)) + '/';
const model = await core.AlbertForMaskedLM.fromPretrained(dir, {
  backend: nodeBackend({ device: 'cpu', intraOpNumThreads: 2, allowSpinning: false }),
});
const ids = [2, ...Array.from({ length: 126 }, (_, i) => 10 + ((i * 37) % 20000)), 3];
ids[64] = 4;
const full = async () => {
  const { logits } = await model.forward({ inputIds: [ids] });
  return core.topKAtPositions(logits, [64], 5);
};
const pos = async () => (await core.fillMaskIds(model, ids, { maskTokenId: 4, topK: 5 })).masks;
const a = await full(),
  b = await pos();
console.log(
  'same top5',
  JSON.stringify(a[0].predictions.map((p) => p.tokenId)) === JSON.stringify(b[0].predictions.map((p) => p.tokenId)),
);
const t = { full: [], pos: [] };
for (let r = 0; r < 15; r++)
  for (const [k, f] of [
    ['full', full],
    ['pos', pos],
  ]) {
    const t0 = performance.now();
    await f();
    t[k].push(performance.now() - t0);
  }
const med = (x) => x.sort((p, q) => p - q)[x.length >> 1];
console.log(
  'fill-mask 128 tokens, 1 mask: full logits',
  med(t.full).toFixed(1),
  'ms; logitsPositions',
  med(t.pos).toFixed(1),
  'ms',
);

const tf = [],
  tp = [],
  tk = [];
for (let r = 0; r < 15; r++) {
  let t0 = performance.now();
  const { logits } = await model.forward({ inputIds: [ids] });
  tf.push(performance.now() - t0);
  t0 = performance.now();
  await model.forward({ inputIds: [ids] }, { logitsPositions: [[64]] });
  tp.push(performance.now() - t0);
  t0 = performance.now();
  core.topKAtPositions(logits, [64], 5);
  tk.push(performance.now() - t0);
}
console.log('forward full', med(tf).toFixed(1), 'forward positions', med(tp).toFixed(1), 'topK', med(tk).toFixed(1));
process.exit(0);

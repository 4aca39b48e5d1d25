// The MLM decoder alone in its candidate forms (docs/performance.md 0b).
// Run: node bench/lab/decoder.mjs [batch] [gemm-reshape,matmul-wt,matmul-aug,fusedmatmul,matmul-transpose]
import { createRequire } from 'node:module';
import { OnnxGraph } from '../lib/onnx-writer.mjs';
const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const E = 128,
  V = 30000;
const W = Float32Array.from({ length: V * E }, (_, i) => ((i * 7919) % 1000) / 50000 - 0.01);
const WT = new Float32Array(V * E);
for (let v = 0; v < V; v++) for (let e = 0; e < E; e++) WT[e * V + v] = W[v * E + e];
const bias = Float32Array.from({ length: V }, (_, i) => (i % 13) * 0.01);
function build(kind) {
  const g = new OnnxGraph('dec');
  const x = g.input('x', 'float32', ['b', 's', E]);
  const b = g.initializer('bias', 'float32', [V], bias);
  let y;
  if (kind === 'gemm-reshape' || kind === 'gemm-flat') {
    const w = g.initializer('w', 'float32', [V, E], W);
    const flat = g.node('Reshape', [x, g.ints([-1, E])]);
    const d = g.node('Gemm', [flat, w, b], { transB: 1 });
    if (kind === 'gemm-flat') {
      g.output(d, 'float32', ['bs', V]);
      g.nodes.at(-1);
      return rename(g, d);
    }
    y = g.node('Reshape', [
      d,
      g.node('Concat', [g.node('Slice', [g.node('Shape', [x]), g.ints([0]), g.ints([2])]), g.ints([V])], { axis: 0 }),
    ]);
  } else if (kind === 'matmul-wt') {
    y = g.node('Add', [g.node('MatMul', [x, g.initializer('wt', 'float32', [E, V], WT)]), b]);
  } else if (kind === 'matmul-aug') {
    const WA = new Float32Array((E + 1) * V);
    WA.set(WT);
    WA.set(bias, E * V);
    const shp = g.node('Shape', [x]);
    const ones = g.node(
      'ConstantOfShape',
      [g.node('Concat', [g.node('Slice', [shp, g.ints([0]), g.ints([2])]), g.ints([1])], { axis: 0 })],
      { value: { kind: 'tensor', dataType: 'float32', dims: [1], data: Float32Array.of(1) } },
    );
    y = g.node('MatMul', [g.node('Concat', [x, ones], { axis: 2 }), g.initializer('wa', 'float32', [E + 1, V], WA)]);
  } else if (kind === 'fusedmatmul') {
    y = g.node('Add', [
      g.node('FusedMatMul', [x, g.initializer('w', 'float32', [V, E], W)], { transB: 1 }, { domain: 'com.microsoft' }),
      b,
    ]);
  } else if (kind === 'matmul-transpose') {
    y = g.node('Add', [
      g.node('MatMul', [x, g.node('Transpose', [g.initializer('w', 'float32', [V, E], W)], { perm: [1, 0] })]),
      b,
    ]);
  }
  return rename(g, y);
}
function rename(g, y) {
  g.output(y, 'float32', ['b', 's', V]);
  return { bytes: g.toBytes(17), out: y };
}
const B = Number(process.argv[2] ?? 1);
for (const kind of (process.argv[3] ?? 'matmul-wt,matmul-aug,fusedmatmul').split(','))
  for (const pre of [false]) {
    const { bytes, out } = build(kind);
    const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
    const feeds = {
      x: new ort.Tensor(
        'float32',
        Float32Array.from({ length: B * 128 * E }, (_, i) => (i % 17) * 0.1),
        [B, 128, E],
      ),
    };
    const dims = kind === 'gemm-flat' ? [B * 128, V] : [B, 128, V];
    const fetch = () => (pre ? { [out]: new ort.Tensor('float32', new Float32Array(B * 128 * V), dims) } : undefined);
    const reuse = fetch();
    await s.run(feeds, reuse);
    const times = [];
    for (let r = 0; r < (B === 1 ? 30 : 8); r++) {
      const f = pre ? fetch() : undefined;
      const t = performance.now();
      await s.run(feeds, f);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    let reuseBest = Infinity;
    if (pre)
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        await s.run(feeds, reuse);
        reuseBest = Math.min(reuseBest, performance.now() - t);
      }
    console.log(
      `B=${B} ${kind.padEnd(17)} prealloc=${pre ? 'fresh' : 'no   '} median ${times[times.length >> 1].toFixed(2)} min ${times[0].toFixed(2)}${pre ? ' reused-buffer min ' + reuseBest.toFixed(2) : ''} rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)}`,
    );
    await s.release();
  }

// The machine's fp32 GEMM rate as onnxruntime reaches it (one MatMul node, the encoder's shapes),
// native (onnxruntime-node) and WASM (onnxruntime-web, 2 threads). The floor of a workload is its
// FLOPs divided by the best rate measured here.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dirname } from 'node:path';
import { buildMatMulOnnx } from './albert-onnx.mjs';

const require = createRequire(import.meta.url);
const M = 1024; // 8 × 128 tokens
const SHAPES = [
  [768, 768],
  [768, 3072],
  [3072, 768],
];

async function bestRate(ort, sessionOptions, repeats) {
  let best = 0;
  const rates = {};
  for (const [k, n] of SHAPES) {
    const session = await ort.InferenceSession.create(buildMatMulOnnx(k, n), sessionOptions);
    const input = new Float32Array(M * k);
    for (let i = 0; i < input.length; i += 1) input[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    const feeds = { a: new ort.Tensor('float32', input, [M, k]) };
    await session.run(feeds);
    let fastest = Infinity;
    for (let r = 0; r < repeats; r += 1) {
      const start = performance.now();
      await session.run(feeds);
      fastest = Math.min(fastest, performance.now() - start);
    }
    const rate = (2 * M * k * n) / (fastest / 1000) / 1e9;
    rates[`${M}x${k}x${n}`] = rate;
    best = Math.max(best, rate);
    await session.release?.();
  }
  return { bestGflops: best, gflopsByShape: rates };
}

/** Measures the native and WASM MatMul rates (GFLOP/s). */
export async function measureGemm({ quick = false } = {}) {
  const repeats = quick ? 8 : 20;
  const native = await bestRate(require('onnxruntime-node'), { intraOpNumThreads: 2, interOpNumThreads: 1 }, repeats);
  const webPath = require.resolve('onnxruntime-web');
  const ortWeb = await import(pathToFileURL(webPath).href);
  ortWeb.env.wasm.numThreads = 2;
  ortWeb.env.wasm.wasmPaths = pathToFileURL(dirname(webPath) + '/').href;
  const wasm = await bestRate(ortWeb, { executionProviders: ['wasm'] }, Math.ceil(repeats / 2));
  return { native, wasm };
}

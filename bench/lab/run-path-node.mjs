// One side of bench/lab/run-path.mjs: runs an ONNX MLM file on onnxruntime-node and prints per-run
// wall ms, process CPU ms, minor page faults and (with profiling) onnxruntime's own model_run ms.
// Usage: node bench/lab/run-path-node.mjs MODEL.onnx BATCH RUNS [profile] [option=value ...]
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const [model, batchText, runsText, ...rest] = process.argv.slice(2);
const profile = rest.includes('profile');
const extra = Object.fromEntries(rest.filter((a) => a.includes('=')).map((a) => a.split('=')));
const batch = Number(batchText);
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  enableProfiling: profile,
  profileFilePrefix: `/tmp/run-path-node-${process.pid}`,
  ...(extra.arena === 'off' ? { enableCpuMemArena: false } : {}),
});
const n = batch * 128;
const tensor = (data) => new ort.Tensor('int64', data, [batch, 128]);
const all = {
  input_ids: () => tensor(BigInt64Array.from({ length: n }, (_, i) => BigInt(5 + ((i * 7919) % 29000)))),
  attention_mask: () => tensor(new BigInt64Array(n).fill(1n)),
  token_type_ids: () => tensor(new BigInt64Array(n)),
  position_ids: () => tensor(BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 128))),
};
const feeds = Object.fromEntries(session.inputNames.map((name) => [name, all[name]()]));
const fetch = extra.fetch ? [extra.fetch] : undefined;
const runs = [];
for (let i = 0; i < Number(runsText) + 1; i++) {
  await new Promise((r) => setTimeout(r, 100));
  const before = process.resourceUsage();
  const start = performance.now();
  const out = fetch ? await session.run(feeds, fetch) : await session.run(feeds);
  const wall = performance.now() - start;
  const after = process.resourceUsage();
  // free=1: free each result at once (core's disposeTensor does this), as Python frees it at `del`
  if (extra.free === '1')
    for (const value of Object.values(out)) {
      const channel = new MessageChannel();
      channel.port1.postMessage(null, [value.data.buffer]);
      channel.port1.close();
      channel.port2.close();
    }
  if (i > 0)
    runs.push({
      wall,
      cpu: (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000,
      sys: (after.systemCPUTime - before.systemCPUTime) / 1000,
      faults: after.minorPageFault - before.minorPageFault,
    });
}
let modelRun = [];
if (profile) {
  await session.endProfiling();
  const prefix = `run-path-node-${process.pid}`;
  const file = `/tmp/${readdirSync('/tmp').find((name) => name.startsWith(prefix))}`;
  const events = JSON.parse(readFileSync(file, 'utf8'));
  modelRun = events
    .filter((e) => e.name === 'model_run')
    .map((e) => e.dur / 1000)
    .slice(1);
  rmSync(file);
}
console.log(JSON.stringify({ runtime: 'node', runs, modelRun, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));

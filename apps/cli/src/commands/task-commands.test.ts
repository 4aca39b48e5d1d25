import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

// Every task command on the pipeline fixtures (fixtures/pipelines: small task models + tokenizer/),
// in-process; the expected values are those of fixtures/pipelines/cases.json (Python's pipeline()).
const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const tokenizer = ['--tokenizer', 'fixtures/pipelines/tokenizer'];
const model = (name: string): string[] => ['--model', `fixtures/pipelines/${name}`, ...tokenizer];

async function run(argv: string[], stdin?: string) {
  const context = createTestContext({ cwd: repoRoot, ...(stdin === undefined ? {} : { stdin }) });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

const jsonLines = (stdout: string): unknown[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);

describe('albert task commands', () => {
  it('classify: the legacy shape, --all, --function and a pair', async () => {
    const one = await run([
      'classify',
      ...model('sequence-classification'),
      '--json',
      'I loved this library, it works well.',
    ]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual([{ label: 'negative', score: expect.closeTo(0.3993009924888611, 4) }]);
    const all = await run([
      'classify',
      ...model('sequence-classification'),
      '--all',
      'I loved this library, it works well.',
    ]);
    expect(all.stdout.trim().split('\n')).toHaveLength(3);
    const pair = await run([
      'classify',
      ...model('sequence-classification'),
      '--all',
      '--json',
      '--text-pair',
      'Water moves toward the ocean.',
      'The river flows into the sea.',
    ]);
    expect((JSON.parse(pair.stdout) as { label: string }[]).map((entry) => entry.label)).toHaveLength(3);
    const none = await run([
      'classify',
      ...model('sequence-classification'),
      '--function',
      'none',
      '--top-k',
      '2',
      '--json',
      'I loved this library, it works well.',
    ]);
    expect(JSON.parse(none.stdout)).toHaveLength(2);
  });

  it('ner: entities with --aggregation, offsets into the text', async () => {
    const { code, stdout } = await run([
      'ner',
      ...model('token-classification'),
      '--aggregation',
      'first',
      '--json',
      'Alice Smith moved from Paris to Berlin in 2019.',
    ]);
    expect(code).toBe(0);
    const entities = JSON.parse(stdout) as { entity_group: string; word: string; start: number; end: number }[];
    expect(entities[0]).toMatchObject({ entity_group: 'LOC', word: 'alice', start: 0, end: 5 });
    const text = await run([
      'ner',
      ...model('token-classification'),
      '--aggregation',
      'simple',
      'Alice Smith moved from Paris to Berlin in 2019.',
    ]);
    expect(text.stdout).toMatch(/^a +LOC +0\.69\d\d {2}\[0, 1\)$/m);
    // --stride: the whole text in overlapping windows (the text fits in one here: the same entities)
    const strided = await run([
      'ner',
      ...model('token-classification'),
      '--aggregation',
      'first',
      '--stride',
      '16',
      '--json',
      'Alice Smith moved from Paris to Berlin in 2019.',
    ]);
    expect(strided.code).toBe(0);
    expect(JSON.parse(strided.stdout)).toEqual(entities);
    const noAggregation = await run(['ner', ...model('token-classification'), '--stride', '16', 'Alice Smith moved.']);
    expect(noAggregation.code).toBe(1);
    expect(noAggregation.stderr).toMatch(/PIPELINE_INVALID_OPTION/);
  });

  it('qa: question and context arguments, --top-k, --impossible; a question too long for --max-seq-len is a typed error', async () => {
    const context = 'The river starts in the mountains and flows into the sea near the old city.';
    const { code, stdout } = await run([
      'qa',
      ...model('question-answering'),
      '--json',
      '--impossible',
      'Where does the river flow?',
      context,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      start: 0,
      end: 43,
      answer: 'The river starts in the mountains and flows',
    });
    const three = await run([
      'qa',
      ...model('question-answering'),
      '--top-k',
      '3',
      'Where does the river flow?',
      context,
    ]);
    expect(three.stdout.trim().split('\n')).toHaveLength(3);
    const tooLong = await run([
      'qa',
      ...model('question-answering'),
      '--max-seq-len',
      '8',
      'Where does the river flow to, in the end?',
      context,
    ]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/PIPELINE_QUESTION_TOO_LONG/);
  });

  it("embed: Python's [1, tokens, hidden] by default, pooled and normalized on request", async () => {
    const features = await run(['embed', ...model('feature-extraction'), '--json', 'Hello world.']);
    expect(features.code).toBe(0);
    const nested = JSON.parse(features.stdout) as number[][][];
    expect(nested[0]?.[0]?.[0]).toBeCloseTo(1.5515965223312378, 4);
    const pooled = await run([
      'embed',
      ...model('feature-extraction'),
      '--pooling',
      'mean',
      '--normalize',
      '--json',
      'Hello world.',
    ]);
    const vector = (JSON.parse(pooled.stdout) as number[][])[0] as number[];
    expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
    const text = await run(['embed', ...model('feature-extraction'), 'Hello world.']);
    expect(text.stdout).toMatch(/^\[1, \d+, 32\] {2}first token: \[1\.5516/);
  });

  it('zero-shot: --labels, --multi-label, --template; JSON Lines input with its own labels', async () => {
    const { code, stdout } = await run([
      'zero-shot',
      ...model('nli'),
      '--labels',
      'software,cooking,sports',
      '--json',
      'The server crashed after the update.',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      sequence: 'The server crashed after the update.',
      labels: ['cooking', 'sports', 'software'],
    });
    const stdin = `${JSON.stringify({ sequences: 'He scored two goals in the final.', candidate_labels: ['sports', 'politics'] })}\n`;
    const lines = await run(['zero-shot', ...model('nli'), '--json', '--multi-label', '--input', '-'], stdin);
    expect(lines.code).toBe(0);
    expect((jsonLines(lines.stdout)[0] as { labels: string[] }).labels.sort()).toEqual(['politics', 'sports']);
    expect((await run(['zero-shot', ...model('nli'), 'No labels.'])).code).toBe(2);
  });

  it("choose: a model without the multiple-choice head gets one initialized, with HF's warning", async () => {
    const { code, stdout, stderr } = await run([
      'choose',
      ...model('feature-extraction'),
      '--json',
      'The river flows into',
      'the sea.',
      'a table.',
      'the function.',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /warning: Some weights of AlbertForMultipleChoice were not initialized from the model checkpoint at .* and are newly initialized: \['classifier\.bias', 'classifier\.weight'\]\nYou should probably TRAIN this model/,
    );
    const ranked = JSON.parse(stdout) as { choice: string; index: number; score: number }[];
    expect(ranked.map((entry) => entry.index).sort()).toEqual([0, 1, 2]);
    expect(ranked.reduce((total, entry) => total + entry.score, 0)).toBeCloseTo(1, 6);
  });

  it("sentence-order: the demo model's SOP head by default", async () => {
    const { code, stdout } = await run([
      'sentence-order',
      '--json',
      'The river starts in the mountains.',
      'Then it flows into the sea.',
    ]);
    expect(code).toBe(0);
    const scores = JSON.parse(stdout) as { label: string; score: number }[];
    expect(scores.map((entry) => entry.label).sort()).toEqual(['in_order', 'swapped']);
    expect((await run(['sentence-order', 'only one'])).code).toBe(2);
  });

  it('reads --input FILE in batches and streams one line per input', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'albert-cli-'));
    const file = join(directory, 'texts.jsonl');
    writeFileSync(
      file,
      Array.from({ length: 5 }, (_, index) => JSON.stringify(`Text number ${index} is here.`)).join('\n'),
    );
    const { code, stdout } = await run([
      'classify',
      ...model('sequence-classification'),
      '--json',
      '--batch-size',
      '2',
      '--input',
      file,
    ]);
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toHaveLength(5);
    expect((await run(['classify', ...model('sequence-classification'), '--input', file, 'and a text'])).code).toBe(2);
  });

  it("draws a progress bar for a file on a terminal's stderr, none with --json", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'albert-cli-'));
    const file = join(directory, 'texts.jsonl');
    writeFileSync(file, Array.from({ length: 3 }, (_, index) => JSON.stringify(`Text number ${index}.`)).join('\n'));
    const tty = async (argv: string[]) => {
      const base = createTestContext({ cwd: repoRoot });
      let stderr = '';
      const context = { ...base, stderr: { write: (text: string) => (stderr += text), isTTY: true, columns: 100 } };
      const code = await runCli(argv, context, commands);
      return { code, stdout: base.output(), stderr };
    };
    const shown = await tty(['embed', '--pooling', 'cls', '--input', file]);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/texts\.jsonl/);
    expect(shown.stderr).toMatch(/\r3 inputs\x1b\[K\n$/);
    const quiet = await tty(['embed', '--pooling', 'cls', '--json', '--input', file]);
    expect(quiet.stderr).toBe('');
    expect(jsonLines(quiet.stdout)).toHaveLength(3);
  });

  it('needs --model for the heads the demo model does not have', async () => {
    const { code, stderr } = await run(['classify', 'a text']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/classify needs --model/);
  });
});

describe('albert verify-pipelines', () => {
  it('passes every shared case and prints { total, passed, failed }', async () => {
    const { code, stdout, stderr } = await run(['verify-pipelines', 'fixtures/pipelines/cases.json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ backend: 'node-cpu', total: 64, passed: 64, failed: 0 });
  });

  it('prints a diff per failure and exits 1', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'albert-cases-'));
    const cases = {
      format_version: 1,
      cases: [
        {
          id: 'wrong',
          task: 'fill-mask',
          model: 'demo',
          tokenizer: 'slow',
          inputs: 'Python is a [MASK] language.',
          options: { top_k: 1 },
          expected: [{ score: 0.5, token: 8, token_str: 'a', sequence: 'python is a a language.' }],
        },
      ],
    };
    writeFileSync(join(directory, 'cases.json'), JSON.stringify(cases));
    const { code, stdout, stderr } = await run(['verify-pipelines', join(directory, 'cases.json')]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ backend: 'node-cpu', total: 1, passed: 0, failed: 1 });
    expect(stderr).toMatch(/FAIL wrong \(fill-mask, node-cpu\):\n {2}\$\[0\]\.score: expected 0\.5, got 0\.06/);
  });
});

const builtMain = resolve(repoRoot, 'apps/cli/dist/main.js');
const notBuilt = !existsSync(builtMain);
if (notBuilt)
  console.log(`skipping the spawned long-argument test: ${builtMain} does not exist (run pnpm build first)`);

describe('albert with a long argument (spawned)', () => {
  it.skipIf(notBuilt)('refuses it before onnxruntime is loaded, pointing to --input', () => {
    const result = spawnSync(process.execPath, ['--trace-warnings', builtMain, 'classify', 'x'.repeat(40_000)], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error \[CLI_ARGUMENT_TOO_LONG\]: argument 2 is 40000 bytes.*--input/);
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const expected = JSON.parse(readFileSync(resolve(repoRoot, 'apps/cli/demo-model/expected.json'), 'utf8')) as {
  cases: { text: string; input_ids: number[]; masks: { top_ids: number[]; top_scores: number[] }[] }[];
};

async function run(argv: string[], stdin?: string) {
  const context = createTestContext({ cwd: repoRoot, ...(stdin === undefined ? {} : { stdin }) });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

describe('albert fill-mask', () => {
  it("runs the embedded demo model by default: --json is Python's fill-mask output, matching expected.json", async () => {
    const testCase = expected.cases[0];
    if (testCase === undefined) throw new Error('expected.json has no case');
    const { code, stdout, stderr } = await run(['fill-mask', '--json', testCase.text]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { token: number; score: number; token_str: string; sequence: string }[];
    expect(Object.keys(result[0] ?? {})).toEqual(['score', 'token', 'token_str', 'sequence']);
    expect(result.map((prediction) => prediction.token)).toEqual(testCase.masks[0]?.top_ids);
    result.forEach((prediction, rank) =>
      expect(Math.abs(prediction.score - (testCase.masks[0]?.top_scores[rank] as number))).toBeLessThanOrEqual(1e-4),
    );
  });

  it('prints a readable table with --top-k and --targets', async () => {
    const { code, stdout } = await run(['fill-mask', '--top-k', '3', 'Python is a [MASK] language.']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(3);
    expect(stdout).toMatch(/^ {2}a +0\.06\d\d {2}python is a a language\.$/m);
    const targets = await run(['fill-mask', '--targets', 'sea,city', '--json', 'The river flows into the [MASK].']);
    expect((JSON.parse(targets.stdout) as { token_str: string }[]).map((entry) => entry.token_str).sort()).toEqual([
      'city',
      'sea',
    ]);
  });

  it('streams one JSON line per input from --input - (JSON Lines on standard input)', async () => {
    const stdin = `${JSON.stringify('Python is a [MASK] language.')}\n\n${JSON.stringify({ text: 'The [MASK] flows.' })}\n`;
    const { code, stdout } = await run(['fill-mask', '--json', '--top-k', '1', '--input', '-'], stdin);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { token: number }[]);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.[0]?.token).toBe(8);
  });

  it('explains a text without [MASK], an empty text and a bad input line as typed errors', async () => {
    expect((await run(['fill-mask', 'no mask here'])).stderr).toMatch(/PIPELINE_NO_MASK_TOKEN/);
    expect((await run(['fill-mask', ''])).stderr).toMatch(/PIPELINE_EMPTY_INPUT/);
    const bad = await run(['fill-mask', '--input', '-'], 'not json\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/CLI_INPUT_INVALID.*standard input line 1/);
  });

  it('accepts a model directory relative to the working directory, and names a missing one', async () => {
    const ok = await run([
      'fill-mask',
      '--model',
      'apps/cli/demo-model',
      '--top-k',
      '1',
      '--json',
      'Python is a [MASK] language.',
    ]);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { token: number }[])[0]?.token).toBe(8);
    const missing = await run(['fill-mask', '--model', './no-such-model', 'a [MASK]']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-model/);
  });

  it('refuses a text argument of 16 KB or more, pointing to --input', async () => {
    const { code, stderr } = await run(['fill-mask', `${'word '.repeat(4000)}[MASK]`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/CLI_ARGUMENT_TOO_LONG.*--input/);
  });
});

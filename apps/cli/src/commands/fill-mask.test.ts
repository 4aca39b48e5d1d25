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

async function run(argv: string[]) {
  const context = createTestContext({ cwd: repoRoot });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

describe('albert fill-mask', () => {
  it('runs the embedded demo model by default and matches expected.json', async () => {
    const testCase = expected.cases[0];
    if (testCase === undefined) throw new Error('expected.json has no case');
    const { code, stdout, stderr } = await run(['fill-mask', '--json', testCase.text]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { backend: string; inputIds: number[]; masks: { predictions: { tokenId: number; score: number }[] }[] };
    expect(result.backend).toBe('node-cpu');
    expect(result.inputIds).toEqual(testCase.input_ids);
    expect(result.masks[0]?.predictions.map((prediction) => prediction.tokenId)).toEqual(testCase.masks[0]?.top_ids);
    result.masks[0]?.predictions.forEach((prediction, rank) => expect(Math.abs(prediction.score - (testCase.masks[0]?.top_scores[rank] as number))).toBeLessThanOrEqual(1e-4));
  });

  it('prints a table with --top-k', async () => {
    const { code, stdout } = await run(['fill-mask', '--top-k', '3', 'Python is a [MASK] language.']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[MASK\] 1 \(token 4\):\n {2}▁a +0\.064/);
    expect(stdout.trim().split('\n')).toHaveLength(4);
  });

  it('explains a text without [MASK] as a typed error', async () => {
    const { code, stderr } = await run(['fill-mask', 'no mask here']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/INPUT_NO_MASK_TOKEN/);
  });

  it('accepts a model directory relative to the working directory, and names a missing one', async () => {
    const ok = await run(['fill-mask', '--model', 'apps/cli/demo-model', '--top-k', '1', '--json', 'Python is a [MASK] language.']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { masks: { predictions: { tokenId: number }[] }[] }).masks[0]?.predictions[0]?.tokenId).toBe(8);
    const missing = await run(['fill-mask', '--model', './no-such-model', 'a [MASK]']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-model/);
  });
});

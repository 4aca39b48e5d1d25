import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

async function run(argv: string[]) {
  const context = createTestContext({ cwd: repoRoot });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

describe('albert verify', () => {
  it('passes every head and output of the tiny fixture on node-cpu', async () => {
    const { code, stdout, stderr } = await run(['verify', 'fixtures/models/tiny']);
    expect(stderr).not.toMatch(/failed/);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { passed: boolean; backends: { heads: Record<string, { status: string; outputs: Record<string, { maxAbsDiff: number; pass: boolean }> }> }[] };
    expect(report.passed).toBe(true);
    const heads = report.backends[0]?.heads ?? {};
    expect(Object.keys(heads)).toHaveLength(8);
    expect(heads['AlbertModel']?.outputs['attentions']?.pass).toBe(true);
    expect(heads['AlbertForPreTraining']?.outputs['loss']?.maxAbsDiff).toBeLessThan(1e-4);
  });

  it('runs the heads a bare checkpoint supports with --cases and skips the others', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-verify-'));
    try {
      for (const file of ['config.json', 'model.safetensors']) await copyFile(join(repoRoot, 'fixtures/models/tiny', file), join(directory, file));
      const { code, stdout } = await run(['verify', directory, '--cases', 'fixtures/models/tiny/cases.json']);
      const report = JSON.parse(stdout) as { passed: boolean; backends: { heads: Record<string, { status: string }> }[] };
      const heads = report.backends[0]?.heads ?? {};
      expect(heads['AlbertForPreTraining']?.status).toBe('passed');
      expect(heads['AlbertModel']?.status).toBe('passed');
      expect(heads['AlbertForMaskedLM']?.status).toBe('passed');
      expect(heads['AlbertForQuestionAnswering']?.status).toBe('skipped');
      expect(code).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('fails with a non-zero exit code when an output is off', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-verify-'));
    try {
      // relu-relkey's weights checked against tiny's cases: same shapes, another model → outputs differ
      for (const file of ['config.json', 'model.safetensors']) await copyFile(join(repoRoot, 'fixtures/models/relu-relkey', file), join(directory, file));
      const { code, stdout } = await run(['verify', directory, '--cases', 'fixtures/models/tiny/cases.json', '--checkpoint', 'AlbertModel']);
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as { passed: boolean };
      expect(report.passed).toBe(false);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('names a missing cases.json', async () => {
    const { code, stderr } = await run(['verify', 'apps/cli/demo-model']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/VERIFY_CASES_NOT_FOUND.*cases\.json/);
  });

  it('reports an unknown backend as a typed error', async () => {
    const { code, stderr } = await run(['verify', 'fixtures/models/tiny', '--backend', 'node-tpu']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/BACKEND_UNKNOWN_NAME/);
  });
});

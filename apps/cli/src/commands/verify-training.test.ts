import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
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

describe('albert verify-training', () => {
  it('passes every head of the tiny training fixture on node-cpu and node-wasm', async () => {
    const { code, stdout, stderr } = await run([
      'verify-training',
      'fixtures/models/tiny',
      'fixtures/training/tiny',
      '--backend',
      'node-cpu,node-wasm',
    ]);
    expect(stderr).not.toMatch(/FAIL/);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      passed: boolean;
      backends: { backend: string; heads: { head: string; maxGradDiff: number; pass: boolean }[] }[];
    };
    expect(report.backends.map((backend) => backend.backend)).toEqual(['node-cpu', 'wasm']);
    expect(report.backends[0]?.heads).toHaveLength(8);
    expect(report.backends.every((backend) => backend.heads.every((head) => head.pass))).toBe(true);
  });

  it('fails with exit code 1 when a reference differs', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-verify-training-'));
    try {
      await cp(join(repoRoot, 'fixtures/training/tiny'), directory, { recursive: true });
      const fixture = JSON.parse(await readFile(join(directory, 'training.json'), 'utf8')) as {
        heads: Record<string, { loss: number }>;
      };
      (fixture.heads['AlbertForMaskedLM'] as { loss: number }).loss += 0.01;
      await writeFile(join(directory, 'training.json'), JSON.stringify(fixture));
      const { code, stderr } = await run([
        'verify-training',
        'fixtures/models/tiny',
        directory,
        '--head',
        'AlbertForMaskedLM',
      ]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/AlbertForMaskedLM: FAIL/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('names a missing training.json', async () => {
    const { code, stderr } = await run(['verify-training', 'fixtures/models/tiny', 'fixtures/models/tiny']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/training\.json/);
  });
});

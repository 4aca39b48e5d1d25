import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const albertDirectory = resolve(repoRoot, '../shared/third-party/tokenizers/albert-base-v2');
const haveAlbert = existsSync(albertDirectory);
if (!haveAlbert) console.warn(`skipping verify-tokenizer tests on albert-base-v2: ${albertDirectory} is absent`);
const casesFile = 'fixtures/tokenizers/cases-albert-base-v2.json';

async function run(argv: string[]) {
  const context = createTestContext({ cwd: repoRoot });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

describe('albert verify-tokenizer', () => {
  it.skipIf(!haveAlbert)(
    'passes every fast_converted case (and the slow fields, with the spiece.model beside it)',
    async () => {
      const { code, stdout, stderr } = await run([
        'verify-tokenizer',
        casesFile,
        '--vocab',
        resolve(albertDirectory, 'tokenizer.converted.json'),
      ]);
      const result = JSON.parse(stdout) as { total: number; passed: number; failed: string[] };
      expect(stderr).toMatch(/fast_converted\.offsets 473\/473/);
      expect(result.total).toBe(640);
      expect(result.failed).toEqual([]);
      expect(result.passed).toBe(640);
      expect(code).toBe(0);
    },
    120_000,
  );

  it.skipIf(!haveAlbert)('exits non-zero and lists the failing ids when outputs differ', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'verify-tokenizer-'));
    const cases = {
      configs: { default: {} },
      cases: [
        { id: 'good', kind: 'single', config: 'default', text: 'hello', fast: { ids: [10975] } },
        { id: 'bad', kind: 'single', config: 'default', text: 'hello', fast: { ids: [1] } },
      ],
    };
    writeFileSync(join(directory, 'cases.json'), JSON.stringify(cases));
    const context = createTestContext({ cwd: directory });
    // A tokenizer.json in a directory without spiece.model: fast fields only.
    writeFileSync(
      join(directory, 'tokenizer.json'),
      await (await import('node:fs/promises')).readFile(join(albertDirectory, 'tokenizer.json'), 'utf8'),
    );
    const code = await runCli(['verify-tokenizer', 'cases.json', '--vocab', 'tokenizer.json'], context, commands);
    expect(JSON.parse(context.output())).toEqual({ total: 2, passed: 1, failed: ['bad'] });
    expect(code).toBe(1);
  });

  it('needs --vocab', async () => {
    const { code, stderr } = await run(['verify-tokenizer', casesFile]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--vocab/);
  });

  it('reports an unreadable case file as a typed error', async () => {
    const { code, stderr } = await run(['verify-tokenizer', 'no-such-cases.json', '--vocab', 'x.model']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/error \[TOKENIZER_FILE_NOT_FOUND\]: no-such-cases\.json/);
  });
});

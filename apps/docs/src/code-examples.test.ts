import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every TypeScript/JavaScript example on the site (the root README, docs/*.md and the package READMEs that
// typedoc shows) runs here, in Node, from the workspace sources, with `./demo-model` as the current
// directory's model. An example that cannot run in Node says why right above it:
//   <!-- example: not run (the reason) -->
// and is reported as skipped with that reason; every other block must run and exit with code 0.
const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const docsDirectory = resolve(repositoryRoot, 'apps/docs');
const sources = [
  'README.md',
  ...readdirSync(resolve(repositoryRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(resolve(repositoryRoot, 'packages')).map((name) => `packages/${name}/README.md`),
  'apps/cli/README.md',
].filter((file) => {
  try {
    readFileSync(resolve(repositoryRoot, file));
    return true;
  } catch {
    return false;
  }
});

interface Example {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  /** Why it is not run, when it is not. */
  readonly notRun?: string;
}

function examplesOf(file: string): Example[] {
  const lines = readFileSync(resolve(repositoryRoot, file), 'utf8').split('\n');
  const examples: Example[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    if (!/^```(ts|typescript|js|javascript)\s*$/.test(lines[index] ?? '')) continue;
    const start = index;
    let end = index + 1;
    while (end < lines.length && lines[end] !== '```') end += 1;
    let previous = start - 1;
    while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous -= 1;
    const previousLine = (lines[previous] ?? '').trim();
    const marker = /^<!-- example: not run \((.+)\) -->$/.exec(previousLine);
    // `<!-- example -->` marks the task guides' examples that apps/cli/src/docs-examples.test.ts runs
    // against the fixture models and compares with the output printed below them.
    const runByCli =
      previousLine === '<!-- example -->' ? 'run with its printed output by apps/cli docs-examples' : undefined;
    const notRun = marker?.[1] ?? runByCli;
    examples.push({
      file,
      line: start + 1,
      code: lines.slice(start + 1, end).join('\n'),
      ...(notRun === undefined ? {} : { notRun }),
    });
    index = end;
  }
  return examples;
}

const examples = sources.flatMap(examplesOf);
const scratch = resolve(docsDirectory, 'node_modules/.cache/code-examples');
const workDirectory = mkdtempSync(join(tmpdir(), 'albert-examples-'));
symlinkSync(resolve(repositoryRoot, 'apps/cli/demo-model'), join(workDirectory, 'demo-model'));
afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

/**
 * Runs every runnable example in one Node process (the sources are transpiled once), one after the other:
 * each is a module imported in turn; the runner prints one result line per example.
 */
function runAll(runnable: readonly Example[]): Promise<Map<number, { ok: boolean; error?: string }>> {
  mkdirSync(scratch, { recursive: true });
  const files = runnable.map((example, index) => {
    const file = join(scratch, `example-${index}.ts`);
    writeFileSync(file, `${example.code}\nexport {};\n`);
    return file;
  });
  const runner = join(scratch, 'run-examples.mjs');
  writeFileSync(
    runner,
    `const files = ${JSON.stringify(files)};\n` +
      'for (const [index, file] of files.entries()) {\n' +
      '  try { await import(file); console.log(`@@example ${index} ok`); }\n' +
      '  catch (error) { console.log(`@@example ${index} failed ${JSON.stringify(String(error?.stack ?? error))}`); }\n' +
      '}\n',
  );
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@albert-ts/source', '--import', resolve(repositoryRoot, 'scripts/source-loader.mjs'), runner],
      {
        cwd: workDirectory,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      const results = new Map<number, { ok: boolean; error?: string }>();
      for (const match of output.matchAll(/^@@example (\d+) (ok|failed)(?: (.*))?$/gm)) {
        results.set(
          Number(match[1]),
          match[2] === 'ok' ? { ok: true } : { ok: false, error: JSON.parse(match[3] ?? '""') as string },
        );
      }
      if (results.size < files.length) {
        results.set(-1, {
          ok: false,
          error: `the runner exited with code ${code} after ${results.size} of ${files.length} examples:\n${output}`,
        });
      }
      resolvePromise(results);
    });
  });
}

describe('code examples of the site', () => {
  const runnable = examples.filter((example) => example.notRun === undefined);
  let results: Map<number, { ok: boolean; error?: string }> | undefined;
  const resultOf = async (index: number) => {
    results ??= await runAll(runnable);
    expect(results.get(-1)?.error).toBeUndefined();
    return results.get(index);
  };

  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(10);
  });
  for (const example of examples) {
    const title = `${relative(repositoryRoot, resolve(repositoryRoot, example.file))}:${example.line}`;
    if (example.notRun !== undefined) {
      it.skip(`${title} (not run: ${example.notRun})`, () => undefined);
      continue;
    }
    it(`${title} runs`, async () => {
      const result = await resultOf(runnable.indexOf(example));
      expect(result?.error).toBeUndefined();
      expect(result?.ok).toBe(true);
    });
  }
});

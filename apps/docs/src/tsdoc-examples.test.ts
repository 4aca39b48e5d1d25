import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every `@example` of the API reference that imports from a package (a whole program, not a fragment) is
// type-checked here against the workspace sources, as a user's TypeScript file: the examples load models from
// the Hub, from URLs or on a GPU, so they are compiled rather than run (the guides' examples run in
// code-examples.test.ts). A renamed option or method fails this test instead of going stale on the site.
const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const scratch = resolve(repositoryRoot, 'apps/docs/node_modules/.cache/tsdoc-examples');

interface TsdocExample {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$|^test-/.test(entry.name) ? [path] : [];
  });
}

function examplesOf(file: string): TsdocExample[] {
  const text = readFileSync(file, 'utf8');
  const examples: TsdocExample[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    if (!comment[0].includes('@example')) continue;
    const body = comment[0]
      .split('\n')
      .map((line) => line.replace(/^\s*\/?\*+\/?\s?/, ''))
      .join('\n');
    for (const example of body.matchAll(/@example\s*\n```(?:ts|typescript)\n([\s\S]*?)\n```/g)) {
      const code = example[1] ?? '';
      if (!/^import /m.test(code)) continue;
      const line = text.slice(0, comment.index).split('\n').length;
      examples.push({ file: relative(repositoryRoot, file), line, code });
    }
  }
  return examples;
}

const packagesDirectory = resolve(repositoryRoot, 'packages');
const examples = readdirSync(packagesDirectory)
  .filter((name) => name !== 'testing')
  .flatMap((name) => sourceFiles(join(packagesDirectory, name, 'src')))
  .flatMap(examplesOf);

function typeCheck(): Promise<{ code: number | null; output: string }> {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  examples.forEach((example, index) =>
    writeFileSync(
      join(scratch, `example-${index}.ts`),
      `// ${example.file}:${example.line}\n${example.code}\nexport {};\n`,
    ),
  );
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({
      extends: relative(scratch, resolve(repositoryRoot, 'tsconfig.base.json')),
      compilerOptions: { noEmit: true, declaration: false, declarationMap: false, sourceMap: false },
      include: ['*.ts'],
    }),
  );
  const tsc = createRequire(resolve(repositoryRoot, 'package.json')).resolve('typescript/bin/tsc');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', join(scratch, 'tsconfig.json')], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

describe('TSDoc examples of the API reference', () => {
  it('finds the examples of the main classes and functions', () => {
    expect(examples.length).toBeGreaterThan(30);
    const files = new Set(examples.map((example) => example.file));
    for (const file of [
      'packages/core/src/model/albert-for-masked-lm.ts',
      'packages/tokenizer/src/load-tokenizer.ts',
      'packages/backend-wasm/src/wasm-asset-urls.ts',
      'packages/albert-ts/src/device-models.ts',
    ]) {
      expect(files.has(file), file).toBe(true);
    }
  });

  it('type-check against the workspace sources', async () => {
    const { code, output } = await typeCheck();
    // Name each failing example by its source file and line (the first line of every scratch file).
    const failures = [...output.matchAll(/example-(\d+)\.ts\((\d+),\d+\): (.*)/g)].map((match) => {
      const example = examples[Number(match[1])];
      return `${example?.file}:${example?.line} (+${Number(match[2]) - 1}): ${match[3]}`;
    });
    expect(failures).toEqual([]);
    expect(code, output).toBe(0);
  }, 300_000);
});

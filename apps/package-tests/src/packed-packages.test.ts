import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserProjectEnabled,
  chromiumArguments,
  chromiumPath,
} from '../../../packages/backend-wasm/vitest.browser.ts';

// The published packages as a user gets them: `pnpm pack` every package, install the tarballs with plain
// npm into a fresh project outside the workspace (onnxruntime-node's install script skipped as the READMEs
// say), then run a task from ESM, TypeScript (the minimum version the READMEs state), CommonJS and the CLI,
// each process timed from its last line to its exit; bundle a browser app with Vite, webpack and esbuild and
// run it in Chromium; publint and attw (ESM-only profile) on every tarball. Needs `pnpm build` first and
// the npm registry (or npm's cache); without them it is skipped with the reason.
const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const consumerTemplate = resolve(repositoryRoot, 'apps/package-tests/consumer');
const PUBLISHED = [
  'packages/config',
  'packages/tokenizer',
  'packages/core',
  'packages/pipelines',
  'packages/backend-node',
  'packages/backend-wasm',
  'packages/backend-webgpu',
  'packages/training',
  'packages/albert-ts',
  'apps/cli',
] as const;
/** Tools the consumer project installs from the npm registry (pinned; TypeScript at the stated minimum). */
const CONSUMER_TOOLS: Record<string, string> = {
  typescript: '5.7.3',
  '@types/node': '20.19.43',
  vite: '8.3.8',
  webpack: '5.113.0',
  esbuild: '0.28.2',
  publint: '0.3.25',
  '@arethetypeswrong/cli': '0.18.5',
};
const BUNDLERS = ['vite', 'webpack', 'esbuild'] as const;

const unbuilt = PUBLISHED.filter((directory) => !existsSync(resolve(repositoryRoot, directory, 'dist/index.js')));
const skipReason =
  unbuilt.length > 0 ? `the packages are not built (${unbuilt.join(', ')}): run pnpm build first` : undefined;
if (skipReason !== undefined) console.warn(`packed-package tests skipped: ${skipReason}`);

interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Seconds between the last output line and the exit. */
  readonly secondsAfterOutput: number;
}

function run(
  command: string,
  argumentsList: readonly string[],
  cwd: string,
  limitMs = 300_000,
  environment: NodeJS.ProcessEnv = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, argumentsList, {
      cwd,
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let lastOutputAt = performance.now();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      lastOutputAt = performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr, secondsAfterOutput: (performance.now() - lastOutputAt) / 1000 });
    });
  });
}

function directorySize(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((total, name) => total + directorySize(join(path, name)), 0);
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves `directory` (and the demo model at /demo-model/) on 127.0.0.1 with cross-origin isolation headers. */
function serve(directory: string, demoModel: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')).replace(/^(\.\.[/\\])+/, '');
    const file = path.startsWith('/demo-model/')
      ? join(demoModel, path.slice('/demo-model/'.length))
      : join(directory, path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolvePromise) =>
    server.listen(0, '127.0.0.1', () =>
      resolvePromise({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` }),
    ),
  );
}

describe.skipIf(skipReason !== undefined)('the packed packages, installed with npm in a fresh project', () => {
  let work = '';
  let project = '';
  const tarballs = new Map<string, string>();
  const report: Record<string, unknown> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'albert-packed-'));
    const tarballDirectory = join(work, 'tarballs');
    const packed = await Promise.all(
      PUBLISHED.map((directory) =>
        run(
          'pnpm',
          ['pack', '--json', '--pack-destination', tarballDirectory],
          resolve(repositoryRoot, directory),
          120_000,
        ),
      ),
    );
    for (const [index, result] of packed.entries()) {
      expect(result.code, `${PUBLISHED[index]}: ${result.stderr}`).toBe(0);
      const { name, filename } = JSON.parse(result.stdout) as { name: string; filename: string };
      tarballs.set(name, resolve(tarballDirectory, filename));
    }
    project = join(work, 'project');
    cpSync(consumerTemplate, project, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
    manifest.dependencies = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
    manifest.devDependencies = CONSUMER_TOOLS;
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    // The documented install: onnxruntime-node's CUDA download skipped (npm 11 also asks before running install scripts).
    const installed = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--onnxruntime-node-install=skip'],
      project,
      600_000,
    );
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
  });

  afterAll(() => {
    console.log(`packed packages report: ${JSON.stringify(report, null, 2)}`);
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('every tarball holds LICENSE, README.md and dist, and no test file', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, file] of tarballs) {
      const listing = await run('tar', ['-tzf', file], work);
      const entries = listing.stdout.split('\n').filter((line) => line !== '');
      expect(entries, name).toContain('package/LICENSE');
      expect(entries, name).toContain('package/README.md');
      expect(
        entries.some((entry) => entry.startsWith('package/dist/')),
        name,
      ).toBe(true);
      expect(
        entries.filter((entry) => /\.test\.ts$|skip-test|test-support|\/test-[^/]*$/.test(entry)),
        name,
      ).toEqual([]);
      expect(readFileSync(resolve(project, 'node_modules', name, 'LICENSE'), 'utf8')).toMatch(
        /Apache License\s+Version 2\.0, January 2004/,
      );
      sizes[name] = statSync(file).size;
    }
    report.tarballBytes = sizes;
  });

  it('pnpm publish -r --dry-run publishes exactly the public packages', async () => {
    const result = await run('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks'], repositoryRoot, 240_000);
    expect(result.code, result.stderr).toBe(0);
    const published = [...`${result.stdout}${result.stderr}`.matchAll(/^\+ (\S+)@/gm)].map((match) => match[1]).sort();
    expect(published).toEqual([...tarballs.keys()].sort());
  });

  it('publint (strict) and attw (ESM-only profile) pass on every tarball', async () => {
    for (const [name, file] of tarballs) {
      // Both tools at once (two cores); one tarball after the other.
      const [publint, attw] = await Promise.all([
        run(process.execPath, [join(project, 'node_modules/publint/src/cli.js'), 'run', file, '--strict'], project),
        run(
          process.execPath,
          [
            join(project, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
            file,
            '--profile',
            'esm-only',
            '--format',
            'ascii',
          ],
          project,
        ),
      ]);
      expect(publint.code, `publint ${name}:\n${publint.stdout}${publint.stderr}`).toBe(0);
      expect(attw.code, `attw ${name}:\n${attw.stdout}${attw.stderr}`).toBe(0);
    }
  });

  it('runs fill-mask on node-cpu and node-wasm from ESM, and the process exits promptly', async () => {
    const result = await run(process.execPath, ['task.mjs'], project, 120_000);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0] ?? '')).toEqual({ 'node-cpu': '▁the', 'node-wasm': '▁the' });
    expect(result.secondsAfterOutput).toBeLessThan(5);
  });

  it("runs albert-ts with device 'auto' and 'wasm' and exits promptly", async () => {
    const result = await run(process.execPath, ['task-device.mjs'], project, 120_000);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0] ?? '')).toEqual({ auto: 'node-cpu: ▁the', wasm: 'wasm: ▁the' });
    expect(result.secondsAfterOutput).toBeLessThan(5);
  });

  it('type-checks against the published .d.ts with TypeScript 5.7 (skipLibCheck off), then runs', async () => {
    const compiled = await run(
      process.execPath,
      [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      project,
    );
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
    const result = await run(process.execPath, ['ts-out/task.js'], project, 120_000);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0] ?? '')).toMatchObject({
      results: { 'node-cpu': '▁the', wasm: '▁the' },
      selected: 'node-cpu',
    });
    expect(result.secondsAfterOutput).toBeLessThan(5);
  });

  it('loads from CommonJS through require(esm)', async () => {
    const result = await run(process.execPath, ['require.cjs'], project, 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^done$/m);
  });

  it('runs the albert CLI on node-wasm and exits promptly', async () => {
    const result = await run(
      join(project, 'node_modules/.bin/albert'),
      ['fill-mask', '--backend', 'node-wasm', '--json', 'The river flows into the [MASK].'],
      project,
      120_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toBeTruthy();
    expect(result.secondsAfterOutput).toBeLessThan(5);
  });

  describe('a browser app bundled by each bundler', () => {
    const chromiumMissing = !browserProjectEnabled(['browser-wasm', 'browser-webgpu']);
    let browser: Browser | undefined;

    beforeAll(async () => {
      if (!chromiumMissing)
        browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArguments, headless: true });
    });
    afterAll(async () => {
      await browser?.close();
    });

    for (const bundler of BUNDLERS) {
      it(`${bundler}: albert-ts alone bundles one onnxruntime-web build (JSEP, for both WebGPU and WebAssembly)`, async () => {
        const bundled = await run(process.execPath, ['bundle.mjs', bundler, 'auto'], project, 300_000);
        expect(bundled.code, bundled.stdout + bundled.stderr).toBe(0);
        const outDir = join(project, `dist-${bundler}-auto`);
        const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' });
        const wasmFiles = files.filter((file) => file.endsWith('.wasm'));
        report[`bundle-${bundler}-albert-ts-only`] = {
          totalBytes: directorySize(outDir),
          javascriptBytes: files
            .filter((file) => /\.m?js$/.test(file))
            .reduce((total, file) => total + statSync(join(outDir, file)).size, 0),
          wasmFiles: Object.fromEntries(wasmFiles.map((file) => [file, statSync(join(outDir, file)).size])),
        };
        // Vite and webpack emit the .wasm; esbuild emits none (bundle.mjs copies the JSEP build's files for it).
        // Either way, no chunk of onnxruntime-web's WASM-only build (`ort.wasm.bundle.min`) and one binary, JSEP's.
        expect(files.filter((file) => /ort\.wasm\.bundle/.test(file))).toEqual([]);
        expect(wasmFiles.length, wasmFiles.join(', ')).toBe(1);
        // Named by content hash with webpack: the JSEP binary is the one of its size.
        const jsepBytes = statSync(
          join(project, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm'),
        ).size;
        expect(statSync(join(outDir, wasmFiles[0] ?? '')).size, wasmFiles[0]).toBe(jsepBytes);
      });

      it(`${bundler}: bundles without node: modules and runs in Chromium (wasm page, albert-ts device 'auto' page, threads page)`, async (context) => {
        const bundled = await run(process.execPath, ['bundle.mjs', bundler], project, 300_000);
        expect(bundled.code, bundled.stdout + bundled.stderr).toBe(0);
        const outDir = join(project, `dist-${bundler}`);
        const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' });
        const wasmFiles = files.filter((file) => file.endsWith('.wasm'));
        report[`bundle-${bundler}`] = {
          totalBytes: directorySize(outDir),
          javascriptBytes: files
            .filter((file) => /\.m?js$/.test(file))
            .reduce((total, file) => total + statSync(join(outDir, file)).size, 0),
          wasmFiles: Object.fromEntries(wasmFiles.map((file) => [file, statSync(join(outDir, file)).size])),
        };
        // One build per page: the plain WebAssembly build and JSEP (WebGPU); never the asyncify/jspi builds (for
        // esbuild, bundle.mjs copies the WASM build twice: next to the bundle and under onnxruntime-web/).
        const builds = new Set(wasmFiles.map((file) => statSync(join(outDir, file)).size));
        expect(builds.size, wasmFiles.join(', ')).toBeLessThanOrEqual(2);
        // The browser targets of the packages' `#node-builtins` imports were bundled (their typed NODE_ONLY error),
        // not Node's modules (onnxruntime-web's own guarded `node:` requires are its business).
        const javascript = files
          .filter((name) => /\.m?js$/.test(name))
          .map((file) => readFileSync(join(outDir, file), 'utf8'));
        expect(
          javascript.some((text) => text.includes('NODE_ONLY')),
          'the browser stub of #node-builtins',
        ).toBe(true);
        if (chromiumMissing || browser === undefined) {
          context.skip(`no Chromium at ${chromiumPath}: bundled, not run`);
          return;
        }
        const served = await serve(outDir, join(project, 'node_modules/@albert-ts/cli/demo-model'));
        try {
          for (const page of ['wasm', 'auto', 'threads']) {
            const tab = await browser.newPage();
            const consoleErrors: string[] = [];
            tab.on('console', (message) => {
              // A 404 for a model file the loader looks for (tokenizer.json, other checkpoint formats) is expected.
              const expected404 =
                /status of 404/.test(message.text()) && /\/demo-model\/|favicon\.ico$/.test(message.location().url);
              if (message.type() === 'error' && !expected404)
                consoleErrors.push(`${message.text()} (${message.location().url})`);
            });
            tab.on('pageerror', (error) => consoleErrors.push(error.message));
            await tab.goto(`${served.url}${page}.html`);
            await tab.waitForFunction(() => '__albertResult' in window || '__albertError' in window, undefined, {
              timeout: 120_000,
            });
            const outcome = await tab.evaluate(() => ({
              result: (window as { __albertResult?: { backend: string; top: string; threads?: number } })
                .__albertResult,
              error: (window as { __albertError?: string }).__albertError,
            }));
            expect(outcome.error, `${bundler} ${page}`).toBeUndefined();
            expect(outcome.result?.top, `${bundler} ${page}`).toBe('▁the');
            const workers = tab.workers().length;
            report[`run-${bundler}-${page}`] = { ...outcome.result, workers };
            if (page === 'threads') {
              // backend-wasm's asset URLs as wasmPaths: two threads in the cross-origin isolated page, no recipe
              // note, and onnxruntime-web's worker threads started from the standalone loader.
              expect(outcome.result, `${bundler} threads`).toMatchObject({ crossOriginIsolated: true, threads: 2 });
              expect(outcome.result, `${bundler} threads`).not.toHaveProperty('threadsNote', expect.any(String));
              expect(workers, `${bundler} threads: worker threads`).toBeGreaterThan(0);
            }
            expect(consoleErrors, `${bundler} ${page}`).toEqual([]);
            await tab.close();
          }
        } finally {
          served.server.close();
        }
      });
    }
  });
});

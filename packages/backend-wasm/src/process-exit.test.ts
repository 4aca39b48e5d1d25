import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A Node process that used wasmBackend() must exit as soon as its work is done: onnxruntime-web 1.30
// never clears its own `initTimeout` timer, which kept such processes alive for 180 s. A real process is
// spawned (from the TypeScript sources, through scripts/source-loader.mjs) and timed from its last
// output line to its exit.
const packageDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = resolve(packageDirectory, '../..');
const demoModel = resolve(repositoryRoot, 'apps/cli/demo-model');
const scriptDirectory = resolve(packageDirectory, 'node_modules/.cache/albert-ts-process-exit');

/**
 * Runs `script` (ESM JavaScript, written to a file: worker threads inherit the process's flags, so no
 * `--input-type`) in a new Node process; resolves with its output and the seconds it lived after printing `done`.
 */
function runScript(
  name: string,
  script: string,
  limitMs: number,
): Promise<{ code: number | null; output: string; secondsAfterDone: number }> {
  mkdirSync(scriptDirectory, { recursive: true });
  const file = resolve(scriptDirectory, `${name}.mjs`);
  writeFileSync(file, script);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@albert-ts/source', '--import', resolve(repositoryRoot, 'scripts/source-loader.mjs'), file],
      { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let doneAt: number | undefined;
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (doneAt === undefined && /^done$/m.test(output)) doneAt = performance.now();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      const secondsAfterDone = doneAt === undefined ? Number.NaN : (performance.now() - doneAt) / 1000;
      resolvePromise({ code, output, secondsAfterDone });
    });
  });
}

describe('a Node process using wasmBackend()', () => {
  for (const numThreads of [1, 2]) {
    it(`exits as soon as its work is done (numThreads: ${numThreads})`, async () => {
      const script = `
        import { AlbertForMaskedLM } from '@albert-ts/core';
        import { wasmBackend } from ${JSON.stringify(resolve(packageDirectory, 'src/index.ts'))};
        const backend = wasmBackend({ numThreads: ${numThreads} });
        const model = await AlbertForMaskedLM.fromPretrained(${JSON.stringify(demoModel)}, { backend });
        const result = await model.fillMask('The river flows into the [MASK].');
        console.log(result.masks[0].predictions.length > 0 ? 'done' : 'no predictions');
      `;
      const { code, output, secondsAfterDone } = await runScript(`threads-${numThreads}`, script, 90_000);
      expect(code, output).toBe(0);
      expect(secondsAfterDone, output).toBeLessThan(5);
    });
  }
});

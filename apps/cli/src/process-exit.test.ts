import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `albert fill-mask --backend node-wasm` must exit as soon as it has printed its answer (onnxruntime-web's
// never-cleared init timer kept it alive for 180 s). The real executable runs from its TypeScript
// sources through scripts/source-loader.mjs, so no build is needed.
const packageDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = resolve(packageDirectory, '../..');

function runCliProcess(
  argumentsList: readonly string[],
  limitMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; secondsAfterOutput: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@albert-ts/source',
        '--import',
        resolve(repositoryRoot, 'scripts/source-loader.mjs'),
        resolve(packageDirectory, 'src/main.ts'),
        ...argumentsList,
      ],
      { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
    );
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

describe('the albert process', () => {
  it('exits as soon as fill-mask --backend node-wasm has printed its answer', async () => {
    const result = await runCliProcess(
      ['fill-mask', '--backend', 'node-wasm', '--json', 'The river flows into the [MASK].'],
      90_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toBeTruthy();
    expect(result.secondsAfterOutput, result.stderr).toBeLessThan(5);
  });
});

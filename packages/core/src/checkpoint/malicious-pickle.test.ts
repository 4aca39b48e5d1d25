/**
 * Proof that loading the malicious pickles executes nothing: no child process is started (every
 * `child_process` entry point is spied on, for CommonJS and ES-module callers alike), nothing is
 * written to stdout (the payload would print `pwned`), and no file appears in the working directory.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { readCheckpoint } from './read-checkpoint.js';
import { directorySource } from './sources/directory-source.js';
import { fixturePath } from './test-fixtures.js';

const childProcess = createRequire(import.meta.url)('node:child_process') as Record<
  string,
  (...args: unknown[]) => unknown
>;
const ENTRY_POINTS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

describe('malicious pickles execute nothing', () => {
  const spies = new Map<string, ReturnType<typeof vi.fn>>();
  let workingDirectory = '';
  let previousDirectory = '';
  let canChangeDirectory = true;

  beforeAll(() => {
    for (const name of ENTRY_POINTS) {
      const spy = vi.fn(() => {
        throw new Error(`child_process.${name} was called`);
      });
      spies.set(name, spy);
      vi.spyOn(childProcess, name).mockImplementation(spy);
    }
    // Propagate the spies to `import { exec } from 'node:child_process'` bindings too.
    syncBuiltinESMExports();
    workingDirectory = mkdtempSync(join(tmpdir(), 'albert-ts-malicious-'));
    previousDirectory = process.cwd();
    try {
      process.chdir(workingDirectory);
    } catch {
      canChangeDirectory = false; // worker threads cannot chdir; the directory checks below still run
    }
  });

  afterAll(() => {
    if (canChangeDirectory) process.chdir(previousDirectory);
    vi.restoreAllMocks();
    syncBuiltinESMExports();
    rmSync(workingDirectory, { recursive: true, force: true });
  });

  it.each([
    ['malicious-pickle', 'posix.system'],
    ['malicious-pickle-eval', '__builtin__.eval'],
    ['malicious-pickle-legacy', 'posix.system'],
  ])('%s is refused at the global %s and nothing runs', async (name, global) => {
    const directory = fixturePath(`checkpoints/bad/${name}`);
    const filesBefore = readdirSync(directory).sort();
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
      return true;
    });
    let caught: unknown;
    try {
      await readCheckpoint(directorySource(directory));
    } catch (error) {
      caught = error;
    } finally {
      stdout.mockRestore();
    }
    expect(caught).toBeInstanceOf(CheckpointError);
    expect((caught as CheckpointError).code).toBe('CHECKPOINT_DISALLOWED_GLOBAL');
    expect((caught as CheckpointError).message).toContain('pytorch_model.bin');
    expect((caught as CheckpointError).message).toContain(global);
    for (const [entryPoint, spy] of spies) expect(spy, `child_process.${entryPoint}`).not.toHaveBeenCalled();
    expect(written.join('')).not.toContain('pwned');
    expect(readdirSync(workingDirectory)).toEqual([]);
    expect(readdirSync(directory).sort()).toEqual(filesBefore);
  });

  it('the spies are live (a child_process call would have been caught)', async () => {
    const { execSync } = await import('node:child_process');
    expect(() => execSync('echo pwned')).toThrow('child_process.execSync was called');
    expect(spies.get('execSync')).toHaveBeenCalledOnce();
    spies.get('execSync')!.mockClear();
  });
});

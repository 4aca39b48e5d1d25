import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock } from './file-lock.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'albert-ts-lock-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('acquireFileLock', () => {
  it('excludes a second holder until the first releases', async () => {
    const lockPath = join(directory, 'nested', 'a.lock');
    const order: string[] = [];
    const releaseFirst = await acquireFileLock(lockPath, { pollMs: 10 });
    const second = acquireFileLock(lockPath, { pollMs: 10 }).then((release) => {
      order.push('second acquired');
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push('first releases');
    await releaseFirst();
    const releaseSecond = await second;
    expect(order).toEqual(['first releases', 'second acquired']);
    await releaseSecond();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('takes over a lock left by a dead process on this host', async () => {
    const lockPath = join(directory, 'dead.lock');
    // Pid 2^22 + 1 is above Linux's pid_max default, so no such process exists.
    await writeFile(lockPath, JSON.stringify({ pid: 4_194_305, host: hostname(), created: new Date().toISOString() }));
    const release = await acquireFileLock(lockPath, { pollMs: 10 });
    await release();
  });

  it('takes over a lock not touched for staleMs (holder on another host)', async () => {
    const lockPath = join(directory, 'stale.lock');
    await writeFile(lockPath, JSON.stringify({ pid: 1, host: 'elsewhere', created: '2020-01-01T00:00:00Z' }));
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    const release = await acquireFileLock(lockPath, { pollMs: 10, staleMs: 20_000 });
    await release();
  });

  it('stops waiting when the signal aborts', async () => {
    const lockPath = join(directory, 'held.lock');
    const release = await acquireFileLock(lockPath);
    const controller = new AbortController();
    const waiting = acquireFileLock(lockPath, { pollMs: 10, signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await release();
  });
});

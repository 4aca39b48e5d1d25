import { nodeModules } from './hub-cache.js';
import { delay } from './hub-http.js';

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** A lock whose file has not been touched for this long is taken over (its holder died). Default 20 000 ms. */
  readonly staleMs?: number;
  /** How often the holder touches the lock file. Default 2 000 ms. */
  readonly heartbeatMs?: number;
  /** How often a waiter checks the lock. Default 100 ms. */
  readonly pollMs?: number;
  /** Stops waiting. */
  readonly signal?: AbortSignal | null;
}

/**
 * Takes an exclusive lock between processes (and within one): the lock is a file created with `O_EXCL`
 * holding the owner's pid and host; the owner touches it every `heartbeatMs`; a waiter takes over a lock
 * whose owner is a dead process on this host or that has not been touched for `staleMs`.
 * Resolves to the function that releases the lock. Node only.
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<() => Promise<void>> {
  const { fs, path, os } = await nodeModules();
  const staleMs = options.staleMs ?? 20_000;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const pollMs = options.pollMs ?? 100;
  const processObject = (globalThis as { process?: { pid?: number; kill?: (pid: number, signal: number) => void } })
    .process;
  const pid = processObject?.pid ?? 0;
  const host = os.hostname();
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ pid, host, created: new Date().toISOString() }));
      } finally {
        await handle.close();
      }
      const timer = setInterval(() => {
        const now = new Date();
        fs.utimes(lockPath, now, now).catch(() => undefined);
      }, heartbeatMs);
      (timer as { unref?: () => void }).unref?.();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await fs.rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockPath, staleMs, host, processObject?.kill)) {
      // Narrow race: two waiters may both remove a stale lock; the downloads' size and hash checks still hold.
      await fs.rm(lockPath, { force: true });
      continue;
    }
    await delay(pollMs, options.signal ?? null);
  }
}

async function isStale(
  lockPath: string,
  staleMs: number,
  host: string,
  kill: ((pid: number, signal: number) => void) | undefined,
): Promise<boolean> {
  const { fs } = await nodeModules();
  try {
    const stat = await fs.stat(lockPath);
    if (Date.now() - stat.mtimeMs > staleMs) return true;
    const owner = JSON.parse(await fs.readFile(lockPath, 'utf8')) as { pid?: unknown; host?: unknown };
    if (owner.host === host && typeof owner.pid === 'number' && kill !== undefined) {
      try {
        kill(owner.pid, 0);
      } catch (error) {
        return (error as { code?: string }).code === 'ESRCH';
      }
    }
    return false;
  } catch {
    // Vanished (retry at once) or half-written by its creator (wait).
    return false;
  }
}

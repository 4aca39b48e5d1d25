/**
 * Concurrency across processes: three Node processes download the same file into one cache at the same
 * time; the lock file lets exactly one fetch the bytes while the others wait and link the finished blob.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateHubEnvironment, readTinyModel, temporaryCache, tinyRepos } from './test-hub-fixtures.js';
import { startMockHub, type MockHub } from './test-hub-server.js';

const CHILD = fileURLToPath(new URL('./test-download-child.mjs', import.meta.url));
const CORE_DIRECTORY = fileURLToPath(new URL('../../', import.meta.url));

let hub: MockHub;
let cacheDir: string;
let restoreEnvironment: () => Promise<void>;

beforeAll(async () => {
  restoreEnvironment = (await isolateHubEnvironment()).restore;
  hub = await startMockHub(await tinyRepos());
  cacheDir = await temporaryCache();
});
afterAll(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
  await restoreEnvironment();
});

describe('hubDownload across processes', () => {
  it('three processes, one download', async () => {
    // Slow bytes (~5 s) so that every process asks while the first one is still downloading.
    hub.fault('model.safetensors', { chunkDelayMs: 60, times: 3 });
    const finished: number[] = [];
    const run = async (): Promise<{ path: string; fromCache: boolean }> => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [CHILD, hub.endpoint, cacheDir, 'albert-ts/tiny', 'model.safetensors'],
        {
          cwd: CORE_DIRECTORY,
          encoding: 'utf8',
        },
      );
      finished.push(Date.now());
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { path: string; fromCache: boolean };
    };
    const results = await Promise.all([run(), run(), run()]);
    expect(new Set(results.map((result) => result.path)).size).toBe(1);
    expect(new Uint8Array(await readFile(results[0]?.path ?? ''))).toEqual((await readTinyModel()).weights);
    const heads = hub.requests.filter((request) => request.method === 'HEAD');
    const cdnGets = hub.requests.filter((request) => request.listener === 'cdn');
    expect(heads).toHaveLength(3);
    // Every process had asked before the first one finished, yet the bytes were fetched once.
    expect(Math.max(...heads.map((request) => request.time))).toBeLessThan(Math.min(...finished));
    expect(cdnGets).toHaveLength(1);
    expect(results.filter((result) => !result.fromCache)).toHaveLength(1);
  });
});

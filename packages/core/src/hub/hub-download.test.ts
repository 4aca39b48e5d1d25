import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hubDownload } from './hub-download.js';
import { HubError } from './hub-error.js';
import type { HubDownloadProgress, HubOptions } from './hub-settings.js';
import { COMMIT_MAIN, COMMIT_OLD, readTinyModel, useTinyMockHub } from './test-hub-fixtures.js';
import { gitBlobSha1, sha256Hex, type MockHub } from './test-hub-server.js';

let hub: MockHub;
let cacheDir: string;
let tiny: { config: Uint8Array; weights: Uint8Array };

useTinyMockHub({ hub: (value) => (hub = value), cacheDir: (value) => (cacheDir = value) });
beforeAll(async () => {
  tiny = await readTinyModel();
});

const options = (extra: HubOptions = {}): HubOptions => ({
  endpoint: hub.endpoint,
  cacheDir,
  retryDelayMs: 10,
  ...extra,
});

async function expectHubError(promise: Promise<unknown>, code: string): Promise<HubError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  expect((error as HubError).code).toBe(code);
  return error as HubError;
}

const storage = (): string => join(cacheDir, 'models--albert-ts--tiny');

describe('hubDownload: cache layout', () => {
  it('stores a small file and an LFS file exactly as huggingface_hub does', async () => {
    const config = await hubDownload('albert-ts/tiny', 'config.json', options());
    const weights = await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    expect(config).toEqual({
      path: join(storage(), 'snapshots', COMMIT_MAIN, 'config.json'),
      commit: COMMIT_MAIN,
      fromCache: false,
    });
    expect(weights.path).toBe(join(storage(), 'snapshots', COMMIT_MAIN, 'model.safetensors'));
    // refs/main holds the commit, without a newline.
    expect(await readFile(join(storage(), 'refs', 'main'), 'utf8')).toBe(COMMIT_MAIN);
    // blobs named by ETag: git blob sha1 for the small file, sha256 for the LFS file.
    const blobNames = (await readdir(join(storage(), 'blobs'))).sort();
    expect(blobNames).toEqual([gitBlobSha1(tiny.config), sha256Hex(tiny.weights)].sort());
    // snapshots/<commit>/<file> are relative symlinks to ../../blobs/<etag>.
    expect((await lstat(config.path)).isSymbolicLink()).toBe(true);
    expect(await readlink(config.path)).toBe(join('..', '..', 'blobs', gitBlobSha1(tiny.config)));
    expect(await readlink(weights.path)).toBe(join('..', '..', 'blobs', sha256Hex(tiny.weights)));
    expect(new Uint8Array(await readFile(weights.path))).toEqual(tiny.weights);
    expect(new Uint8Array(await readFile(config.path))).toEqual(tiny.config);
    // Nothing temporary is left behind.
    expect((await readdir(join(storage(), 'snapshots', COMMIT_MAIN))).sort()).toEqual([
      'config.json',
      'model.safetensors',
    ]);
  });

  it('a second download makes one HEAD and no GET; a commit-hash revision makes no request at all', async () => {
    await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    hub.requests.length = 0;
    const again = await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    expect(again.fromCache).toBe(true);
    expect(hub.requests.map((request) => request.method)).toEqual(['HEAD']);
    hub.requests.length = 0;
    const pinned = await hubDownload('albert-ts/tiny', 'model.safetensors', options({ revision: COMMIT_MAIN }));
    expect(pinned.fromCache).toBe(true);
    expect(hub.requests).toEqual([]);
  });

  it('reuses a blob already present (another revision with the same file) without downloading', async () => {
    await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    await rm(join(storage(), 'snapshots'), { recursive: true });
    hub.requests.length = 0;
    const result = await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    expect(result.fromCache).toBe(true);
    expect(hub.requests.filter((request) => request.method === 'GET')).toEqual([]);
    expect((await lstat(result.path)).isSymbolicLink()).toBe(true);
  });

  it('writes refs for tags and downloads the files of that commit', async () => {
    const result = await hubDownload('albert-ts/tiny', 'config.json', options({ revision: 'v1' }));
    expect(result.commit).toBe(COMMIT_OLD);
    expect(await readFile(join(storage(), 'refs', 'v1'), 'utf8')).toBe(COMMIT_OLD);
    expect(await readFile(result.path, 'utf8')).toBe('{"old": true}');
  });

  it('caches a canonical (namespace-less) id as models--name', async () => {
    const result = await hubDownload('tiny-canonical', 'config.json', options());
    expect(result.path).toBe(join(cacheDir, 'models--tiny-canonical', 'snapshots', COMMIT_MAIN, 'config.json'));
  });

  it('follows a same-origin redirect of a renamed repository (keeping the token) and caches under the requested id', async () => {
    const result = await hubDownload('old-name/tiny', 'config.json', options({ token: 'hf_abc' }));
    expect(result.path).toBe(join(cacheDir, 'models--old-name--tiny', 'snapshots', COMMIT_MAIN, 'config.json'));
    expect(hub.requests.every((request) => request.authorization === 'Bearer hf_abc')).toBe(true);
  });
});

describe('hubDownload: a Python cache laid out by hand', () => {
  it('is found offline through refs/main, and online without any GET', async () => {
    const blobs = join(storage(), 'blobs');
    const snapshot = join(storage(), 'snapshots', COMMIT_MAIN);
    await mkdir(blobs, { recursive: true });
    await mkdir(snapshot, { recursive: true });
    await mkdir(join(storage(), 'refs'), { recursive: true });
    await writeFile(join(blobs, sha256Hex(tiny.weights)), tiny.weights);
    await writeFile(join(blobs, gitBlobSha1(tiny.config)), tiny.config);
    await symlink(`../../blobs/${sha256Hex(tiny.weights)}`, join(snapshot, 'model.safetensors'));
    await symlink(`../../blobs/${gitBlobSha1(tiny.config)}`, join(snapshot, 'config.json'));
    await writeFile(join(storage(), 'refs', 'main'), COMMIT_MAIN);
    const offline = await hubDownload('albert-ts/tiny', 'model.safetensors', { cacheDir, localFilesOnly: true });
    expect(offline).toEqual({ path: join(snapshot, 'model.safetensors'), commit: COMMIT_MAIN, fromCache: true });
    expect(hub.requests).toEqual([]);
    const online = await hubDownload('albert-ts/tiny', 'config.json', options());
    expect(online.fromCache).toBe(true);
    expect(hub.requests.filter((request) => request.method === 'GET')).toEqual([]);
  });

  it('honours HF_HUB_OFFLINE=1 and HF_HUB_CACHE', async () => {
    await hubDownload('albert-ts/tiny', 'config.json', options());
    hub.requests.length = 0;
    process.env.HF_HUB_OFFLINE = '1';
    process.env.HF_HUB_CACHE = cacheDir;
    try {
      const result = await hubDownload('albert-ts/tiny', 'config.json', { endpoint: hub.endpoint });
      expect(result.fromCache).toBe(true);
      expect(hub.requests).toEqual([]);
      await expectHubError(
        hubDownload('albert-ts/tiny', 'model.safetensors', { endpoint: hub.endpoint }),
        'HUB_OFFLINE_NOT_CACHED',
      );
    } finally {
      delete process.env.HF_HUB_OFFLINE;
      delete process.env.HF_HUB_CACHE;
    }
  });
});

describe('hubDownload: resumable, verified, atomic', () => {
  it('resumes with a Range request after the connection drops mid-file', async () => {
    hub.fault('model.safetensors', { dropAfterBytes: 30_000 });
    const events: HubDownloadProgress[] = [];
    const result = await hubDownload(
      'albert-ts/tiny',
      'model.safetensors',
      options({ onProgress: (event) => events.push(event) }),
    );
    expect(new Uint8Array(await readFile(result.path))).toEqual(tiny.weights);
    const cdnGets = hub.requests.filter((request) => request.listener === 'cdn');
    expect(cdnGets).toHaveLength(2);
    expect(cdnGets[0]?.range).toBeUndefined();
    expect(cdnGets[1]?.range).toBe('bytes=30000-');
    expect(events[0]).toMatchObject({ phase: 'start', loadedBytes: 0, totalBytes: tiny.weights.byteLength });
    expect(events.at(-1)).toMatchObject({ phase: 'done', loadedBytes: tiny.weights.byteLength, fromCache: false });
    expect(events.some((event) => event.resumedBytes === 30_000)).toBe(true);
  });

  it("resumes a .incomplete blob left by an earlier run (ours or Python's)", async () => {
    const blob = join(storage(), 'blobs', sha256Hex(tiny.weights));
    await mkdir(join(storage(), 'blobs'), { recursive: true });
    await writeFile(`${blob}.incomplete`, tiny.weights.subarray(0, 50_000));
    const result = await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    expect(new Uint8Array(await readFile(result.path))).toEqual(tiny.weights);
    expect(hub.requests.filter((request) => request.listener === 'cdn').map((request) => request.range)).toEqual([
      'bytes=50000-',
    ]);
    expect(await readdir(join(storage(), 'blobs'))).toEqual([sha256Hex(tiny.weights)]);
  });

  it('starts over when the server ignores Range', async () => {
    hub.fault('model.safetensors', { dropAfterBytes: 10_000 });
    const first = hubDownload('albert-ts/tiny', 'model.safetensors', options({ maxRetries: 0 }));
    await expectHubError(first, 'HUB_NETWORK');
    hub.fault('model.safetensors', { ignoreRange: true });
    const result = await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    expect(new Uint8Array(await readFile(result.path))).toEqual(tiny.weights);
  });

  it('gives up on a stalled response after stallTimeoutMs and resumes; nothing is visible before the end', async () => {
    hub.fault('model.safetensors', { stallAfterBytes: 20_000 });
    const blob = join(storage(), 'blobs', sha256Hex(tiny.weights));
    const pointer = join(storage(), 'snapshots', COMMIT_MAIN, 'model.safetensors');
    const visibleDuringDownload: boolean[] = [];
    const result = await hubDownload(
      'albert-ts/tiny',
      'model.safetensors',
      options({
        stallTimeoutMs: 300,
        onProgress: (event) => {
          if (event.phase === 'progress') {
            visibleDuringDownload.push(existsSync(blob), existsSync(pointer));
          }
        },
      }),
    );
    expect(new Uint8Array(await readFile(result.path))).toEqual(tiny.weights);
    expect(hub.requests.filter((request) => request.listener === 'cdn').map((request) => request.range)).toEqual([
      undefined,
      'bytes=20000-',
    ]);
    expect(visibleDuringDownload.length).toBeGreaterThan(0);
    expect(visibleDuringDownload.every((visible) => !visible)).toBe(true);
  });

  it('completes a slow response, reporting progress along the way', async () => {
    hub.fault('model.safetensors', { chunkDelayMs: 2 });
    const events: HubDownloadProgress[] = [];
    const result = await hubDownload(
      'albert-ts/tiny',
      'model.safetensors',
      options({ onProgress: (event) => events.push(event) }),
    );
    expect(new Uint8Array(await readFile(result.path))).toEqual(tiny.weights);
    const loaded = events.filter((event) => event.phase === 'progress').map((event) => event.loadedBytes);
    expect(loaded.length).toBeGreaterThan(10);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
  });

  it('stops at once when the signal aborts (Ctrl-C), keeping the partial file for the next run to resume', async () => {
    hub.fault('model.safetensors', { chunkDelayMs: 5 });
    const controller = new AbortController();
    const aborted = hubDownload(
      'albert-ts/tiny',
      'model.safetensors',
      options({
        signal: controller.signal,
        onProgress: (event) => {
          if (event.loadedBytes >= 20_000) controller.abort(new Error('interrupted'));
        },
      }),
    );
    await expect(aborted).rejects.toThrow('interrupted');
    const incomplete = join(storage(), 'blobs', `${sha256Hex(tiny.weights)}.incomplete`);
    const partial = (await readFile(incomplete)).byteLength;
    expect(partial).toBeGreaterThanOrEqual(20_000);
    hub.requests.length = 0;
    const result = await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    expect(new Uint8Array(await readFile(result.path))).toEqual(tiny.weights);
    expect(hub.requests.filter((request) => request.listener === 'cdn').map((request) => request.range)).toEqual([
      `bytes=${partial}-`,
    ]);
  });

  it('retries a 503 from the CDN', async () => {
    hub.fault('model.safetensors', { status: 503 });
    const result = await hubDownload('albert-ts/tiny', 'model.safetensors', options());
    expect(new Uint8Array(await readFile(result.path))).toEqual(tiny.weights);
  });

  it('rejects bytes whose sha256 differs from the ETag, leaving nothing in blobs/ or snapshots/', async () => {
    hub.fault('model.safetensors', { corrupt: true });
    const error = await expectHubError(hubDownload('albert-ts/tiny', 'model.safetensors', options()), 'HUB_INTEGRITY');
    expect(error.message).toContain('model.safetensors');
    expect(error.details.expected).toBe(sha256Hex(tiny.weights));
    expect(await readdir(join(storage(), 'blobs'))).toEqual([]);
    expect(existsSync(join(storage(), 'snapshots', COMMIT_MAIN, 'model.safetensors'))).toBe(false);
  });

  it('checks small files against their git blob sha1 ETag', async () => {
    hub.fault('config.json', { corrupt: true });
    const error = await expectHubError(hubDownload('albert-ts/tiny', 'config.json', options()), 'HUB_INTEGRITY');
    expect(error.message).toContain('git blob sha1');
  });

  it('downloads a blob once when asked concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => hubDownload('albert-ts/tiny', 'model.safetensors', options())),
    );
    expect(new Set(results.map((result) => result.path)).size).toBe(1);
    expect(results.filter((result) => !result.fromCache)).toHaveLength(1);
    expect(hub.requests.filter((request) => request.listener === 'cdn')).toHaveLength(1);
    expect(new Uint8Array(await readFile(results[0]?.path ?? ''))).toEqual(tiny.weights);
  });
});

describe('hubDownload: tokens and errors', () => {
  it('sends the token to the Hub but never to the CDN after the redirect', async () => {
    await hubDownload('albert-ts/private', 'model.safetensors', options({ token: 'hf_private' }));
    const hubRequests = hub.requests.filter((request) => request.listener === 'hub');
    const cdnRequests = hub.requests.filter((request) => request.listener === 'cdn');
    expect(hubRequests.length).toBeGreaterThan(0);
    expect(hubRequests.every((request) => request.authorization === 'Bearer hf_private')).toBe(true);
    expect(cdnRequests).toHaveLength(1);
    expect(cdnRequests[0]?.authorization).toBeUndefined();
  });

  it('reads the token from HF_TOKEN', async () => {
    process.env.HF_TOKEN = 'hf_private';
    try {
      await hubDownload('albert-ts/private', 'config.json', options());
    } finally {
      delete process.env.HF_TOKEN;
    }
    expect(hub.requests[0]?.authorization).toBe('Bearer hf_private');
  });

  it('401 on a private repository without a token: HUB_UNAUTHORIZED with a token hint', async () => {
    const error = await expectHubError(hubDownload('albert-ts/private', 'config.json', options()), 'HUB_UNAUTHORIZED');
    expect(error.message).toContain("'albert-ts/private'");
    expect(error.message).toContain('HF_TOKEN');
    expect(error.message).toContain('no token was sent');
    expect(error.details).toMatchObject({
      repoId: 'albert-ts/private',
      file: 'config.json',
      revision: 'main',
      status: 401,
      serverCode: 'RepoNotFound',
    });
  });

  it('gated repository: HUB_GATED with or without a token', async () => {
    const withoutToken = await expectHubError(hubDownload('albert-ts/gated', 'config.json', options()), 'HUB_GATED');
    expect(withoutToken.message).toContain('HF_TOKEN');
    const wrongToken = await expectHubError(
      hubDownload('albert-ts/gated', 'config.json', options({ token: 'hf_other' })),
      'HUB_GATED',
    );
    expect(wrongToken.details.status).toBe(403);
    expect(wrongToken.message).toContain('the token that was sent has no access');
    const granted = await hubDownload('albert-ts/gated', 'config.json', options({ token: 'hf_granted' }));
    expect(granted.fromCache).toBe(false);
  });

  it('404 on a file: HUB_ENTRY_NOT_FOUND naming file, repository and revision, cached as .no_exist', async () => {
    const error = await expectHubError(
      hubDownload('albert-ts/tiny', 'pytorch_model.bin', options()),
      'HUB_ENTRY_NOT_FOUND',
    );
    expect(error.message).toContain("'pytorch_model.bin'");
    expect(error.message).toContain("'albert-ts/tiny'");
    expect(error.message).toContain("'main'");
    expect(error.details).toMatchObject({
      repoId: 'albert-ts/tiny',
      file: 'pytorch_model.bin',
      revision: 'main',
      status: 404,
    });
    expect(await readFile(join(storage(), '.no_exist', COMMIT_MAIN, 'pytorch_model.bin'), 'utf8')).toBe('');
    expect(await readFile(join(storage(), 'refs', 'main'), 'utf8')).toBe(COMMIT_MAIN);
    // Offline, the marker answers the same question.
    await expectHubError(
      hubDownload('albert-ts/tiny', 'pytorch_model.bin', options({ localFilesOnly: true })),
      'HUB_ENTRY_NOT_FOUND',
    );
  });

  it('unknown revision: HUB_REVISION_NOT_FOUND', async () => {
    const error = await expectHubError(
      hubDownload('albert-ts/tiny', 'config.json', options({ revision: 'no-such-branch' })),
      'HUB_REVISION_NOT_FOUND',
    );
    expect(error.message).toContain("'no-such-branch'");
    expect(error.message).toContain("'albert-ts/tiny'");
  });

  it('unknown repository: 401 RepoNotFound, like the Hub answers anonymous requests', async () => {
    const error = await expectHubError(hubDownload('nobody/nothing', 'config.json', options()), 'HUB_UNAUTHORIZED');
    expect(error.message).toContain("'nobody/nothing'");
  });

  it('invalid ids and file names are rejected before any request', async () => {
    await expectHubError(hubDownload('a/b/c', 'config.json', options()), 'HUB_INVALID_ID');
    await expectHubError(hubDownload('a--b', 'config.json', options()), 'HUB_INVALID_ID');
    await expectHubError(hubDownload('albert-ts/tiny', '../secret', options()), 'HUB_INVALID_ID');
    expect(hub.requests).toEqual([]);
  });

  it('offline and not cached: HUB_OFFLINE_NOT_CACHED naming the cache', async () => {
    const error = await expectHubError(
      hubDownload('albert-ts/tiny', 'config.json', options({ localFilesOnly: true })),
      'HUB_OFFLINE_NOT_CACHED',
    );
    expect(error.message).toContain(cacheDir);
    expect(error.message).toContain("'config.json'");
    expect(hub.requests).toEqual([]);
  });

  it('Hub unreachable: falls back to the cache, else HUB_NETWORK after bounded retries', async () => {
    await hubDownload('albert-ts/tiny', 'config.json', options());
    hub.setDown(true);
    try {
      const cached = await hubDownload('albert-ts/tiny', 'config.json', options());
      expect(cached.fromCache).toBe(true);
      hub.requests.length = 0;
      const error = await expectHubError(
        hubDownload('albert-ts/tiny', 'model.safetensors', options({ maxRetries: 2 })),
        'HUB_NETWORK',
      );
      expect(error.message).toContain('not in the cache');
      expect(hub.requests).toHaveLength(3);
    } finally {
      hub.setDown(false);
    }
  });
});

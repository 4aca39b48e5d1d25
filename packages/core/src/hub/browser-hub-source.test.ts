import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError, directorySource, readCheckpoint } from '../checkpoint/index.js';
import { browserHubSource, type BrowserHubSourceOptions } from './browser-hub-source.js';
import { HubError } from './hub-error.js';
import type { HubDownloadProgress } from './hub-settings.js';
import { COMMIT_MAIN, isolateHubEnvironment, TINY_MODEL_DIR, tinyRepos } from './test-hub-fixtures.js';
import { startMockHub, type MockHub } from './test-hub-server.js';

/** The part of the Cache API the source uses, in memory (Node has no `caches`). */
class MemoryCacheStorage {
  readonly caches = new Map<string, Map<string, { body: ArrayBuffer; headers: [string, string][] }>>();
  async open(name: string): Promise<Cache> {
    const entries = this.caches.get(name) ?? new Map<string, { body: ArrayBuffer; headers: [string, string][] }>();
    this.caches.set(name, entries);
    const cache = {
      async match(request: RequestInfo | URL): Promise<Response | undefined> {
        const entry = entries.get(String(request));
        return entry === undefined ? undefined : new Response(entry.body.slice(0), { headers: entry.headers });
      },
      async put(request: RequestInfo | URL, response: Response): Promise<void> {
        entries.set(String(request), { body: await response.arrayBuffer(), headers: [...response.headers] });
      },
    };
    return cache as unknown as Cache;
  }
}

let hub: MockHub;
let restoreEnvironment: () => Promise<void>;
let storage: MemoryCacheStorage;

beforeAll(async () => {
  restoreEnvironment = (await isolateHubEnvironment()).restore;
  hub = await startMockHub(await tinyRepos());
});
afterAll(async () => {
  await hub.close();
  await restoreEnvironment();
});
beforeEach(() => {
  storage = new MemoryCacheStorage();
  hub.requests.length = 0;
});

const options = (extra: BrowserHubSourceOptions = {}): BrowserHubSourceOptions => ({
  endpoint: hub.endpoint,
  cacheStorage: storage as unknown as CacheStorage,
  retryDelayMs: 10,
  ...extra,
});

async function expectError(
  promise: Promise<unknown>,
  type: typeof HubError | typeof CheckpointError,
  code: string,
): Promise<Error> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  expect((error as HubError).code).toBe(code);
  return error as Error;
}

describe('browserHubSource', () => {
  it('fetches through the API + resolve/<commit> URLs and round-trips through readCheckpoint', async () => {
    const source = await browserHubSource('albert-ts/tiny', options());
    expect(source.commit).toBe(COMMIT_MAIN);
    expect(source.snapshotDir).toBeNull();
    const fromHub = await readCheckpoint(source);
    const fromDisk = await readCheckpoint(directorySource(TINY_MODEL_DIR));
    expect([...fromHub.stateDict.keys()]).toEqual([...fromDisk.stateDict.keys()]);
    for (const [key, tensor] of fromDisk.stateDict) expect(fromHub.stateDict.get(key)?.data, key).toEqual(tensor.data);
    // Entries are keyed by the commit-pinned resolve URL (immutable), plus the revision's API answer.
    expect([...(storage.caches.get('albert-ts-hub')?.keys() ?? [])].sort()).toEqual([
      `${hub.endpoint}/albert-ts/tiny/resolve/${COMMIT_MAIN}/model.safetensors`,
      `${hub.endpoint}/api/models/albert-ts/tiny/revision/main`,
    ]);
  });

  it('serves a second session from the Cache API without any request (offline too)', async () => {
    const first = await browserHubSource('albert-ts/tiny', options());
    await first.read('config.json');
    await first.read('model.safetensors');
    hub.requests.length = 0;
    const events: HubDownloadProgress[] = [];
    const offline = await browserHubSource(
      'albert-ts/tiny',
      options({ localFilesOnly: true, onProgress: (event) => events.push(event) }),
    );
    expect(offline.offline).toBe(true);
    expect(offline.commit).toBe(COMMIT_MAIN);
    expect((await readCheckpoint(offline)).format).toBe('safetensors');
    expect(JSON.parse(await offline.readText('config.json'))).toHaveProperty('model_type', 'albert');
    expect(events.every((event) => event.fromCache)).toBe(true);
    await expectError(offline.read('tokenizer_config.json'), CheckpointError, 'CHECKPOINT_FILE_NOT_FOUND');
    expect(hub.requests).toEqual([]);
  });

  it('falls back to the cache when the Hub is unreachable', async () => {
    const first = await browserHubSource('albert-ts/tiny', options());
    await first.read('config.json');
    hub.setDown(true);
    try {
      const source = await browserHubSource('albert-ts/tiny', options({ maxRetries: 0 }));
      expect(source.offline).toBe(true);
      expect(await source.readText('config.json')).toContain('albert');
    } finally {
      hub.setDown(false);
    }
  });

  it('works without the Cache API, never sending the token to the CDN', async () => {
    const source = await browserHubSource('albert-ts/private', options({ cacheStorage: null, token: 'hf_private' }));
    expect((await source.read('model.safetensors')).byteLength).toBeGreaterThan(0);
    const cdn = hub.requests.filter((request) => request.listener === 'cdn');
    expect(cdn).toHaveLength(1);
    expect(cdn[0]?.authorization).toBeUndefined();
    expect(
      hub.requests
        .filter((request) => request.listener === 'hub')
        .every((request) => request.authorization === 'Bearer hf_private'),
    ).toBe(true);
  });

  it('answers has() from the listing and reports absent files as CHECKPOINT_FILE_NOT_FOUND', async () => {
    const source = await browserHubSource('albert-ts/tiny', options());
    hub.requests.length = 0;
    expect(await source.has('model.safetensors')).toBe(true);
    expect(await source.has('spiece.model')).toBe(false);
    await expectError(source.read('spiece.model'), CheckpointError, 'CHECKPOINT_FILE_NOT_FOUND');
    expect(hub.requests).toEqual([]);
  });

  it('retries a connection dropped mid-file', async () => {
    hub.fault('model.safetensors', { dropAfterBytes: 10_000 });
    const source = await browserHubSource('albert-ts/tiny', options({ cacheStorage: null }));
    const bytes = await source.read('model.safetensors');
    expect(bytes).toEqual(await directorySource(TINY_MODEL_DIR).read('model.safetensors'));
  });

  it('typed errors: private without token, unknown revision, offline and never cached', async () => {
    const unauthorized = await expectError(
      browserHubSource('albert-ts/private', options()),
      HubError,
      'HUB_UNAUTHORIZED',
    );
    expect(unauthorized.message).toContain('HF_TOKEN');
    await expectError(
      browserHubSource('albert-ts/tiny', options({ revision: 'nope' })),
      HubError,
      'HUB_REVISION_NOT_FOUND',
    );
    await expectError(
      browserHubSource('albert-ts/tiny', options({ localFilesOnly: true })),
      HubError,
      'HUB_OFFLINE_NOT_CACHED',
    );
  });
});

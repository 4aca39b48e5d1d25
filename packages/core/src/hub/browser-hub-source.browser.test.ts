/**
 * browserHubSource in a real browser (Chromium): fetch with CORS, cross-origin LFS redirect, the real
 * Cache API. Run with `npx vitest run --config src/hub/test-browser-vitest-config.mjs`; in Node (no
 * `caches`, no page) it skips and says so.
 */
import { describe, expect, inject, it } from 'vitest';
import { CheckpointError, readCheckpoint } from '../checkpoint/index.js';
import { browserHubSource } from './browser-hub-source.js';
import { HubError } from './hub-error.js';
// Through core's main entry point: the whole package must load in a browser (no top-level node: imports).
import { resolvePretrained, type HubModelSource } from '../index.js';

const inBrowser = typeof window !== 'undefined' && typeof caches !== 'undefined';
if (!inBrowser)
  console.warn(
    '[browser-hub-source.browser] skipped: needs a browser page with the Cache API (see test-browser-vitest-config.mjs)',
  );

const COMMIT_MAIN = '1111111111111111111111111111111111111111';

interface RecordedRequest {
  readonly listener: 'hub' | 'cdn';
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
}

describe.skipIf(!inBrowser)('browserHubSource in a browser', () => {
  const endpoint = (): string => inject('albertHubEndpoint');
  const takeRequests = async (): Promise<RecordedRequest[]> =>
    (await (await fetch(`${endpoint()}/__requests?reset`)).json()) as RecordedRequest[];

  it('downloads through CORS + the CDN redirect, stores in the Cache API keyed by commit, then works offline', async () => {
    const cacheName = 'albert-ts-hub-browser-test';
    await caches.delete(cacheName);
    await takeRequests();
    const source = await browserHubSource('albert-ts/tiny', { endpoint: endpoint(), cacheName, retryDelayMs: 10 });
    expect(source.commit).toBe(COMMIT_MAIN);
    const online = await readCheckpoint(source);
    expect(online.format).toBe('safetensors');
    expect(online.stateDict.size).toBeGreaterThan(10);
    const keys = (await (await caches.open(cacheName)).keys()).map((request) => request.url).sort();
    expect(keys).toEqual([
      `${endpoint()}/albert-ts/tiny/resolve/${COMMIT_MAIN}/model.safetensors`,
      `${endpoint()}/api/models/albert-ts/tiny/revision/main`,
    ]);
    const served = await takeRequests();
    expect(served.filter((request) => request.listener === 'cdn')).toHaveLength(1);

    const offline = await browserHubSource('albert-ts/tiny', { endpoint: endpoint(), cacheName, localFilesOnly: true });
    const again = await readCheckpoint(offline);
    expect([...again.stateDict.keys()]).toEqual([...online.stateDict.keys()]);
    expect(await takeRequests()).toEqual([]);
    await caches.delete(cacheName);
  });

  it("resolvePretrained (from core's index) gives the browser source for a Hub id", async () => {
    const source = (await resolvePretrained('albert-ts/tiny', {
      endpoint: endpoint(),
      cacheStorage: null,
    })) as HubModelSource;
    expect(source.snapshotDir).toBeNull();
    expect(source.commit).toBe(COMMIT_MAIN);
    expect((await readCheckpoint(source)).format).toBe('safetensors');
  });

  it('sends the token to the Hub only, never to the CDN', async () => {
    await takeRequests();
    const source = await browserHubSource('albert-ts/private', {
      endpoint: endpoint(),
      token: 'hf_private',
      cacheStorage: null,
    });
    expect((await source.read('model.safetensors')).byteLength).toBeGreaterThan(0);
    const served = await takeRequests();
    const hub = served.filter((request) => request.listener === 'hub');
    const cdn = served.filter((request) => request.listener === 'cdn');
    expect(hub.length).toBeGreaterThan(0);
    expect(hub.every((request) => request.authorization === 'Bearer hf_private')).toBe(true);
    expect(cdn).toHaveLength(1);
    expect(cdn[0]?.authorization).toBeUndefined();
  });

  it('typed errors from the Hub headers', async () => {
    const error = await browserHubSource('albert-ts/private', { endpoint: endpoint(), cacheStorage: null }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('HUB_UNAUTHORIZED');
    const source = await browserHubSource('albert-ts/tiny', { endpoint: endpoint(), cacheStorage: null });
    const missing = await source.read('spiece.model').catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(CheckpointError);
  });
});

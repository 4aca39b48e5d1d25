/**
 * `fromPretrained('org/name', { backend, revision, cacheDir, localFilesOnly, token, onProgress })`: the model
 * classes resolve a Hub id through `resolvePretrained` with the Hub options given at the top level, against
 * the mock Hub on 127.0.0.1. Loading needs no backend work (graphs are built at the first `forward`), so a
 * stub backend is enough here; the CLI tests run the downloaded model on node-cpu.
 */

import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import type { HubModelSource } from '../hub/hub-model-source.js';
import type { HubDownloadProgress } from '../hub/hub-settings.js';
import { COMMIT_MAIN, useTinyMockHub } from '../hub/test-hub-fixtures.js';
import type { MockHub } from '../hub/test-hub-server.js';
import { AlbertForMaskedLM } from './albert-for-masked-lm.js';
import { AlbertModel } from './albert-model.js';
import { loadAlbertModel } from './albert-model-class-of.js';

/** A backend that is never asked to run anything in these tests. */
const stubBackend = { specificationVersion: 1, name: 'stub' } as unknown as Backend;

let hub: MockHub;
let cacheDir: string;

useTinyMockHub({ hub: (value) => (hub = value), cacheDir: (value) => (cacheDir = value) });

describe('fromPretrained with a Hub id', () => {
  it('takes revision, cacheDir, token, onProgress at the top level and downloads into the cache', async () => {
    const events: HubDownloadProgress[] = [];
    const model = await AlbertForMaskedLM.fromPretrained('albert-ts/private', {
      backend: stubBackend,
      endpoint: hub.endpoint,
      revision: 'main',
      cacheDir,
      token: 'hf_private',
      onProgress: (event) => events.push(event),
    });
    expect(model.config.vocabSize).toBe(99);
    const source = model.source as HubModelSource;
    expect(source.repoId).toBe('albert-ts/private');
    expect(source.commit).toBe(COMMIT_MAIN);
    expect(source.snapshotDir).toBe(`${cacheDir}/models--albert-ts--private/snapshots/${COMMIT_MAIN}`);
    expect(
      events.some((event) => event.file === 'model.safetensors' && event.phase === 'done' && !event.fromCache),
    ).toBe(true);
    expect(
      hub.requests.every((request) => request.listener === 'cdn' || request.authorization === 'Bearer hf_private'),
    ).toBe(true);
  });

  it('localFilesOnly loads from the cache with the Hub down, and fails typed when nothing is cached', async () => {
    await AlbertModel.fromPretrained('albert-ts/tiny', { backend: stubBackend, endpoint: hub.endpoint, cacheDir });
    hub.setDown(true);
    try {
      const before = hub.requests.length;
      const model = await AlbertModel.fromPretrained('albert-ts/tiny', {
        backend: stubBackend,
        endpoint: hub.endpoint,
        cacheDir,
        localFilesOnly: true,
      });
      expect((model.source as HubModelSource).offline).toBe(true);
      expect(model.config.hiddenSize).toBe(36);
      expect(hub.requests.length).toBe(before);
      await expect(
        AlbertModel.fromPretrained('albert-ts/sharded', {
          backend: stubBackend,
          endpoint: hub.endpoint,
          cacheDir,
          localFilesOnly: true,
        }),
      ).rejects.toMatchObject({ code: 'HUB_OFFLINE_NOT_CACHED' });
    } finally {
      hub.setDown(false);
    }
  });

  it('the `hub` options override the top-level ones, and loadAlbertModel takes the same options', async () => {
    const model = await loadAlbertModel('AlbertForPreTraining', 'albert-ts/tiny', {
      backend: stubBackend,
      endpoint: 'http://127.0.0.1:9', // never used: overridden below
      cacheDir,
      hub: { endpoint: hub.endpoint },
    });
    expect(model.head).toBe('AlbertForPreTraining');
    expect((model.source as HubModelSource).commit).toBe(COMMIT_MAIN);
  });

  it('a wrong token is the typed 401/404 error of the Hub, not a crash', async () => {
    await expect(
      AlbertModel.fromPretrained('albert-ts/private', {
        backend: stubBackend,
        endpoint: hub.endpoint,
        cacheDir,
        token: 'hf_wrong',
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^HUB_(UNAUTHORIZED|REPO_NOT_FOUND)$/) });
  });
});

import { existsSync } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  directorySource,
  loadPretrainedWeights,
  readCheckpoint,
  type ModelFileSource,
  type StateDict,
} from '../checkpoint/index.js';
import { HubError } from './hub-error.js';
import type { HubModelSource } from './hub-model-source.js';
import type { HubDownloadProgress } from './hub-settings.js';
import { resolvePretrained, type ResolvePretrainedOptions } from './resolve-pretrained.js';
import {
  checkpointFixtureDir,
  COMMIT_MAIN,
  DEMO_MODEL_DIR,
  TINY_MODEL_DIR,
  useTinyMockHub,
} from './test-hub-fixtures.js';
import { sha256Hex, type MockHub } from './test-hub-server.js';

let hub: MockHub;
let cacheDir: string;

useTinyMockHub({ hub: (value) => (hub = value), cacheDir: (value) => (cacheDir = value) });

const options = (extra: ResolvePretrainedOptions = {}): ResolvePretrainedOptions => ({
  endpoint: hub.endpoint,
  cacheDir,
  retryDelayMs: 10,
  ...extra,
});

/** Every entry under `root` as `path -> target` for symlinks, `path/` for folders, `path` for files. */
async function tree(root: string): Promise<string[]> {
  const entries: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const name of (await readdir(directory)).sort()) {
      const full = join(directory, name);
      const stat = await lstat(full);
      const shown = relative(root, full);
      if (stat.isSymbolicLink()) entries.push(`${shown} -> ${await readlink(full)}`);
      else if (stat.isDirectory()) {
        entries.push(`${shown}/`);
        await walk(full);
      } else entries.push(shown);
    }
  };
  await walk(root);
  return entries;
}

function expectSameStateDict(actual: StateDict, expected: StateDict): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, tensor] of expected) {
    const other = actual.get(key);
    expect(other?.shape, key).toEqual(tensor.shape);
    expect(other?.data, key).toEqual(tensor.data);
  }
}

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

describe('resolvePretrained: Hub ids', () => {
  it.each(['api', 'head'] as const)(
    'downloads config + tokenizer files + weights (%s discovery) and round-trips through readCheckpoint',
    async (discovery) => {
      const source = (await resolvePretrained('albert-ts/tiny', options({ discovery }))) as HubModelSource;
      expect(source.commit).toBe(COMMIT_MAIN);
      expect(source.files).toEqual(['config.json', 'tokenizer_config.json', 'model.safetensors']);
      expect(source.snapshotDir).toBe(join(cacheDir, 'models--albert-ts--tiny', 'snapshots', COMMIT_MAIN));
      const fromHub = await readCheckpoint(source);
      const fromDisk = await readCheckpoint(directorySource(TINY_MODEL_DIR));
      expect(fromHub.format).toBe('safetensors');
      expectSameStateDict(fromHub.stateDict, fromDisk.stateDict);
      expect(JSON.parse(await source.readText('config.json'))).toEqual(
        JSON.parse(await directorySource(TINY_MODEL_DIR).readText('config.json')),
      );
      // Absent optional files are never downloaded; readCheckpoint's has() calls needed no extra request.
      expect(
        hub.requests.filter((request) => request.method === 'GET' && request.path.includes('spiece.model')),
      ).toEqual([]);
      if (discovery === 'api') {
        expect(hub.requests.filter((request) => request.path.startsWith('/api/'))).toHaveLength(1);
        expect(hub.requests.filter((request) => request.method === 'HEAD')).toHaveLength(3);
      } else {
        // HEAD discovery records the absent files as .no_exist markers, like the Python library.
        const noExist = join(cacheDir, 'models--albert-ts--tiny', '.no_exist', COMMIT_MAIN);
        expect((await readdir(noExist)).sort()).toEqual(['special_tokens_map.json', 'spiece.model', 'tokenizer.json']);
      }
    },
  );

  it('writes exactly the Python cache layout', async () => {
    const source = (await resolvePretrained('albert-ts/demo', options())) as HubModelSource;
    expect(source.files).toEqual([
      'config.json',
      'spiece.model',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'model.safetensors',
    ]);
    const entries = await tree(cacheDir);
    const blobOf = async (file: string): Promise<string> =>
      (await readlink(join(source.snapshotDir ?? '', file))).split('/').at(-1) ?? '';
    const weightsBlob = await blobOf('model.safetensors');
    expect(weightsBlob).toBe(
      sha256Hex(new Uint8Array(await directorySource(DEMO_MODEL_DIR).read('model.safetensors'))),
    );
    expect(entries).toEqual([
      '.locks/',
      '.locks/models--albert-ts--demo/',
      'models--albert-ts--demo/',
      'models--albert-ts--demo/blobs/',
      ...(
        await Promise.all(source.files.map(async (file) => `models--albert-ts--demo/blobs/${await blobOf(file)}`))
      ).sort(),
      'models--albert-ts--demo/refs/',
      'models--albert-ts--demo/refs/main',
      'models--albert-ts--demo/snapshots/',
      `models--albert-ts--demo/snapshots/${COMMIT_MAIN}/`,
      ...(await Promise.all(
        [...source.files]
          .sort()
          .map(
            async (file) =>
              `models--albert-ts--demo/snapshots/${COMMIT_MAIN}/${file} -> ../../blobs/${await blobOf(file)}`,
          ),
      )),
    ]);
  });

  it('feeds loadPretrainedWeights (the fromPretrained seam) with config, tokenizer files and weights', async () => {
    const source = await resolvePretrained('albert-ts/demo', options());
    const fromHub = await loadPretrainedWeights(source, 'AlbertForMaskedLM');
    const fromDisk = await loadPretrainedWeights(directorySource(DEMO_MODEL_DIR), 'AlbertForMaskedLM');
    expect(fromHub.config.toJSON()).toEqual(fromDisk.config.toJSON());
    expect([...fromHub.weights.keys].sort()).toEqual([...fromDisk.weights.keys].sort());
    expect(await source.read('spiece.model')).toEqual(await directorySource(DEMO_MODEL_DIR).read('spiece.model'));
  });

  it('downloads a sharded checkpoint (index + every shard)', async () => {
    const source = (await resolvePretrained('albert-ts/sharded', options())) as HubModelSource;
    expect(source.files).toEqual([
      'config.json',
      'model.safetensors.index.json',
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ]);
    const fromHub = await readCheckpoint(source);
    expect(fromHub.format).toBe('safetensors-sharded');
    expectSameStateDict(
      fromHub.stateDict,
      (await readCheckpoint(directorySource(checkpointFixtureDir('sharded-safetensors')))).stateDict,
    );
  });

  it.each(['api', 'head'] as const)(
    'falls back to pytorch_model.bin when there is no safetensors file (%s discovery)',
    async (discovery) => {
      const source = (await resolvePretrained('albert-ts/bin-only', options({ discovery }))) as HubModelSource;
      expect(source.files).toEqual(['config.json', 'pytorch_model.bin']);
      expect((await readCheckpoint(source)).format).toBe('pytorch-zip');
    },
  );

  it('with include: [config], fetches the weights only when the checkpoint reader reads them', async () => {
    const source = (await resolvePretrained('albert-ts/tiny', options({ include: ['config'] }))) as HubModelSource;
    expect(source.files).toEqual(['config.json']);
    const weights = join(source.snapshotDir ?? '', 'model.safetensors');
    expect(existsSync(weights)).toBe(false);
    await readCheckpoint(source);
    expect(existsSync(weights)).toBe(true);
  });

  it('answers has() from the listing and throws CHECKPOINT_FILE_NOT_FOUND for absent files', async () => {
    const source = await resolvePretrained('albert-ts/tiny', options());
    hub.requests.length = 0;
    expect(await source.has('vocab.txt')).toBe(false);
    expect(await source.has('model.safetensors')).toBe(true);
    await expectError(source.read('vocab.txt'), CheckpointError, 'CHECKPOINT_FILE_NOT_FOUND');
    await expectError(source.read('../escape'), CheckpointError, 'CHECKPOINT_INVALID_FILE_NAME');
    expect(hub.requests).toEqual([]);
  });

  it('reports progress for every file', async () => {
    const events: HubDownloadProgress[] = [];
    await resolvePretrained('albert-ts/tiny', options({ onProgress: (event) => events.push(event) }));
    const done = events.filter((event) => event.phase === 'done');
    expect(done.map((event) => event.file)).toEqual(['config.json', 'tokenizer_config.json', 'model.safetensors']);
    expect(done.every((event) => !event.fromCache && event.loadedBytes === event.totalBytes)).toBe(true);
    events.length = 0;
    await resolvePretrained('albert-ts/tiny', options({ onProgress: (event) => events.push(event) }));
    expect(events.every((event) => event.phase === 'done' && event.fromCache)).toBe(true);
  });
});

describe('resolvePretrained: offline and failures', () => {
  it('offline (localFilesOnly) resolves from the cache with no request, then readCheckpoint works', async () => {
    await resolvePretrained('albert-ts/tiny', options());
    hub.requests.length = 0;
    const source = (await resolvePretrained('albert-ts/tiny', options({ localFilesOnly: true }))) as HubModelSource;
    expect(source.offline).toBe(true);
    expect(source.commit).toBe(COMMIT_MAIN);
    expect(source.files).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json']);
    expect((await readCheckpoint(source)).format).toBe('safetensors');
    expect(await source.has('spiece.model')).toBe(false);
    await expectError(source.read('spiece.model'), CheckpointError, 'CHECKPOINT_FILE_NOT_FOUND');
    expect(hub.requests).toEqual([]);
  });

  it('offline and never downloaded: HUB_OFFLINE_NOT_CACHED', async () => {
    const error = await expectError(
      resolvePretrained('albert-ts/tiny', options({ localFilesOnly: true })),
      HubError,
      'HUB_OFFLINE_NOT_CACHED',
    );
    expect(error.message).toContain("'albert-ts/tiny'");
    expect(error.message).toContain(cacheDir);
  });

  it('Hub unreachable: uses the cache, else HUB_NETWORK', async () => {
    await resolvePretrained('albert-ts/tiny', options());
    hub.setDown(true);
    try {
      const source = (await resolvePretrained('albert-ts/tiny', options({ maxRetries: 1 }))) as HubModelSource;
      expect(source.offline).toBe(true);
      expect((await readCheckpoint(source)).format).toBe('safetensors');
      await expectError(resolvePretrained('albert-ts/sharded', options({ maxRetries: 1 })), HubError, 'HUB_NETWORK');
    } finally {
      hub.setDown(false);
    }
  });

  it('private repository: HUB_UNAUTHORIZED with a token hint; works with the token', async () => {
    const error = await expectError(resolvePretrained('albert-ts/private', options()), HubError, 'HUB_UNAUTHORIZED');
    expect(error.message).toContain('HF_TOKEN');
    const source = await resolvePretrained('albert-ts/private', options({ token: 'hf_private' }));
    expect((await readCheckpoint(source)).format).toBe('safetensors');
    expect(
      hub.requests
        .filter((request) => request.listener === 'cdn')
        .every((request) => request.authorization === undefined),
    ).toBe(true);
  });

  it('unknown revision: HUB_REVISION_NOT_FOUND (both discoveries)', async () => {
    await expectError(
      resolvePretrained('albert-ts/tiny', options({ revision: 'nope' })),
      HubError,
      'HUB_REVISION_NOT_FOUND',
    );
    await expectError(
      resolvePretrained('albert-ts/tiny', options({ revision: 'nope', discovery: 'head' })),
      HubError,
      'HUB_REVISION_NOT_FOUND',
    );
  });

  it('pins a tag: refs/<tag> is written and the files come from its commit', async () => {
    const source = (await resolvePretrained(
      'albert-ts/tiny',
      options({ revision: 'v1', include: ['config'] }),
    )) as HubModelSource;
    expect(await source.readText('config.json')).toBe('{"old": true}');
  });
});

describe('resolvePretrained: local paths', () => {
  it('an existing directory gives a directory source, without any request', async () => {
    const source: ModelFileSource = await resolvePretrained(TINY_MODEL_DIR, options());
    expect(source.description).toBe(TINY_MODEL_DIR);
    expect((await readCheckpoint(source)).format).toBe('safetensors');
    expect(hub.requests).toEqual([]);
  });

  it("resolves relative directories against cwd (the CLI's working directory)", async () => {
    const source = await resolvePretrained('tiny', options({ cwd: join(TINY_MODEL_DIR, '..') }));
    expect(source.description).toBe(join(TINY_MODEL_DIR, '..', 'tiny'));
    expect(hub.requests).toEqual([]);
  });

  it('a path-like argument that is not a directory: HUB_LOCAL_NOT_FOUND', async () => {
    const error = await expectError(resolvePretrained('./no/such/model', options()), HubError, 'HUB_LOCAL_NOT_FOUND');
    expect(error.message).toContain('./no/such/model');
    await expectError(resolvePretrained('not a valid id!', options()), HubError, 'HUB_INVALID_ID');
    expect(hub.requests).toEqual([]);
  });
});

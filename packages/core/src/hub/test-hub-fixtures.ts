/**
 * Test helper (Node only, not exported): the mock repositories the Hub tests share, built from the real
 * `fixtures/models/tiny` files, and an isolated environment (no real cache, token or endpoint).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startMockHub, type MockFile, type MockHub, type MockRepo } from './test-hub-server.js';

/** `fixtures/models/tiny` of the repository. */
export const TINY_MODEL_DIR = fileURLToPath(new URL('../../../../fixtures/models/tiny/', import.meta.url));

/** `fixtures/checkpoints/<variant>` of the repository. */
export const checkpointFixtureDir = (variant: string): string =>
  fileURLToPath(new URL(`../../../../fixtures/checkpoints/${variant}/`, import.meta.url));

/** `apps/cli/demo-model` (config, tokenizer files and weights). */
export const DEMO_MODEL_DIR = fileURLToPath(new URL('../../../../apps/cli/demo-model/', import.meta.url));

/** Commits of the mock repositories. */
export const COMMIT_MAIN = '1111111111111111111111111111111111111111';
export const COMMIT_OLD = '2222222222222222222222222222222222222222';

/** The tiny model's files. */
export async function readTinyModel(): Promise<{ config: Uint8Array; weights: Uint8Array }> {
  const [config, weights] = await Promise.all([
    readFile(join(TINY_MODEL_DIR, 'config.json')),
    readFile(join(TINY_MODEL_DIR, 'model.safetensors')),
  ]);
  return { config: new Uint8Array(config), weights: new Uint8Array(weights) };
}

/** The files of a directory as mock files; weights and `spiece.model` are LFS files, as on the Hub. */
export async function mockFilesOfDirectory(
  directory: string,
  skip: readonly string[] = [],
): Promise<Record<string, MockFile>> {
  const files: Record<string, MockFile> = {};
  for (const name of (await readdir(directory)).sort()) {
    if (skip.includes(name)) continue;
    const content = new Uint8Array(await readFile(join(directory, name)));
    files[name] = { content, lfs: /\.(safetensors|bin|msgpack|model)$/.test(name) };
  }
  return files;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Mock repositories: the tiny model (public, private, gated, renamed, canonical id), sharded, .bin-only, the demo model with tokenizer. */
export async function tinyRepos(): Promise<Record<string, MockRepo>> {
  const { config, weights } = await readTinyModel();
  const files = {
    'config.json': { content: config },
    'model.safetensors': { content: weights, lfs: true },
    'tokenizer_config.json': { content: text('{"do_lower_case": true}') },
  };
  return {
    'albert-ts/tiny': {
      refs: { main: COMMIT_MAIN, v1: COMMIT_OLD },
      commits: { [COMMIT_MAIN]: files, [COMMIT_OLD]: { 'config.json': { content: text('{"old": true}') } } },
      renamedFrom: 'old-name/tiny',
    },
    'albert-ts/private': { refs: { main: COMMIT_MAIN }, commits: { [COMMIT_MAIN]: files }, privateToken: 'hf_private' },
    'albert-ts/gated': { refs: { main: COMMIT_MAIN }, commits: { [COMMIT_MAIN]: files }, gatedToken: 'hf_granted' },
    'tiny-canonical': { refs: { main: COMMIT_MAIN }, commits: { [COMMIT_MAIN]: files } },
    'albert-ts/sharded': {
      refs: { main: COMMIT_MAIN },
      commits: {
        [COMMIT_MAIN]: await mockFilesOfDirectory(checkpointFixtureDir('sharded-safetensors'), ['README.md']),
      },
    },
    'albert-ts/bin-only': {
      refs: { main: COMMIT_MAIN },
      commits: { [COMMIT_MAIN]: await mockFilesOfDirectory(checkpointFixtureDir('pytorch-zip')) },
    },
    'albert-ts/demo': {
      refs: { main: COMMIT_MAIN },
      commits: {
        [COMMIT_MAIN]: await mockFilesOfDirectory(DEMO_MODEL_DIR, ['README.md', 'SOURCES.md', 'expected.json']),
      },
    },
  };
}

const HUB_VARIABLES = [
  'HF_HOME',
  'HF_HUB_CACHE',
  'HUGGINGFACE_HUB_CACHE',
  'HF_ENDPOINT',
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'HF_TOKEN_PATH',
  'HF_HUB_OFFLINE',
  'XDG_CACHE_HOME',
];

/**
 * Points every Hub environment variable at a fresh temporary home (so tests never read the machine's cache
 * or token) and returns the function that restores them and deletes the folder.
 */
export async function isolateHubEnvironment(): Promise<{ home: string; restore: () => Promise<void> }> {
  const saved = new Map(HUB_VARIABLES.map((name) => [name, process.env[name]]));
  const home = await mkdtemp(join(tmpdir(), 'albert-ts-hub-home-'));
  for (const name of HUB_VARIABLES) delete process.env[name];
  process.env.HF_HOME = home;
  return {
    home,
    restore: async () => {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** A fresh empty cache directory. */
export async function temporaryCache(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'albert-ts-hub-cache-'));
}

/** Where {@link useTinyMockHub} hands its mock Hub and each test's cache directory. */
export interface TinyMockHubReceivers {
  /** Receives the mock Hub (once, before the file's tests). */
  readonly hub: (hub: MockHub) => void;
  /** Receives a fresh empty cache directory before each test (deleted after it). */
  readonly cacheDir: (cacheDir: string) => void;
}

/**
 * The vitest hooks every Hub test file shares: an isolated Hub environment and a mock Hub serving
 * {@link tinyRepos} for the file, a fresh cache directory and a cleared request log for each test.
 */
export function useTinyMockHub(receivers: TinyMockHubReceivers): void {
  let hub: MockHub | undefined;
  let cacheDir: string | undefined;
  let restoreEnvironment: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    restoreEnvironment = (await isolateHubEnvironment()).restore;
    hub = await startMockHub(await tinyRepos());
    receivers.hub(hub);
  });
  afterAll(async () => {
    await hub?.close();
    await restoreEnvironment?.();
  });
  beforeEach(async () => {
    cacheDir = await temporaryCache();
    if (hub !== undefined) hub.requests.length = 0;
    receivers.cacheDir(cacheDir);
  });
  afterEach(async () => {
    if (cacheDir !== undefined) await rm(cacheDir, { recursive: true, force: true });
  });
}

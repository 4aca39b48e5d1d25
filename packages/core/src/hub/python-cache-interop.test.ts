/**
 * Cache compatibility with the Python `huggingface_hub` library itself: Python downloads from the mock Hub
 * and we read its cache offline; we download and Python reads ours offline and `scan_cache_dir` (which
 * rejects any deviation from its layout) accepts it. Needs a Python with `huggingface_hub` importable:
 * `ALBERT_PYTHON` (default `python3`) and the usual `PYTHONPATH`; skipped with the reason otherwise.
 */
import { execFile, execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { directorySource, readCheckpoint } from '../checkpoint/index.js';
import type { HubModelSource } from './hub-model-source.js';
import { resolvePretrained } from './resolve-pretrained.js';
import { COMMIT_MAIN, isolateHubEnvironment, temporaryCache, TINY_MODEL_DIR, tinyRepos } from './test-hub-fixtures.js';
import { startMockHub, type MockHub } from './test-hub-server.js';

const python = process.env.ALBERT_PYTHON ?? 'python3';

function pythonHubVersion(): string | null {
  try {
    return execFileSync(python, ['-c', 'import huggingface_hub; print(huggingface_hub.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

const version = pythonHubVersion();
if (version === null) {
  console.warn(
    `[python-cache-interop] skipped: '${python}' cannot import huggingface_hub (set ALBERT_PYTHON / PYTHONPATH to run it)`,
  );
}

const runPython = async (script: string, environment: Record<string, string>): Promise<string> => {
  const { stdout } = await promisify(execFile)(python, ['-c', script], {
    env: {
      PATH: process.env.PATH ?? '',
      PYTHONPATH: process.env.PYTHONPATH ?? '',
      HF_HUB_DISABLE_TELEMETRY: '1',
      ...environment,
    },
    encoding: 'utf8',
  });
  return stdout.trim();
};

describe.skipIf(version === null)(`cache shared with Python huggingface_hub ${version ?? ''}`, () => {
  let hub: MockHub;
  let cacheDir: string;
  let home: string;
  let restoreEnvironment: () => Promise<void>;
  beforeAll(async () => {
    ({ home, restore: restoreEnvironment } = await isolateHubEnvironment());
    hub = await startMockHub(await tinyRepos());
  });
  afterAll(async () => {
    await hub.close();
    await restoreEnvironment();
  });
  beforeEach(async () => {
    cacheDir = await temporaryCache();
  });
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('a cache written by Python is used by resolvePretrained offline', async () => {
    const printed = await runPython(
      [
        'from huggingface_hub import hf_hub_download',
        'import sys',
        `for name in ("config.json", "model.safetensors"):`,
        `    print(hf_hub_download("albert-ts/tiny", name, cache_dir=${JSON.stringify(cacheDir)}))`,
      ].join('\n'),
      { HF_ENDPOINT: hub.endpoint, HF_HOME: home },
    );
    expect(printed.split('\n')).toEqual([
      join(cacheDir, 'models--albert-ts--tiny', 'snapshots', COMMIT_MAIN, 'config.json'),
      join(cacheDir, 'models--albert-ts--tiny', 'snapshots', COMMIT_MAIN, 'model.safetensors'),
    ]);
    hub.requests.length = 0;
    const source = (await resolvePretrained('albert-ts/tiny', { cacheDir, localFilesOnly: true })) as HubModelSource;
    expect(source.commit).toBe(COMMIT_MAIN);
    const fromCache = await readCheckpoint(source);
    const fromDisk = await readCheckpoint(directorySource(TINY_MODEL_DIR));
    expect([...fromCache.stateDict.keys()]).toEqual([...fromDisk.stateDict.keys()]);
    expect(hub.requests).toEqual([]);
  });

  it('a cache written by resolvePretrained is read by Python offline and passes scan_cache_dir', async () => {
    await resolvePretrained('albert-ts/tiny', { cacheDir, endpoint: hub.endpoint });
    await resolvePretrained('albert-ts/tiny', {
      cacheDir,
      endpoint: hub.endpoint,
      revision: 'v1',
      include: ['config'],
    });
    hub.requests.length = 0;
    const printed = await runPython(
      [
        'import json',
        'from huggingface_hub import hf_hub_download, scan_cache_dir, try_to_load_from_cache',
        `cache = ${JSON.stringify(cacheDir)}`,
        'paths = [hf_hub_download("albert-ts/tiny", name, cache_dir=cache, local_files_only=True) for name in ("config.json", "model.safetensors", "tokenizer_config.json")]',
        'old = hf_hub_download("albert-ts/tiny", "config.json", revision="v1", cache_dir=cache, local_files_only=True)',
        'info = scan_cache_dir(cache)',
        'repo = next(iter(info.repos))',
        'print(json.dumps({',
        '  "paths": paths, "old": open(old).read(), "warnings": [str(w) for w in info.warnings],',
        '  "repo": repo.repo_id, "refs": sorted(r for rev in repo.revisions for r in rev.refs),',
        '  "files": sorted(f.file_name for rev in repo.revisions for f in rev.files),',
        '  "size": repo.size_on_disk,',
        '  "spiece": str(try_to_load_from_cache("albert-ts/tiny", "spiece.model", cache_dir=cache)),',
        '}))',
      ].join('\n'),
      { HF_HOME: home, HF_HUB_OFFLINE: '1' },
    );
    const result = JSON.parse(printed) as Record<string, unknown>;
    expect(result.paths).toEqual(
      ['config.json', 'model.safetensors', 'tokenizer_config.json'].map((name) =>
        join(cacheDir, 'models--albert-ts--tiny', 'snapshots', COMMIT_MAIN, name),
      ),
    );
    expect(result.old).toBe('{"old": true}');
    expect(result.warnings).toEqual([]);
    expect(result.repo).toBe('albert-ts/tiny');
    expect(result.refs).toEqual(['main', 'v1']);
    expect(result.files).toEqual(['config.json', 'config.json', 'model.safetensors', 'tokenizer_config.json']);
    expect(result.spiece).toBe('None');
    expect(hub.requests).toEqual([]);
  });

  it('.no_exist markers written by HEAD discovery are understood by Python', async () => {
    await resolvePretrained('albert-ts/tiny', { cacheDir, endpoint: hub.endpoint, discovery: 'head' });
    const printed = await runPython(
      [
        'from huggingface_hub import try_to_load_from_cache, _CACHED_NO_EXIST',
        `print(try_to_load_from_cache("albert-ts/tiny", "spiece.model", cache_dir=${JSON.stringify(cacheDir)}) is _CACHED_NO_EXIST)`,
      ].join('\n'),
      { HF_HOME: home, HF_HUB_OFFLINE: '1' },
    );
    expect(printed).toBe('True');
  });
});

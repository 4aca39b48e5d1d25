import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubError } from './hub-error.js';
import { normalizeEtag } from './hub-file-metadata.js';
import {
  hubFileUrl,
  hubRevisionApiUrl,
  isCommitHash,
  looksLikeLocalPath,
  repoFolderName,
  validateRepoId,
} from './hub-names.js';
import { resolveHubSettings } from './hub-settings.js';

describe("resolveHubSettings: the Python library's environment variables and defaults", () => {
  it('defaults to ~/.cache/huggingface/hub, huggingface.co, main, online, no token', async () => {
    const settings = await resolveHubSettings({ environment: { HF_TOKEN_PATH: '/nonexistent/token' } });
    expect(settings.cacheDir).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
    expect(settings.endpoint).toBe('https://huggingface.co');
    expect(settings.revision).toBe('main');
    expect(settings.localFilesOnly).toBe(false);
    expect(settings.token).toBeNull();
  });

  it('XDG_CACHE_HOME, HF_HOME, HUGGINGFACE_HUB_CACHE and HF_HUB_CACHE, in increasing priority; ~ expanded', async () => {
    const cacheOf = async (environment: Record<string, string>): Promise<string | null> =>
      (await resolveHubSettings({ environment: { HF_TOKEN_PATH: '/nonexistent/token', ...environment } })).cacheDir;
    expect(await cacheOf({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/huggingface/hub');
    expect(await cacheOf({ XDG_CACHE_HOME: '/xdg', HF_HOME: '/hf-home' })).toBe('/hf-home/hub');
    expect(await cacheOf({ HF_HOME: '/hf-home', HUGGINGFACE_HUB_CACHE: '/legacy' })).toBe('/legacy');
    expect(await cacheOf({ HUGGINGFACE_HUB_CACHE: '/legacy', HF_HUB_CACHE: '/hub-cache' })).toBe('/hub-cache');
    expect(await cacheOf({ HF_HUB_CACHE: '~/models' })).toBe(join(homedir(), 'models'));
    expect(
      (await resolveHubSettings({ cacheDir: '/explicit', environment: { HF_HUB_CACHE: '/hub-cache' } })).cacheDir,
    ).toBe('/explicit');
  });

  it('HF_ENDPOINT (trailing slash dropped) and HF_HUB_OFFLINE truthy values', async () => {
    expect((await resolveHubSettings({ environment: { HF_ENDPOINT: 'https://mirror.example/' } })).endpoint).toBe(
      'https://mirror.example',
    );
    for (const value of ['1', 'ON', 'yes', 'True']) {
      expect((await resolveHubSettings({ environment: { HF_HUB_OFFLINE: value } })).localFilesOnly, value).toBe(true);
    }
    for (const value of ['0', 'off', 'false', '']) {
      expect((await resolveHubSettings({ environment: { HF_HUB_OFFLINE: value } })).localFilesOnly, value).toBe(false);
    }
    expect(
      (await resolveHubSettings({ localFilesOnly: false, environment: { HF_HUB_OFFLINE: '1' } })).localFilesOnly,
    ).toBe(false);
  });

  it('token: option, then HF_TOKEN, then the token file ($HF_HOME/token or HF_TOKEN_PATH); false sends none', async () => {
    const home = await mkdtemp(join(tmpdir(), 'albert-ts-hf-home-'));
    try {
      await writeFile(join(home, 'token'), 'hf_from_file\n');
      expect((await resolveHubSettings({ environment: { HF_HOME: home } })).token).toBe('hf_from_file');
      expect((await resolveHubSettings({ environment: { HF_HOME: home, HF_TOKEN: 'hf_env' } })).token).toBe('hf_env');
      expect((await resolveHubSettings({ token: 'hf_option', environment: { HF_TOKEN: 'hf_env' } })).token).toBe(
        'hf_option',
      );
      expect(
        (await resolveHubSettings({ token: false, environment: { HF_HOME: home, HF_TOKEN: 'hf_env' } })).token,
      ).toBeNull();
      expect((await resolveHubSettings({ environment: { HF_TOKEN_PATH: join(home, 'token') } })).token).toBe(
        'hf_from_file',
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('Hub names', () => {
  it('cache folder names and URLs as the Python library builds them', () => {
    expect(repoFolderName('albert/albert-base-v2')).toBe('models--albert--albert-base-v2');
    expect(repoFolderName('albert-base-v2')).toBe('models--albert-base-v2');
    expect(hubFileUrl('https://huggingface.co', 'org/name', 'sub dir/file#1.json', 'refs/pr/1')).toBe(
      'https://huggingface.co/org/name/resolve/refs%2Fpr%2F1/sub%20dir/file%231.json',
    );
    expect(hubRevisionApiUrl('https://huggingface.co', 'org/name', 'v1.0')).toBe(
      'https://huggingface.co/api/models/org/name/revision/v1.0',
    );
  });

  it('validates repository ids like validate_repo_id', () => {
    for (const valid of [
      'albert-base-v2',
      'albert/albert-base-v2',
      'textattack/albert-base-v2-SST-2',
      'a_b.c/d-e_f.g',
    ]) {
      expect(() => validateRepoId(valid), valid).not.toThrow();
    }
    for (const invalid of ['', 'a/b/c', 'a--b', 'a..b', 'name.git', '-name', 'name-', 'has space', 'org/', '/name']) {
      expect(() => validateRepoId(invalid), invalid).toThrow(HubError);
    }
  });

  it('tells commit hashes and local paths apart from ids', () => {
    expect(isCommitHash('a'.repeat(40))).toBe(true);
    expect(isCommitHash('main')).toBe(false);
    expect(isCommitHash('A'.repeat(40))).toBe(false);
    for (const path of ['./model', '../model', '/abs/model', '~/model', 'C:\\models', 'a/b/c'])
      expect(looksLikeLocalPath(path), path).toBe(true);
    for (const id of ['albert-base-v2', 'albert/albert-base-v2']) expect(looksLikeLocalPath(id), id).toBe(false);
  });

  it('normalizes ETags like _normalize_etag', () => {
    expect(normalizeEtag('"abc"')).toBe('abc');
    expect(normalizeEtag('W/"abc"')).toBe('abc');
    expect(normalizeEtag('abc')).toBe('abc');
  });
});

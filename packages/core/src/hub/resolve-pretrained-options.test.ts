import { OptionsError } from '@albert-ts/config';
import { describe, expect, it } from 'vitest';
import { FROM_PRETRAINED_OPTION_KEYS } from '../model/albert-pretrained-model.js';
import {
  pickResolvePretrainedOptions,
  RESOLVE_PRETRAINED_OPTION_KEYS,
  resolvePretrained,
} from './resolve-pretrained.js';

describe('resolvePretrained options', () => {
  it('refuses an unknown key with its right spelling, before touching the file system or network', async () => {
    const call = resolvePretrained('albert/albert-base-v2', { local_files_only: true } as never);
    await expect(call).rejects.toBeInstanceOf(OptionsError);
    await expect(call).rejects.toThrow(/local_files_only is spelled localFilesOnly/);
  });

  it('picks only its own keys out of a larger options object', () => {
    const onProgress = (): void => {};
    const picked = pickResolvePretrainedOptions({
      backend: {},
      dtype: 'int8',
      revision: 'main',
      onProgress,
      cacheDir: undefined,
    });
    expect(picked).toEqual({ revision: 'main', onProgress });
  });

  it('every Hub option is also a fromPretrained option (maxMetadataBytes included)', () => {
    for (const key of RESOLVE_PRETRAINED_OPTION_KEYS) expect(FROM_PRETRAINED_OPTION_KEYS).toContain(key);
  });
});

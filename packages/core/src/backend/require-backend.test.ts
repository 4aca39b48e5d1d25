import { describe, expect, it } from 'vitest';
import { AlbertForMaskedLM } from '../model/albert-for-masked-lm.js';
import { memorySource } from '../checkpoint/sources/memory-source.js';
import { BackendError } from './backend-error.js';

describe('fromPretrained without a backend', () => {
  it('throws BACKEND_NONE_GIVEN naming the packages to install, before reading anything', async () => {
    const source = memorySource({}, 'empty');
    for (const options of [undefined, {}, { backend: undefined }, { backend: [] }, { backend: 'wasm' }]) {
      const error = await AlbertForMaskedLM.fromPretrained(source, options as never).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).code).toBe('BACKEND_NONE_GIVEN');
      expect((error as BackendError).message).toMatch(/npm install @albert-ts\/backend-node/);
      expect((error as BackendError).message).toMatch(/albert-ts/);
    }
  });
});

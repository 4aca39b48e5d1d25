import { describe, expect, it } from 'vitest';
import type { Backend, BackendProbeResult } from './backend.js';
import { BackendError } from './backend-error.js';
import { selectBackend } from './select-backend.js';

function fake(name: string, result: BackendProbeResult | 'throws'): Backend {
  return {
    specificationVersion: 1,
    name,
    capabilities: { contribOperators: [], float16: false },
    probe: async () => {
      if (result === 'throws') throw new Error('broken adapter');
      return result;
    },
    load: async () => {
      throw new Error('not used');
    },
  };
}

describe('selectBackend', () => {
  it('returns the first available backend, in order', async () => {
    const chosen = await selectBackend([
      fake('a', { available: false, reason: 'no GPU' }),
      fake('b', { available: true }),
      fake('c', { available: true }),
    ]);
    expect(chosen.name).toBe('b');
  });
  it('lists every reason in one typed error when none is available', async () => {
    const error = await selectBackend([
      fake('node-cuda', { available: false, reason: 'libcudart missing' }),
      fake('node-webgpu', { available: false, reason: 'no adapter' }),
      fake('odd', 'throws'),
    ]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as BackendError).message).toMatch(
      /node-cuda: libcudart missing[\s\S]*node-webgpu: no adapter[\s\S]*odd: probe\(\) threw: broken adapter/,
    );
    expect((error as BackendError).details['reasons']).toEqual({
      'node-cuda': 'libcudart missing',
      'node-webgpu': 'no adapter',
      odd: 'probe() threw: broken adapter',
    });
  });
  it('rejects an empty list', async () => {
    await expect(selectBackend([])).rejects.toMatchObject({ code: 'BACKEND_NONE_GIVEN' });
  });
});

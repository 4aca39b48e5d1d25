import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Backend } from '@albert-ts/core';
import { defineParitySuite, formatParityTable } from './parity-suite.js';

// A backend that cannot run here: the suite must report every test as skipped with the probe reason
// (not silently pass), since it is not in requiredBackends.
const unavailable: Backend = {
  specificationVersion: 1,
  name: 'fake-unavailable',
  capabilities: { contribOperators: [], float16: false },
  probe: async () => ({ available: false, reason: 'fake backend: no device here' }),
  load: async () => {
    throw new Error('must not be called');
  },
};

defineParitySuite({
  backendName: 'fake-unavailable',
  createBackend: () => unavailable,
  readFixture: async (path) => new Uint8Array(await readFile(new URL(`../../../fixtures/${path}`, import.meta.url))),
  models: ['tiny'],
  requiredBackends: [],
});

describe('formatParityTable', () => {
  it('shows the worst difference per model / checkpoint / output', () => {
    const row = {
      backend: 'b',
      flavour: 'plain' as const,
      model: 'tiny',
      checkpoint: 'AlbertModel',
      output: 'last_hidden_state',
      pass: true,
    };
    const table = formatParityTable([
      { ...row, case: 'a', maxAbsDiff: 1e-6 },
      { ...row, case: 'b', maxAbsDiff: 3e-6 },
    ]);
    expect(table).toMatch(/tiny +AlbertModel +last_hidden_state +3\.00e-6 +yes/);
  });
});

import { describe } from 'vitest';
import { requiredBackends } from './test-support/browser-files.js';
import { defineBrowserConsistencyTests } from './test-support/browser-consistency.js';
import { wasmBackend } from './wasm-backend.js';

describe('browser-wasm consistency with node-cpu (randomized albert-base-like model)', () => {
  defineBrowserConsistencyTests('browser-wasm', () => wasmBackend(), {
    required: requiredBackends.split(',').includes('browser-wasm'),
  });
});

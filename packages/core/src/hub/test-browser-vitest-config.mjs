/**
 * Vitest config of the Hub's browser tests (`*.browser.test.ts` in this folder), run in the system
 * Chromium with backend-wasm's browser settings:
 * `npx vitest run --config src/hub/test-browser-vitest-config.mjs` from `packages/core`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../../../vitest.shared.ts';
import { browserViteSettings, chromiumBrowser } from '../../../backend-wasm/vitest.browser.ts';

export default mergeConfig(
  mergeConfig(sharedConfig, browserViteSettings()),
  defineConfig({
    root: fileURLToPath(new URL('../../', import.meta.url)),
    test: {
      name: 'hub-browser',
      include: ['src/hub/**/*.browser.test.ts'],
      globalSetup: ['src/hub/test-browser-global-setup.ts'],
      browser: chromiumBrowser(),
    },
  }),
);

/**
 * Vitest config of the Hub's browser tests (`*.browser.test.ts` in this folder), run in the system
 * Chromium with backend-wasm's browser settings:
 * `npx vitest run --config src/hub/test-browser-vitest-config.mjs` from `packages/core`.
 * Without Chromium it runs one skipped test that says why (unless ALBERT_REQUIRE_BACKENDS requires browser-wasm).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../../../vitest.shared.ts';
import { browserProjectEnabled, browserViteSettings, chromiumBrowser } from '../../../backend-wasm/vitest.browser.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export default browserProjectEnabled(['browser-wasm'])
  ? mergeConfig(
      mergeConfig(sharedConfig, browserViteSettings()),
      defineConfig({
        root,
        test: {
          name: 'hub-browser',
          include: ['src/hub/**/*.browser.test.ts'],
          globalSetup: ['src/hub/test-browser-global-setup.ts'],
          browser: chromiumBrowser(),
        },
      }),
    )
  : mergeConfig(
      sharedConfig,
      defineConfig({ root, test: { name: 'hub-browser', include: ['test/browser-unavailable.skip-test.ts'] } }),
    );

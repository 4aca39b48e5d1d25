import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { browserProjectEnabled, browserViteSettings, chromiumBrowser } from './vitest.browser.ts';

/**
 * Two projects: `node` (Node tests, `*.test.ts`: node-wasm) and `browser` (Chromium, `*.browser.test.ts`:
 * browser-wasm). `pnpm test` runs the first, then the second.
 */
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: { name: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
        },
        ...(browserProjectEnabled(['browser-wasm'])
          ? [
              mergeConfig(browserViteSettings(), {
                extends: true,
                test: {
                  name: 'browser',
                  include: ['src/**/*.browser.test.ts'],
                  globalSetup: ['src/test-support/consistency-global-setup.ts'],
                  browser: chromiumBrowser(),
                },
              }),
            ]
          : [{ extends: true, test: { name: 'browser', include: ['src/browser-unavailable.skip-test.ts'] } }]),
      ],
    },
  }),
);

import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { browserProjectEnabled, browserViteSettings, chromiumBrowser } from '../backend-wasm/vitest.browser.ts';

/**
 * Two projects: `node` (Node tests, `*.test.ts`: what happens without WebGPU) and `browser` (Chromium, `*.browser.test.ts`:
 * browser-webgpu). `pnpm test` runs both.
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
        ...(browserProjectEnabled(['browser-webgpu'])
          ? [
              mergeConfig(browserViteSettings(), {
                extends: true,
                test: {
                  name: 'browser',
                  include: ['src/**/*.browser.test.ts'],
                  globalSetup: ['../backend-wasm/src/test-support/consistency-global-setup.ts'],
                  browser: chromiumBrowser(),
                },
              }),
            ]
          : [{ extends: true, test: { name: 'browser', include: ['src/browser-unavailable.skip-test.ts'] } }]),
      ],
    },
  }),
);

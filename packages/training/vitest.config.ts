import { defineConfig, mergeConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { browserProjectEnabled, browserViteSettings, chromiumBrowser } from '../backend-wasm/vitest.browser.ts';

/**
 * Two projects: `node` (`*.test.ts`: node-cpu, node-wasm, node-webgpu) and `browser` (Chromium,
 * `*.browser.test.ts`: browser-wasm and browser-webgpu). Without Chromium the browser project runs one
 * skipped test that says why.
 */
const node: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
};
const browser: TestProjectInlineConfiguration = browserProjectEnabled(['browser-wasm', 'browser-webgpu'])
  ? mergeConfig(browserViteSettings(), {
      extends: true,
      test: { name: 'browser', include: ['src/**/*.browser.test.ts'], browser: chromiumBrowser() },
    })
  : { extends: true, test: { name: 'browser', include: ['test/browser-unavailable.skip-test.ts'] } };

export default mergeConfig(sharedConfig, defineConfig({ test: { projects: [node, browser] } }));

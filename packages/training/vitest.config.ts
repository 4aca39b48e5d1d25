import { existsSync } from 'node:fs';
import { defineConfig, mergeConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { browserProjectEnabled, browserViteSettings, chromiumBrowser } from '../backend-wasm/vitest.browser.ts';

/**
 * Two projects: `node` (`*.test.ts`: node-cpu, node-wasm, node-webgpu) and `browser` (Chromium,
 * `*.browser.test.ts`: browser-wasm and browser-webgpu). Without Chromium the browser project runs one
 * skipped test that says why.
 */
// Without a GPU, onnxruntime-node's WebGPU (node-webgpu) runs on SwiftShader, the software Vulkan driver
// shipped with chromium: selected as in packages/backend-node unless the environment chose a Vulkan driver.
const swiftShader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env: Record<string, string> = {};
if (process.env['VK_ICD_FILENAMES'] === undefined && existsSync(swiftShader)) env['VK_ICD_FILENAMES'] = swiftShader;
const node: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'], env },
};
const browser: TestProjectInlineConfiguration = browserProjectEnabled(['browser-wasm', 'browser-webgpu'])
  ? mergeConfig(browserViteSettings(), {
      extends: true,
      test: { name: 'browser', include: ['src/**/*.browser.test.ts'], browser: chromiumBrowser() },
    })
  : { extends: true, test: { name: 'browser', include: ['test/browser-unavailable.skip-test.ts'] } };

export default mergeConfig(sharedConfig, defineConfig({ test: { projects: [node, browser] } }));

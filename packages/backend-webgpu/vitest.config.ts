import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { nodeAndBrowserProjects } from '../backend-wasm/vitest.browser.ts';

/**
 * Two projects: `node` (Node tests, `*.test.ts`: what happens without WebGPU) and `browser` (Chromium, `*.browser.test.ts`:
 * browser-webgpu). `pnpm test` runs both.
 */
export default mergeConfig(
  sharedConfig,
  defineConfig({ test: { projects: nodeAndBrowserProjects('browser-webgpu') } }),
);

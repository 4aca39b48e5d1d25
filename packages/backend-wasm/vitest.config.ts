import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { nodeAndBrowserProjects } from './vitest.browser.ts';

/**
 * Two projects: `node` (Node tests, `*.test.ts`: node-wasm) and `browser` (Chromium, `*.browser.test.ts`:
 * browser-wasm). `pnpm test` runs the first, then the second.
 */
export default mergeConfig(sharedConfig, defineConfig({ test: { projects: nodeAndBrowserProjects('browser-wasm') } }));

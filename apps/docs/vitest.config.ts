import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

// The site's code examples (run in Node) and a crawl of the built site in Chromium.
export default mergeConfig(sharedConfig, defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000 } }));

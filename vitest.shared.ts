import { defaultServerConditions, defaultClientConditions } from 'vite';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Vitest settings shared by every package: tests resolve workspace packages to their TypeScript
 * sources through the `@albert-ts/source` export condition, so no build is needed before testing.
 */
export const sharedConfig: ViteUserConfig = {
  resolve: { conditions: ['@albert-ts/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@albert-ts/source', ...defaultServerConditions], externalConditions: ['@albert-ts/source'] } },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
};

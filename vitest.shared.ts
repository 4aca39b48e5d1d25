import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions, defaultClientConditions } from 'vite';
import type { ViteUserConfig } from 'vitest/config';

const repositoryRoot = dirname(fileURLToPath(import.meta.url));

/**
 * When the root `pnpm test` runs (scripts/run-tests.mjs), it sets ALBERT_TEST_RESULTS_DIR: every vitest
 * run then also writes its JSON report there, named after the package directory, so that the script can
 * print one `N passed, N failed, N skipped` line summed over all packages.
 */
function jsonReporter(): [] | [['json', { outputFile: string }]] {
  const directory = process.env.ALBERT_TEST_RESULTS_DIR;
  if (directory === undefined || directory === '') return [];
  const packageName = relative(repositoryRoot, process.cwd()).split(/[\\/]/).join('__') || basename(process.cwd());
  return [['json', { outputFile: resolve(directory, `${packageName}--${process.pid}.json`) }]];
}

/**
 * Vitest settings shared by every package: tests resolve workspace packages to their TypeScript
 * sources through the `@albert-ts/source` export condition, so no build is needed before testing.
 */
export const sharedConfig: ViteUserConfig = {
  resolve: { conditions: ['@albert-ts/source', ...defaultClientConditions] },
  ssr: {
    resolve: {
      conditions: ['@albert-ts/source', ...defaultServerConditions],
      externalConditions: ['@albert-ts/source'],
    },
  },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', ...jsonReporter()],
  },
};

/**
 * Test support (Node only): absolute directories of the test data, shared by the browser test config
 * (`vitest.browser.ts`, which hands them to the page) and the browser projects' globalSetup.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The repository's fixtures. */
export const fixturesDirectory = resolve(repositoryRoot, 'fixtures');
/** Third-party vocabularies, outside the repository (may be absent). */
export const thirdPartyDirectory = resolve(repositoryRoot, '../shared/third-party');
/** Generated test data (reference outputs computed in Node for the browser to compare against). */
export const generatedDirectory = resolve(repositoryRoot, 'node_modules/.cache/albert-ts-browser-tests');

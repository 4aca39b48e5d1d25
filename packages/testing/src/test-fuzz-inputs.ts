/**
 * Test helper (not exported): the one fuzz harness of albert-ts lives in `@albert-ts/config` as a test-only
 * file (so the fuzz suites of config, tokenizer and core can use it without a package cycle); the fuzz suites
 * of this package use it from here.
 */
export * from '../../config/src/test-fuzz-inputs.js';

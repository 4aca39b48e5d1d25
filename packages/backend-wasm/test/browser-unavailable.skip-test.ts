import { it } from 'vitest';

// Stands in for the browser tests when there is no Chromium (see backend-wasm's vitest.browser.ts): one
// skipped test that says why, instead of a project that cannot start. Outside src/: never packed.
const chromium = process.env.ALBERT_CHROMIUM_PATH ?? '/usr/bin/chromium';
it.skip(`browser tests: no Chromium at ${chromium} (install Debian's chromium or set ALBERT_CHROMIUM_PATH)`, () =>
  undefined);

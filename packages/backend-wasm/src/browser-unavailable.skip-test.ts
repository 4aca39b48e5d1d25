import { it } from 'vitest';

// Stands in for the browser project when there is no Chromium (see vitest.browser.ts): one skipped test
// that says why, instead of a project that cannot start.
it.skip('browser tests: no Chromium here (install Debian chromium or set ALBERT_CHROMIUM_PATH)', () => undefined);

import { it } from 'vitest';

// Stands in for the browser tests where there is no Chromium (see ../backend-wasm/vitest.browser.ts).
it.skip('browser-wasm and browser-webgpu training parity: no Chromium here (set ALBERT_CHROMIUM_PATH)', () =>
  undefined);

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsepAssetUrls } from '@albert-ts/backend-wasm/jsep-assets';
import { wasmAssetUrls } from '@albert-ts/backend-wasm/assets';
import { describe, expect, it } from 'vitest';
import { jsepAssetUrls as bundlerJsepAssetUrls } from './jsep-asset-urls.js';
import { wasmBackend as jsepWasmBackend } from './jsep.js';
import { wasmAssetUrls as bundlerWasmAssetUrls } from './wasm-asset-urls.js';
import { wasmBackend } from './wasm-backend.js';

describe('asset URLs (@albert-ts/backend-wasm/assets and /jsep-assets)', () => {
  it('are the installed onnxruntime-web files in Node (the node condition)', () => {
    const files = [wasmAssetUrls.mjs, wasmAssetUrls.wasm, jsepAssetUrls.mjs, jsepAssetUrls.wasm];
    expect(files.map((url) => url.protocol)).toEqual(['file:', 'file:', 'file:', 'file:']);
    expect(files.map((url) => url.pathname.split('/').pop())).toEqual([
      'ort-wasm-simd-threaded.mjs',
      'ort-wasm-simd-threaded.wasm',
      'ort-wasm-simd-threaded.jsep.mjs',
      'ort-wasm-simd-threaded.jsep.wasm',
    ]);
    for (const url of files) expect(existsSync(fileURLToPath(url)), url.href).toBe(true);
  });

  it("are `new URL('onnxruntime-web/…', import.meta.url)` for bundlers (the default condition)", () => {
    // Unbundled, these resolve next to this module; a bundler (Vite, webpack 5) rewrites them to its asset URLs.
    expect(bundlerWasmAssetUrls.mjs.href).toMatch(/\/onnxruntime-web\/ort-wasm-simd-threaded\.mjs$/);
    expect(bundlerWasmAssetUrls.wasm.href).toMatch(/\/onnxruntime-web\/ort-wasm-simd-threaded\.wasm$/);
    expect(bundlerJsepAssetUrls.mjs.href).toMatch(/\/onnxruntime-web\/ort-wasm-simd-threaded\.jsep\.mjs$/);
    expect(bundlerJsepAssetUrls.wasm.href).toMatch(/\/onnxruntime-web\/ort-wasm-simd-threaded\.jsep\.wasm$/);
  });

  it('run a backend in Node when passed as wasmPaths (both entry points share one runtime there)', async () => {
    await expect(wasmBackend({ wasmPaths: wasmAssetUrls }).probe()).resolves.toEqual({ available: true });
    const jsep = jsepWasmBackend({ wasmPaths: wasmAssetUrls });
    expect(jsep.name).toBe('wasm');
    await expect(jsep.probe()).resolves.toEqual({ available: true });
    // The same global settings: a conflicting one is reported whichever entry point asks for it.
    const conflicting = await jsepWasmBackend({ wasmPaths: jsepAssetUrls }).probe();
    expect(conflicting.available).toBe(false);
    expect(conflicting.available ? '' : conflicting.reason).toMatch(/already set up with wasmPaths=/);
  });
});

// WebAssembly threads in a bundled, cross-origin isolated page: backend-wasm's asset URLs as wasmPaths, so that
// onnxruntime-web's worker threads load its standalone loader (no dependency on onnxruntime-web's file names).
import { AlbertForMaskedLM, urlSource } from '@albert-ts/core';
import { wasmBackend } from '@albert-ts/backend-wasm';
import { wasmAssetUrls } from '@albert-ts/backend-wasm/assets';

async function main() {
  const backend = wasmBackend({ numThreads: 2, wasmPaths: wasmAssetUrls });
  const model = await AlbertForMaskedLM.fromPretrained(urlSource(new URL('./demo-model/', location.href).href), {
    backend,
  });
  const result = await model.fillMask('The river flows into the [MASK].');
  const environment = backend.environment();
  return {
    backend: backend.name,
    crossOriginIsolated: environment.crossOriginIsolated,
    threads: environment.numThreads ?? 1,
    threadsNote: environment.threadsNote,
    top: result.masks[0].predictions[0].token,
  };
}

main().then(
  (result) => {
    window.__albertResult = result;
  },
  (error) => {
    window.__albertError = `${error?.name}: ${error?.message}`;
  },
);

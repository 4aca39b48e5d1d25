// A small browser app on the published packages: core + backend-wasm, the demo model from ./demo-model/.
import { AlbertForMaskedLM, urlSource } from '@albert-ts/core';
import { wasmBackend } from '@albert-ts/backend-wasm';

async function main() {
  const backend = wasmBackend(window.ALBERT_WASM_PATHS ? { wasmPaths: window.ALBERT_WASM_PATHS } : {});
  const model = await AlbertForMaskedLM.fromPretrained(urlSource(new URL('./demo-model/', location.href).href), {
    backend,
  });
  const result = await model.fillMask('The river flows into the [MASK].');
  return {
    backend: backend.name,
    threads: backend.environment().numThreads ?? 1,
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

// albert-ts with device 'auto' in a browser: WebGPU where there is an adapter, else WebAssembly (reported).
import { AlbertForMaskedLM, urlSource } from 'albert-ts';

async function main() {
  const fallbacks = [];
  const model = await AlbertForMaskedLM.fromPretrained(urlSource(new URL('./demo-model/', location.href).href), {
    device: 'auto',
    onDeviceFallback: (fallback) => fallbacks.push(fallback),
  });
  const result = await model.fillMask('The river flows into the [MASK].');
  return { backend: model.backend.name, fallbacks, top: result.masks[0].predictions[0].token };
}

main().then(
  (result) => {
    window.__albertResult = result;
  },
  (error) => {
    window.__albertError = `${error?.name}: ${error?.message}`;
  },
);

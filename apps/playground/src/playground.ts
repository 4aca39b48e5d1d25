import { wasmBackend, type WasmBackend } from '@albert-ts/backend-wasm';
import { webgpuBackend, type WebGpuBackend } from '@albert-ts/backend-webgpu';
// The standalone onnxruntime-web WebAssembly files as bundler assets: with threads, its workers load this
// .mjs (self-contained) instead of re-importing the bundle chunk that holds onnxruntime-web.
import ortWasmModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasmBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { AlbertForMaskedLM, memorySource, urlSource, type Backend, type FillMaskResult, type ModelFileSource } from '@albert-ts/core';

/** The backends the page offers. */
export type PlaygroundBackendName = 'wasm' | 'webgpu';

/** Creates the backend of a name; WebAssembly uses up to 4 threads where the page is cross-origin isolated. */
export function createPlaygroundBackend(name: PlaygroundBackendName): Backend {
  if (name === 'webgpu') return webgpuBackend();
  return wasmBackend({ numThreads: globalThis.crossOriginIsolated ? 4 : 1, wasmPaths: { mjs: ortWasmModuleUrl, wasm: ortWasmBinaryUrl } });
}

/** The backend's name with what it runs on (threads for WebAssembly, the adapter for WebGPU). */
export function describeBackend(backend: Backend): string {
  if ('environment' in backend) {
    const threads = (backend as WasmBackend).environment().numThreads ?? 1;
    return `${backend.name} (${threads} thread${threads === 1 ? '' : 's'})`;
  }
  if ('adapterReport' in backend) {
    const adapter = (backend as WebGpuBackend).adapterReport()?.adapter;
    return `${backend.name} (${(backend as WebGpuBackend).build} build${adapter ? `, ${adapter.vendor} ${adapter.architecture}` : ''})`;
  }
  return backend.name;
}

/** A model source from user-picked files (matched by base name) or from a URL relative to the page. */
export async function playgroundSource(files: readonly File[], url: string, pageUrl: string): Promise<ModelFileSource> {
  if (files.length > 0) {
    const contents: Record<string, Uint8Array> = {};
    for (const file of files) contents[file.name] = new Uint8Array(await file.arrayBuffer());
    return memorySource(contents, `picked files (${files.map((file) => file.name).join(', ')})`);
  }
  return urlSource(new URL(url, pageUrl).href);
}

/** Renders the predictions as a table: one row per candidate of each mask. */
export function renderResults(container: HTMLElement, result: FillMaskResult): void {
  const document = container.ownerDocument;
  container.replaceChildren();
  result.masks.forEach((mask, maskNumber) => {
    const table = document.createElement('table');
    table.className = 'predictions';
    table.dataset.maskIndex = String(mask.maskIndex);
    const caption = table.createCaption();
    caption.textContent = `[MASK] ${maskNumber + 1} (token ${mask.maskIndex})`;
    const header = table.createTHead().insertRow();
    for (const title of ['token', 'score']) {
      const cell = document.createElement('th');
      cell.textContent = title;
      header.append(cell);
    }
    const body = table.createTBody();
    for (const prediction of mask.predictions) {
      const row = body.insertRow();
      row.className = 'prediction';
      row.dataset.tokenId = String(prediction.tokenId);
      const token = row.insertCell();
      token.className = 'token';
      token.textContent = (prediction.token ?? String(prediction.tokenId)).replace(/^\u2581/, '');
      const score = row.insertCell();
      score.className = 'score';
      score.textContent = prediction.score.toFixed(6);
    }
    container.append(table);
  });
}

/** Wires the page's form: loads the model once per backend + source, fills masks on submit. */
export function mountPlayground(document: Document): void {
  const form = document.querySelector<HTMLFormElement>('#playground');
  const status = document.querySelector<HTMLElement>('#status');
  const results = document.querySelector<HTMLElement>('#results');
  const urlInput = document.querySelector<HTMLInputElement>('#model-url');
  const filesInput = document.querySelector<HTMLInputElement>('#model-files');
  const sentenceInput = document.querySelector<HTMLInputElement>('#sentence');
  if (!form || !status || !results || !urlInput || !filesInput || !sentenceInput) throw new Error('playground: the page is missing form elements');
  const models = new Map<string, { backend: Backend; model: Promise<AlbertForMaskedLM> }>();

  const setStatus = (text: string, state: 'busy' | 'done' | 'error'): void => {
    status.textContent = text;
    status.dataset.state = state;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const backendName = (new FormData(form).get('backend') ?? 'wasm') as PlaygroundBackendName;
      const files = [...(filesInput.files ?? [])];
      const key = `${backendName}|${files.length > 0 ? files.map((file) => `${file.name}:${file.size}:${file.lastModified}`).join(',') : urlInput.value}`;
      try {
        let entry = models.get(key);
        if (entry === undefined) {
          setStatus(`loading the model on ${backendName}…`, 'busy');
          const backend = createPlaygroundBackend(backendName);
          const probe = await backend.probe();
          if (!probe.available) throw new Error(probe.reason);
          const model = playgroundSource(files, urlInput.value, document.location.href).then((source) => AlbertForMaskedLM.fromPretrained(source, { backend }));
          entry = { backend, model };
          models.set(key, entry);
          model.catch(() => models.delete(key));
        }
        const { backend, model } = entry;
        setStatus(`running on ${backendName}…`, 'busy');
        const started = performance.now();
        const result = await (await model).fillMask(sentenceInput.value, { topK: 5 });
        renderResults(results, result);
        setStatus(`${describeBackend(backend)}: ${(performance.now() - started).toFixed(0)} ms`, 'done');
      } catch (error) {
        results.replaceChildren();
        setStatus(error instanceof Error ? error.message : String(error), 'error');
      }
    })();
  });
}

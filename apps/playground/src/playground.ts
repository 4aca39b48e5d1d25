import { wasmBackend, type WasmBackend } from '@albert-ts/backend-wasm';
import { webgpuBackend, type WebGpuBackend } from '@albert-ts/backend-webgpu';
// The standalone onnxruntime-web WebAssembly files as bundler assets: with threads, its workers load this
// .mjs (self-contained) instead of re-importing the bundle chunk that holds onnxruntime-web.
import ortWasmModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasmBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { memorySource, urlSource, type Backend, type HubDownloadProgress, type ModelFileSource } from '@albert-ts/core';
import {
  pipeline,
  resolvePipelineTask,
  type FillMaskOutput,
  type FillMaskPrediction,
  type Pipeline,
  type PipelineTask,
  type QuestionAnsweringAnswer,
  type TokenClassificationOutput,
} from '@albert-ts/pipelines';

/** The backends the page offers. */
export type PlaygroundBackendName = 'wasm' | 'webgpu';

/** Creates the backend of a name; WebAssembly uses up to 4 threads where the page is cross-origin isolated. */
export function createPlaygroundBackend(name: PlaygroundBackendName): Backend {
  if (name === 'webgpu') return webgpuBackend();
  return wasmBackend({
    numThreads: globalThis.crossOriginIsolated ? 4 : 1,
    wasmPaths: { mjs: ortWasmModuleUrl, wasm: ortWasmBinaryUrl },
  });
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

/** What the second field means for each task (shown as its label). */
export const SECOND_FIELD: Readonly<Record<PipelineTask, string | null>> = {
  'fill-mask': null,
  'text-classification': 'Second text of a pair (optional)',
  'token-classification': null,
  'question-answering': 'Context (the answer is taken from it)',
  'feature-extraction': null,
  'zero-shot-classification': 'Candidate labels, comma-separated',
  'multiple-choice': 'Choices, separated by |',
  'sentence-order': 'Second segment',
};

/** The pipeline input of a task from the page's two text fields. */
export function taskInput(task: PipelineTask, text: string, second: string): unknown {
  switch (task) {
    case 'text-classification':
      return second.trim() === '' ? text : { text, text_pair: second };
    case 'question-answering':
      return { question: text, context: second };
    case 'zero-shot-classification':
      return { sequences: text, candidate_labels: second };
    case 'multiple-choice':
      return {
        text,
        choices: second
          .split('|')
          .map((choice) => choice.trim())
          .filter((choice) => choice !== ''),
      };
    case 'sentence-order':
      return { text, text_pair: second };
    default:
      return text;
  }
}

/** Renders fill-mask predictions as a table per mask: one row per candidate. */
export function renderResults(container: HTMLElement, result: FillMaskOutput): void {
  const document = container.ownerDocument;
  container.replaceChildren();
  const masks = (Array.isArray(result[0]) ? result : [result]) as FillMaskPrediction[][];
  masks.forEach((predictions, maskNumber) => {
    const table = document.createElement('table');
    table.className = 'predictions';
    table.createCaption().textContent = `[MASK] ${maskNumber + 1}`;
    const header = table.createTHead().insertRow();
    for (const title of ['token', 'score', 'sequence']) {
      const cell = document.createElement('th');
      cell.textContent = title;
      header.append(cell);
    }
    const body = table.createTBody();
    for (const prediction of predictions) {
      const row = body.insertRow();
      row.className = 'prediction';
      row.dataset.tokenId = String(prediction.token);
      const cells = [
        ['token', prediction.token_str],
        ['score', prediction.score.toFixed(6)],
        ['sequence', prediction.sequence],
      ] as const;
      for (const [name, value] of cells) {
        const cell = row.insertCell();
        cell.className = name;
        cell.textContent = value;
      }
    }
    container.append(table);
  });
}

/** Ranked labels as bars: `{label, score}` rows, best first. */
function renderRanked(container: HTMLElement, rows: readonly { label: string; score: number }[]): void {
  const document = container.ownerDocument;
  const list = document.createElement('ol');
  list.className = 'ranked';
  for (const row of rows) {
    const item = document.createElement('li');
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = row.label;
    const bar = document.createElement('meter');
    bar.min = 0;
    bar.max = 1;
    bar.value = Math.max(0, Math.min(1, row.score));
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = row.score.toFixed(4);
    item.append(label, ' ', bar, ' ', score);
    list.append(item);
  }
  container.append(list);
}

/** The text with spans marked (`[start, end)` in code points), each `<mark>` titled. */
function renderMarked(
  container: HTMLElement,
  text: string,
  spans: readonly { start: number; end: number; title: string; className: string }[],
): void {
  const document = container.ownerDocument;
  const characters = Array.from(text);
  const paragraph = document.createElement('p');
  paragraph.className = 'marked';
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    paragraph.append(characters.slice(at, span.start).join(''));
    const mark = document.createElement('mark');
    mark.className = span.className;
    mark.title = span.title;
    mark.dataset.label = span.title;
    mark.textContent = characters.slice(span.start, span.end).join('');
    paragraph.append(mark);
    at = span.end;
  }
  paragraph.append(characters.slice(at).join(''));
  container.append(paragraph);
}

/** Renders any task's result as people like to read it; the raw JSON follows in a `<pre>`. */
export function renderTaskResult(container: HTMLElement, task: PipelineTask, input: unknown, result: unknown): void {
  const document = container.ownerDocument;
  container.replaceChildren();
  container.dataset.task = task;
  if (task === 'fill-mask') renderResults(container, result as FillMaskOutput);
  else if (task === 'text-classification')
    renderRanked(container, (Array.isArray(result) ? result : [result]) as { label: string; score: number }[]);
  else if (task === 'zero-shot-classification') {
    const output = result as { labels: string[]; scores: number[] };
    renderRanked(
      container,
      output.labels.map((label, index) => ({ label, score: output.scores[index] as number })),
    );
  } else if (task === 'multiple-choice')
    renderRanked(
      container,
      (result as { choice: string; score: number }[]).map((entry) => ({ label: entry.choice, score: entry.score })),
    );
  else if (task === 'sentence-order') renderRanked(container, result as { label: string; score: number }[]);
  else if (task === 'token-classification') {
    const spans = (result as TokenClassificationOutput).flatMap((entity) =>
      entity.start === null || entity.end === null
        ? []
        : [
            {
              start: entity.start,
              end: entity.end,
              title: 'entity_group' in entity ? entity.entity_group : entity.entity,
              className: 'entity',
            },
          ],
    );
    renderMarked(container, input as string, spans);
  } else if (task === 'question-answering') {
    const answers = (Array.isArray(result) ? result : [result]) as QuestionAnsweringAnswer[];
    const best = answers[0];
    const context = (input as { context: string }).context;
    if (best !== undefined)
      renderMarked(container, context, [
        { start: best.start, end: best.end, title: `answer (${best.score.toFixed(4)})`, className: 'answer' },
      ]);
  } else if (task === 'feature-extraction') {
    const vector = ((result as number[][])[0] ?? []) as number[];
    const summary = document.createElement('p');
    summary.className = 'embedding';
    summary.textContent = `mean-pooled vector of ${vector.length} values: ${vector
      .slice(0, 8)
      .map((value) => value.toFixed(4))
      .join(', ')}, …`;
    container.append(summary);
  }
  const raw = document.createElement('pre');
  raw.className = 'json';
  raw.textContent = JSON.stringify(result).slice(0, 2000);
  container.append(raw);
}

/** A typed error as a sentence for people: the message, with its code in brackets. */
export function plainError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} [${code}]` : error.message;
  }
  return String(error);
}

/** Wires the page's form: loads each (task, backend, model) once, runs the task on submit. */
export function mountPlayground(document: Document): void {
  const form = document.querySelector<HTMLFormElement>('#playground');
  const status = document.querySelector<HTMLElement>('#status');
  const results = document.querySelector<HTMLElement>('#results');
  const urlInput = document.querySelector<HTMLInputElement>('#model-url');
  const idInput = document.querySelector<HTMLInputElement>('#model-id');
  const filesInput = document.querySelector<HTMLInputElement>('#model-files');
  const sentenceInput = document.querySelector<HTMLInputElement>('#sentence');
  const secondInput = document.querySelector<HTMLInputElement>('#second');
  const secondLabel = document.querySelector<HTMLElement>('#second-label');
  const taskSelect = document.querySelector<HTMLSelectElement>('#task');
  const runButton = document.querySelector<HTMLButtonElement>('#run');
  const download = document.querySelector<HTMLProgressElement>('#download');
  if (
    !form ||
    !status ||
    !results ||
    !urlInput ||
    !idInput ||
    !filesInput ||
    !sentenceInput ||
    !secondInput ||
    !secondLabel ||
    !taskSelect ||
    !runButton ||
    !download
  ) {
    throw new Error('playground: the page is missing form elements');
  }
  const pipelines = new Map<string, { backend: Backend; run: Promise<Pipeline<PipelineTask>>; loadMs: number }>();

  const setStatus = (text: string, state: 'busy' | 'done' | 'error'): void => {
    status.textContent = text;
    status.dataset.state = state;
  };
  const showSecondField = (): void => {
    const label = SECOND_FIELD[resolvePipelineTask(taskSelect.value) ?? 'fill-mask'];
    secondLabel.hidden = label === null;
    const text = secondLabel.querySelector('span');
    if (text !== null) text.textContent = label ?? '';
  };
  taskSelect.addEventListener('change', showSecondField);
  showSecondField();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (runButton.disabled) return;
    runButton.disabled = true;
    void (async () => {
      const task = resolvePipelineTask(taskSelect.value) ?? 'fill-mask';
      const backendName = (new FormData(form).get('backend') ?? 'wasm') as PlaygroundBackendName;
      const files = [...(filesInput.files ?? [])];
      const hubId = idInput.value.trim();
      const modelKey =
        files.length > 0
          ? files.map((file) => `${file.name}:${file.size}:${file.lastModified}`).join(',')
          : hubId !== ''
            ? `hub:${hubId}`
            : urlInput.value;
      const key = `${task}|${backendName}|${modelKey}`;
      try {
        let entry = pipelines.get(key);
        if (entry === undefined) {
          setStatus(`loading the model on ${backendName}…`, 'busy');
          const backend = createPlaygroundBackend(backendName);
          const probe = await backend.probe();
          if (!probe.available) throw new Error(`${backendName} cannot run in this browser: ${probe.reason}`);
          const started = performance.now();
          const onProgress = (progress: HubDownloadProgress): void => {
            download.hidden = progress.phase === 'done';
            if (progress.totalBytes !== null) download.max = progress.totalBytes;
            download.value = progress.loadedBytes;
          };
          const created: { backend: Backend; run: Promise<Pipeline<PipelineTask>>; loadMs: number } = {
            backend,
            loadMs: 0,
            run: (hubId !== '' && files.length === 0
              ? pipeline(task, hubId, { backend, onProgress, warn: () => {} } as never)
              : playgroundSource(files, urlInput.value, document.location.href).then((source) =>
                  pipeline(task, source, { backend, warn: () => {}, onWarning: () => {} } as never),
                )
            ).then((run) => {
              created.loadMs = performance.now() - started;
              return run as unknown as Pipeline<PipelineTask>;
            }),
          };
          entry = created;
          pipelines.set(key, entry);
          entry.run.catch(() => pipelines.delete(key));
        }
        const run = await entry.run;
        download.hidden = true;
        setStatus(`running ${task} on ${backendName}…`, 'busy');
        const input = taskInput(task, sentenceInput.value, secondInput.value);
        const started = performance.now();
        const options = task === 'feature-extraction' ? { pooling: 'mean' } : task === 'fill-mask' ? { topK: 5 } : {};
        const result = await (run as unknown as (input: unknown, options: unknown) => Promise<unknown>)(input, options);
        renderTaskResult(results, task, input, result);
        setStatus(
          `${describeBackend(entry.backend)}: ${(performance.now() - started).toFixed(0)} ms (model loaded in ${entry.loadMs.toFixed(0)} ms)`,
          'done',
        );
      } catch (error) {
        results.replaceChildren();
        download.hidden = true;
        setStatus(plainError(error), 'error');
      } finally {
        runButton.disabled = false;
      }
    })();
  });
}

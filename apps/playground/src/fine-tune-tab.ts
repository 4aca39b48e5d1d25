import { urlSource } from '@albert-ts/core';
import type { Pipeline } from '@albert-ts/pipelines';
import { TrainingError } from '@albert-ts/training';
import { fineTune, type FineTuneProgress } from './fine-tune-run.js';
import { parseLabelledSet, splitHeldOut } from './labelled-examples.js';
import { drawLossPlot } from './loss-plot.js';
import {
  createPlaygroundBackend,
  describeBackend,
  plainError,
  renderTaskResult,
  type PlaygroundBackendName,
} from './playground.js';
import { twoTopicsJsonLines } from './two-topics.js';

/** How error messages name the text box (its line numbers follow a colon). */
export const PASTED_SET_NAME = 'pasted set';

/** Texts longer than this (characters) are refused before parsing: the tab trains small sets. */
export const MAX_SET_CHARACTERS = 2_000_000;

function required<T extends Element>(document: Document, selector: string): T {
  const element = document.querySelector<T>(selector);
  if (element === null) throw new Error(`playground: the page has no ${selector}`);
  return element;
}

/** A number input's value, or NaN when it is empty or not a number. */
function numberOf(input: HTMLInputElement): number {
  return input.value.trim() === '' ? Number.NaN : Number(input.value);
}

/**
 * Wires the fine-tune tab: a labelled set (pasted, or a `.jsonl` file), a held-out share, a backend and the
 * hyper-parameters; Start trains the base model's classifier in the page with a live loss plot and the
 * held-out accuracy per epoch, Cancel stops it between steps; then the "try it" box classifies text with the
 * fine-tuned weights and the checkpoint's files can be downloaded.
 */
export function mountFineTune(document: Document): void {
  const form = required<HTMLFormElement>(document, '#fine-tune');
  const data = required<HTMLTextAreaElement>(document, '#fine-tune-data');
  const file = required<HTMLInputElement>(document, '#fine-tune-file');
  const heldOutPercent = required<HTMLInputElement>(document, '#fine-tune-held-out');
  const modelUrl = required<HTMLInputElement>(document, '#fine-tune-model');
  const epochs = required<HTMLInputElement>(document, '#fine-tune-epochs');
  const learningRate = required<HTMLInputElement>(document, '#fine-tune-lr');
  const batchSize = required<HTMLInputElement>(document, '#fine-tune-batch');
  const start = required<HTMLButtonElement>(document, '#fine-tune-start');
  const cancel = required<HTMLButtonElement>(document, '#fine-tune-cancel');
  const status = required<HTMLElement>(document, '#fine-tune-status');
  const plot = required<SVGSVGElement>(document, '#fine-tune-plot');
  const evaluations = required<HTMLTableSectionElement>(document, '#fine-tune-evaluations tbody');
  const tryForm = required<HTMLFormElement>(document, '#fine-tune-try');
  const tryText = required<HTMLInputElement>(document, '#fine-tune-text');
  const tryButton = required<HTMLButtonElement>(document, '#fine-tune-classify');
  const tryResult = required<HTMLElement>(document, '#fine-tune-result');
  const downloads = required<HTMLElement>(document, '#fine-tune-download');
  const downloadList = required<HTMLElement>(document, '#fine-tune-files');
  const downloadAll = required<HTMLButtonElement>(document, '#fine-tune-download-all');

  if (data.value.trim() === '') data.value = twoTopicsJsonLines();
  let setName = PASTED_SET_NAME;
  let controller: AbortController | undefined;
  let classifier: Pipeline<'text-classification'> | undefined;
  let objectUrls: string[] = [];

  const setStatus = (text: string, state: 'busy' | 'done' | 'cancelled' | 'error'): void => {
    status.textContent = text;
    status.dataset.state = state;
  };
  data.addEventListener('input', () => {
    setName = PASTED_SET_NAME;
  });
  file.addEventListener('change', () => {
    const picked = file.files?.[0];
    if (picked === undefined) return;
    void picked.text().then(
      (text) => {
        data.value = text;
        setName = picked.name;
        setStatus(
          `${picked.name} loaded (${text.split('\n').filter((line) => line.trim() !== '').length} lines)`,
          'done',
        );
      },
      (error: unknown) => setStatus(`${picked.name}: ${plainError(error)}`, 'error'),
    );
  });
  cancel.addEventListener('click', () => {
    if (controller === undefined) return;
    controller.abort();
    setStatus('cancelling after this step…', 'busy');
  });

  const addEvaluationRow = (progress: Extract<FineTuneProgress, { kind: 'evaluation' }>): void => {
    const row = evaluations.insertRow();
    const accuracy = progress.correct / progress.count;
    row.dataset.epoch = String(progress.epoch);
    row.dataset.accuracy = String(accuracy);
    row.dataset.loss = String(progress.loss);
    for (const text of [
      progress.epoch === 0 ? 'before training' : `epoch ${progress.epoch}`,
      progress.loss.toFixed(4),
      `${(accuracy * 100).toFixed(1)} % (${progress.correct}/${progress.count})`,
    ])
      row.insertCell().textContent = text;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (start.disabled) return;
    start.disabled = true;
    cancel.disabled = false;
    tryForm.hidden = true;
    downloads.hidden = true;
    tryResult.replaceChildren();
    evaluations.replaceChildren();
    downloadList.replaceChildren();
    const losses: number[] = [];
    drawLossPlot(plot, losses, 1);
    delete status.dataset.step;
    setStatus('reading the set…', 'busy');
    const run = new AbortController();
    controller = run;
    void (async () => {
      try {
        await classifier?.dispose();
        classifier = undefined;
        for (const url of objectUrls) URL.revokeObjectURL(url);
        objectUrls = [];
        if (data.value.length > MAX_SET_CHARACTERS)
          throw new TrainingError(
            'TRAINING_BAD_BATCH',
            `${setName}: ${data.value.length} characters; the tab trains sets of up to ${MAX_SET_CHARACTERS}`,
            { file: setName, value: data.value.length },
          );
        const set = parseLabelledSet(data.value, setName);
        const { train, heldOut } = splitHeldOut(set.examples, numberOf(heldOutPercent));
        const backendName = (new FormData(form).get('fine-tune-backend') ?? 'wasm') as PlaygroundBackendName;
        const backend = createPlaygroundBackend(backendName);
        const probe = await backend.probe();
        if (!probe.available) throw new Error(`${backendName} cannot run in this browser: ${probe.reason}`);
        setStatus(
          `loading the model on ${backendName}: ${train.length} training and ${heldOut.length} held-out examples, labels ${set.labels.join(', ')}…`,
          'busy',
        );
        let where = backendName as string;
        const result = await fineTune({
          backend,
          model: urlSource(new URL(modelUrl.value, document.location.href).href),
          labels: set.labels,
          train,
          heldOut,
          epochs: numberOf(epochs),
          learningRate: numberOf(learningRate),
          batchSize: numberOf(batchSize),
          signal: run.signal,
          onProgress: (progress) => {
            where = describeBackend(backend);
            if (progress.kind === 'evaluation') return addEvaluationRow(progress);
            losses.push(progress.loss);
            drawLossPlot(plot, losses, progress.totalSteps);
            status.dataset.step = String(progress.step);
            setStatus(
              `epoch ${progress.epoch}/${numberOf(epochs)} · step ${progress.step}/${progress.totalSteps} · loss ${progress.loss.toFixed(4)} · ${progress.stepsPerSecond.toFixed(2)} steps/s · ${where}`,
              'busy',
            );
          },
        });
        classifier = result.classifier;
        for (const [name, bytes] of result.files) {
          const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
          objectUrls.push(url);
          const link = document.createElement('a');
          link.href = url;
          link.download = name;
          link.textContent = `${name} (${(bytes.length / 1024).toFixed(0)} KiB)`;
          const item = document.createElement('li');
          item.append(link);
          downloadList.append(item);
        }
        downloads.hidden = false;
        tryForm.hidden = false;
        const summary = `${result.steps} step${result.steps === 1 ? '' : 's'} on ${where}`;
        if (result.cancelled) setStatus(`cancelled after ${summary}; the weights so far are ready to try`, 'cancelled');
        else setStatus(`trained: ${summary}; type a sentence below to try it`, 'done');
      } catch (error) {
        setStatus(plainError(error), 'error');
      } finally {
        if (controller === run) controller = undefined;
        start.disabled = false;
        cancel.disabled = true;
      }
    })();
  });

  downloadAll.addEventListener('click', () => {
    for (const link of downloadList.querySelectorAll('a')) link.click();
  });

  tryForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const model = classifier;
    if (model === undefined || tryButton.disabled) return;
    tryButton.disabled = true;
    const text = tryText.value;
    void (async () => {
      try {
        const result = await model(text, { topK: null });
        renderTaskResult(tryResult, 'text-classification', text, result);
      } catch (error) {
        tryResult.replaceChildren();
        tryResult.textContent = plainError(error);
      } finally {
        tryButton.disabled = false;
      }
    })();
  });
}

import { fileURLToPath } from 'node:url';
import { wasmBackend } from '@albert-ts/backend-wasm';
import { directorySource } from '@albert-ts/core';
import { TrainingError } from '@albert-ts/training';
import { describe, expect, it } from 'vitest';
import { checkFineTuneSettings, fineTune, type FineTuneProgress } from './fine-tune-run.js';
import { parseLabelledSet, splitHeldOut } from './labelled-examples.js';
import { twoTopicsJsonLines } from './two-topics.js';

// The fine-tune tab's run without a browser: the demo model on onnxruntime-web's WebAssembly build in Node
// (the page runs the same code in Chromium, see playground.e2e.test.ts).
const demoModel = directorySource(fileURLToPath(new URL('../../cli/demo-model/', import.meta.url)));
const set = parseLabelledSet(twoTopicsJsonLines(), 'pasted set');
const { train, heldOut } = splitHeldOut(set.examples, 25);

describe('fineTune (node-wasm)', () => {
  it('learns the two topics, reports each step and evaluation, and classifies with the fine-tuned weights', async () => {
    const progress: FineTuneProgress[] = [];
    const started = performance.now();
    const result = await fineTune({
      backend: wasmBackend(),
      model: demoModel,
      labels: set.labels,
      train,
      heldOut,
      epochs: 3,
      learningRate: 5e-4,
      batchSize: 8,
      onProgress: (event) => progress.push(event),
    });
    try {
      const steps = progress.filter((event) => event.kind === 'step');
      const evaluations = progress.filter((event) => event.kind === 'evaluation');
      console.log(
        `[fine-tune] node-wasm: ${steps.length} steps in ${((performance.now() - started) / 1000).toFixed(1)} s; loss ${steps
          .map((event) => event.loss.toFixed(3))
          .join(' ')}; held-out ${evaluations.map((event) => `${event.correct}/${event.count}`).join(' → ')}`,
      );
      expect(result).toMatchObject({ steps: 18, cancelled: false });
      expect(steps.map((event) => event.step)).toEqual(Array.from({ length: 18 }, (_, index) => index + 1));
      expect(evaluations.map((event) => event.epoch)).toEqual([0, 1, 2, 3]);
      const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(mean(steps.slice(-6).map((event) => event.loss))).toBeLessThan(
        mean(steps.slice(0, 6).map((event) => event.loss)),
      );
      const last = evaluations[evaluations.length - 1];
      expect(last?.count).toBe(14);
      expect(last?.correct).toBeGreaterThanOrEqual(11);
      expect([...result.files.keys()].sort()).toEqual([
        'config.json',
        'model.safetensors',
        'optimizer.safetensors',
        'special_tokens_map.json',
        'spiece.model',
        'tokenizer_config.json',
        'trainer_state.json',
      ]);
      const config = JSON.parse(new TextDecoder().decode(result.files.get('config.json'))) as Record<string, unknown>;
      expect(config).toMatchObject({
        architectures: ['AlbertForSequenceClassification'],
        id2label: { 0: 'cooking', 1: 'space' },
      });
      const [space] = (await result.classifier('The astronauts saw the moon and the stars.')) as { label: string }[];
      const [cooking] = (await result.classifier('Fry the onions in butter and add salt.')) as { label: string }[];
      expect([space?.label, cooking?.label]).toEqual(['space', 'cooking']);
    } finally {
      await result.classifier.dispose();
    }
  });

  it('stops between steps when cancelled and keeps the steps done', async () => {
    const controller = new AbortController();
    const result = await fineTune({
      backend: wasmBackend(),
      model: demoModel,
      labels: set.labels,
      train,
      heldOut: [],
      epochs: 50,
      learningRate: 5e-4,
      batchSize: 8,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'step' && event.step === 2) controller.abort();
      },
    });
    await result.classifier.dispose();
    expect(result).toMatchObject({ steps: 2, cancelled: true });
  });

  it('names the bad setting', () => {
    for (const [settings, pattern] of [
      [{ epochs: 0, learningRate: 1e-4, batchSize: 8 }, /^epochs must be an integer from 1 to 100, not 0/],
      [{ epochs: 1.5, learningRate: 1e-4, batchSize: 8 }, /^epochs/],
      [{ epochs: 1, learningRate: Number.NaN, batchSize: 8 }, /^learning rate must be a number above 0/],
      [{ epochs: 1, learningRate: 1e-4, batchSize: 0 }, /^batch size must be an integer from 1 to 256, not 0/],
    ] as const) {
      expect(() => checkFineTuneSettings(settings)).toThrow(TrainingError);
      expect(() => checkFineTuneSettings(settings)).toThrow(pattern);
    }
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { nodeBackend } from '@albert-ts/backend-node';
import { AlbertConfig } from '@albert-ts/config';
import { AlbertForSequenceClassification, directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { AlbertTokenizer } from '@albert-ts/tokenizer';
import { afterAll, describe, expect, it } from 'vitest';
import { TWO_TOPICS_HELD_OUT, TWO_TOPICS_TRAIN } from '../test-two-topics.js';
import { TrainingError } from '../training-error.js';
import { Trainer, type TrainingProgress } from './trainer.js';

// Fine-tunes the CLI's demo model (apps/cli/demo-model) on two topics and checks held-out accuracy, then
// saves the checkpoint, reloads it with core's AlbertForSequenceClassification and compares the logits.
const demoDirectory = new URL('../../../../apps/cli/demo-model/', import.meta.url).pathname;
const temporary: string[] = [];
afterAll(async () => {
  for (const directory of temporary) await rm(directory, { recursive: true, force: true });
});

describe('Trainer on the demo model', () => {
  it('fine-tunes a sequence classifier to clearly better than chance, saves, and reloads with identical logits', async () => {
    const backend = nodeBackend({ device: 'cpu' });
    const source = directorySource(demoDirectory);
    const baseConfig = AlbertConfig.parse(await source.readText('config.json'), { file: 'config.json' });
    const config = baseConfig.with({ numLabels: 2, id2label: { 0: 'cooking', 1: 'space' } });
    // core's HF-style head initialization: the classifier (and the pooler, if absent) from N(0, initializer_range), seeded
    const { weights, warnings } = await loadPretrainedWeights(source, 'AlbertForSequenceClassification', {
      config,
      initializeMissingHead: true,
      seed: 42,
    });
    expect(warnings.join('\n')).toContain('classifier.weight');
    const tokenizer = await AlbertTokenizer.fromFiles(source);
    const encode = (example: { text: string; label: number }) => {
      const encoding = tokenizer.encode(example.text, { truncation: true, maxLength: 32 });
      return { inputIds: encoding.inputIds, tokenTypeIds: encoding.tokenTypeIds, label: example.label };
    };
    const train = TWO_TOPICS_TRAIN.map(encode);
    const heldOut = TWO_TOPICS_HELD_OUT.map(encode);

    const trainer = await Trainer.create({
      backend,
      config,
      weights,
      head: 'AlbertForSequenceClassification',
      optimizer: { lr: 2e-4 },
      warmupSteps: 2,
      seed: 1,
    });
    const before = await trainer.evaluate(heldOut, { metrics: ['accuracy', 'f1-macro'] });
    const progress: TrainingProgress[] = [];
    const started = performance.now();
    const { evaluations } = await trainer.fit(train, {
      epochs: 4,
      batchSize: 8,
      evalData: heldOut,
      metrics: ['accuracy', 'f1-macro'],
      onProgress: (event) => progress.push(event),
    });
    const seconds = (performance.now() - started) / 1000;
    const after = evaluations[evaluations.length - 1];
    console.log(
      `[trainer] demo model, two topics: held-out accuracy ${before.metrics['accuracy']} -> ${after?.metrics['accuracy']} (loss ${before.loss.toFixed(3)} -> ${after?.loss.toFixed(3)}) in ${seconds.toFixed(1)} s, ${trainer.stepCount} steps`,
    );
    expect(after?.metrics['accuracy']).toBeGreaterThanOrEqual(0.8);
    expect(progress.filter((event) => event.kind === 'step')).toHaveLength(20);
    expect(seconds).toBeLessThan(60);

    // save in HF layout and reload with core
    const directory = await mkdtemp(join(tmpdir(), 'albert-trainer-'));
    temporary.push(directory);
    await trainer.save(directory, { tokenizerSource: source });
    for (const name of [
      'config.json',
      'model.safetensors',
      'spiece.model',
      'tokenizer_config.json',
      'optimizer.safetensors',
      'trainer_state.json',
    ])
      expect(existsSync(join(directory, name)), name).toBe(true);
    const reloaded = await AlbertForSequenceClassification.fromPretrained(directory, { backend, flavour: 'plain' });
    try {
      const batch = heldOut.slice(0, 4);
      const length = Math.max(...batch.map((example) => example.inputIds.length));
      const inputs = {
        inputIds: batch.map((example) => [
          ...example.inputIds,
          ...new Array<number>(length - example.inputIds.length).fill(0),
        ]),
        attentionMask: batch.map((example) => [
          ...example.inputIds.map(() => 1),
          ...new Array<number>(length - example.inputIds.length).fill(0),
        ]),
      };
      const output = await reloaded.forward(inputs);
      const ours = await trainer.evaluate(batch, { batchSize: 4 });
      expect(ours.loss).toBeGreaterThan(0);
      // the trainer's own forward logits on the same padded batch
      const feeds = (await import('../data/collate-batch.js')).collateBatch(trainer.graph, batch, { padTokenId: 0 });
      // the eval-mode session (the demo config's classifier dropout makes the training session a train-mode graph)
      const evaluateBatch = await (
        trainer as unknown as {
          evalMode: () => Promise<(f: unknown) => Promise<{ outputs: Record<string, { data: Float32Array }> }>>;
        }
      ).evalMode();
      const trainerLogits = (await evaluateBatch(feeds)).outputs['logits']?.data as Float32Array;
      const reloadedLogits = output.logits.data;
      let difference = 0;
      for (let index = 0; index < reloadedLogits.length; index += 1)
        difference = Math.max(
          difference,
          Math.abs((reloadedLogits[index] as number) - (trainerLogits[index] as number)),
        );
      console.log(`[trainer] reloaded checkpoint logits max |diff| ${difference}`);
      expect(difference).toBeLessThan(1e-5);
    } finally {
      await reloaded.dispose();
    }

    // resume: the optimizer state round-trips
    const resumed = await Trainer.create({
      backend,
      config,
      weights: await (async () => {
        const loaded = await loadPretrainedWeights(directorySource(directory), 'AlbertForSequenceClassification');
        return loaded.weights;
      })(),
      head: 'AlbertForSequenceClassification',
      optimizer: { lr: 1e-4 },
    });
    await resumed.loadOptimizerState(directorySource(directory));
    expect(resumed.stepCount).toBe(trainer.stepCount);
    expect(resumed.optimizer.stateDict().tensors.size).toBe(trainer.optimizer.stateDict().tensors.size);
    await resumed.dispose();

    // transformers, where Python has it
    const python = process.env['ALBERT_PYTHON'] ?? 'python3';
    const probe = spawnSync(python, ['-c', 'import transformers, torch'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.warn(
        `[trainer] transformers check skipped: ${python} cannot import transformers and torch (set ALBERT_PYTHON to a Python that can)`,
      );
    } else {
      const script = `import sys, json, torch\nfrom transformers import AlbertForSequenceClassification\nm = AlbertForSequenceClassification.from_pretrained(sys.argv[1]).eval()\nids = torch.tensor(json.loads(sys.argv[2]))\nprint(json.dumps(m(input_ids=ids).logits.tolist()))`;
      const ids = [heldOut[0]?.inputIds ?? []];
      const run = spawnSync(python, ['-c', script, directory, JSON.stringify(ids)], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const theirs = (JSON.parse(run.stdout.trim().split('\n').pop() ?? '[]') as number[][])[0] ?? [];
      const feeds = (await import('../data/collate-batch.js')).collateBatch(trainer.graph, [heldOut[0] as never], {
        padTokenId: 0,
      });
      const evaluateBatch = await (
        trainer as unknown as {
          evalMode: () => Promise<(f: unknown) => Promise<{ outputs: Record<string, { data: Float32Array }> }>>;
        }
      ).evalMode();
      const mine = (await evaluateBatch(feeds)).outputs['logits']?.data as Float32Array;
      const difference = Math.max(...theirs.map((value, index) => Math.abs(value - (mine[index] as number))));
      console.log(`[trainer] transformers reloads the checkpoint: logits max |diff| ${difference}`);
      expect(difference).toBeLessThan(1e-4);
    }
    await trainer.dispose();
  });

  it('refuses unknown options with a typed error', async () => {
    const source = directorySource(demoDirectory);
    const config = AlbertConfig.parse(await source.readText('config.json'), { file: 'config.json' }).with({
      numLabels: 2,
    });
    const { weights } = await loadPretrainedWeights(source, 'AlbertForSequenceClassification', {
      config,
      initializeMissingHead: true,
    });
    await expect(
      Trainer.create({
        backend: nodeBackend(),
        config,
        weights,
        head: 'AlbertForSequenceClassification',
        learningRate: 1,
      } as never),
    ).rejects.toBeInstanceOf(TrainingError);
  });
});

import { nodeBackend } from '@albert-ts/backend-node';
import { AlbertConfig } from '@albert-ts/config';
import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import type { TrainingExample } from '../data/training-example.js';
import { SGD } from '../optim/sgd.js';
import { TrainingError } from '../training-error.js';
import { Trainer, type OptimizerPlacement } from '../trainer/trainer.js';

// The Trainer's three optimizer placements take the same steps: the TypeScript AdamW, the AdamW update graph
// and the fused training-step graph (forward + backward + clipping + AdamW in one graph) on node-cpu.
const tinyDirectory = new URL('../../../../fixtures/models/tiny/', import.meta.url).pathname;

async function tinyClassifier() {
  const source = directorySource(tinyDirectory);
  const config = AlbertConfig.parse(await source.readText('config.json'), { file: 'config.json' }).with({
    numLabels: 3,
  });
  const { weights } = await loadPretrainedWeights(source, 'AlbertForSequenceClassification', {
    config,
    initializeMissingHead: true,
    seed: 7,
  });
  return { config, weights };
}

const examples: TrainingExample[] = [
  { inputIds: [2, 10, 11, 12, 3], label: 0 },
  { inputIds: [2, 20, 21, 3], label: 1 },
  { inputIds: [2, 30, 31, 32, 33, 3], label: 2 },
  { inputIds: [2, 13, 14, 3], label: 0 },
];

describe('optimizer placement', () => {
  it('typescript, update-graph and fused take the same AdamW steps (weights, moments, losses)', async () => {
    const { config, weights } = await tinyClassifier();
    const run = async (optimizerPlacement: OptimizerPlacement) => {
      const trainer = await Trainer.create({
        backend: nodeBackend(),
        config,
        weights,
        head: 'AlbertForSequenceClassification',
        optimizer: { lr: 1e-2, weightDecay: 0.1 },
        maxGradNorm: 0.5,
        optimizerPlacement,
      });
      const losses: number[] = [];
      const norms: number[] = [];
      for (let step = 0; step < 3; step += 1) {
        const result = await trainer.step(examples);
        losses.push(result.loss);
        norms.push(result.gradNorm);
      }
      const evaluation = await trainer.evaluate(examples);
      const state = trainer.optimizer.stateDict();
      await trainer.dispose();
      return { trainer, losses, norms, evaluation, state };
    };
    const typescript = await run('typescript');
    for (const placement of ['update-graph', 'fused'] as const) {
      const other = await run(placement);
      for (let step = 0; step < 3; step += 1) {
        expect(Math.abs((other.losses[step] as number) - (typescript.losses[step] as number))).toBeLessThan(1e-6);
        expect(Math.abs((other.norms[step] as number) - (typescript.norms[step] as number))).toBeLessThan(1e-5);
      }
      expect(Math.abs(other.evaluation.loss - typescript.evaluation.loss)).toBeLessThan(1e-6);
      let maxDiff = 0;
      for (const [name, data] of typescript.trainer.parameters) {
        const ours = other.trainer.parameters.get(name) as Float32Array;
        for (let index = 0; index < data.length; index += 1)
          maxDiff = Math.max(maxDiff, Math.abs((ours[index] as number) - (data[index] as number)));
      }
      // the only difference is the clipping norm's summation order (float32 in the graph, double in TypeScript)
      expect(maxDiff, placement).toBeLessThan(1e-6);
      expect(other.state.scalars['steps']).toEqual(typescript.state.scalars['steps']);
      expect([...other.state.tensors.keys()].sort()).toEqual([...typescript.state.tensors.keys()].sort());
    }
  });

  it('resumes a fused run from its optimizer state with the TypeScript optimizer (and back)', async () => {
    const { config, weights } = await tinyClassifier();
    const create = (optimizerPlacement: OptimizerPlacement) =>
      Trainer.create({
        backend: nodeBackend(),
        config,
        weights,
        head: 'AlbertForSequenceClassification',
        optimizerPlacement,
        dropout: false, // the step count is not carried over here, so dropout masks would differ
      });
    const fused = await create('fused');
    await fused.step(examples);
    const typescript = await create('typescript');
    typescript.optimizer.loadStateDict(fused.optimizer.stateDict());
    for (const [name, data] of fused.parameters) typescript.parameters.set(name, Float32Array.from(data));
    const [a, b] = [await fused.step(examples), await typescript.step(examples)];
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-6);
    expect((fused.optimizer.stateDict().scalars['steps'] as Record<string, number>)['classifier.weight']).toBe(2);
    await fused.dispose();
    await typescript.dispose();
  });

  it('refuses what a graph optimizer cannot do, with typed errors', async () => {
    const { config, weights } = await tinyClassifier();
    const base = { backend: nodeBackend(), config, weights, head: 'AlbertForSequenceClassification' } as const;
    await expect(
      Trainer.create({ ...base, optimizerPlacement: 'fused', gradientAccumulationSteps: 2 }),
    ).rejects.toThrow(expect.objectContaining({ code: 'TRAINING_UNSUPPORTED_OPTION' }));
    await expect(
      Trainer.create({ ...base, optimizerPlacement: 'update-graph', customOptimizer: new SGD() }),
    ).rejects.toThrow(TrainingError);
    await expect(Trainer.create({ ...base, optimizerPlacement: 'gpu' as never })).rejects.toThrow(
      expect.objectContaining({ code: 'TRAINING_BAD_OPTIONS' }),
    );
    const fused = await Trainer.create({ ...base, optimizerPlacement: 'fused' });
    await expect(fused.step([examples.slice(0, 2), examples.slice(2)])).rejects.toThrow(
      expect.objectContaining({ code: 'TRAINING_UNSUPPORTED_OPTION' }),
    );
    await fused.dispose();
  });
});

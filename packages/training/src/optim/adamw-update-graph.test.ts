import { nodeBackend } from '@albert-ts/backend-node';
import { describe, expect, it } from 'vitest';
import { AdamWUpdateSession } from '../session/adamw-update-session.js';
import { TrainingError } from '../training-error.js';
import { AdamW } from './adamw.js';
import { adamwStepScalars, ADAMW_STEP_INPUTS, buildAdamWUpdateGraph } from './adamw-update-graph.js';
import { clipGradNorm } from './clip-grad-norm.js';
import type { ParameterSet } from './parameter-set.js';

// The AdamW update graph against the TypeScript AdamW + clipGradNorm (PyTorch's semantics, pinned by the
// training fixtures): the same float32 operations in the same order, so the results agree to float32
// rounding of the clipping norm's sum, over several steps with a changing learning rate.

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

const shapes = new Map<string, readonly number[]>([
  ['albert.encoder.embedding_hidden_mapping_in.weight', [6, 4]],
  ['albert.encoder.embedding_hidden_mapping_in.bias', [6]],
  ['albert.embeddings.LayerNorm.weight', [4]],
  ['classifier.weight', [3, 6]],
]);

describe('AdamW update graph', () => {
  for (const maxGradNorm of [0.05, Infinity]) {
    it(`takes the TypeScript AdamW's steps (maxGradNorm ${maxGradNorm}, decay groups, lr schedule)`, async () => {
      const random = seeded(3);
      const initial: ParameterSet = new Map(
        [...shapes].map(([name, shape]) => [
          name,
          Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, random),
        ]),
      );
      const copy = (set: ParameterSet): ParameterSet =>
        new Map([...set].map(([name, data]) => [name, Float32Array.from(data)]));
      const options = { lr: 0.01, weightDecay: 0.1, betas: [0.8, 0.99] as [number, number], eps: 1e-6 };
      const typescript = new AdamW(options);
      const graphOptimizer = new AdamW(options);
      const ours = copy(initial);
      const theirs = copy(initial);
      const session = await AdamWUpdateSession.load(nodeBackend(), shapes, graphOptimizer, { maxGradNorm });
      try {
        for (let step = 0; step < 4; step += 1) {
          const lr = 0.01 * (1 - step / 8);
          const gradients: ParameterSet = new Map(
            [...shapes].map(([name]) => [
              name,
              Float32Array.from(initial.get(name) as Float32Array, () => random() * 0.3),
            ]),
          );
          const norm = await session.step(ours, copy(gradients), lr);
          const clipped = copy(gradients);
          const reference = Number.isFinite(maxGradNorm) ? clipGradNorm(clipped, { maxNorm: maxGradNorm }) : Number.NaN;
          typescript.lr = lr;
          typescript.step(theirs, clipped);
          if (Number.isFinite(maxGradNorm)) expect(Math.abs(norm - reference) / reference).toBeLessThan(1e-6);
          for (const [name, data] of theirs) {
            const graph = ours.get(name) as Float32Array;
            for (let index = 0; index < data.length; index += 1)
              expect(
                Math.abs((graph[index] as number) - (data[index] as number)),
                `${name}[${index}] step ${step}`,
              ).toBeLessThan(2e-7);
          }
        }
        const [a, b] = [graphOptimizer.stateDict(), typescript.stateDict()];
        expect(a.scalars['steps']).toEqual(b.scalars['steps']);
        for (const [key, tensor] of b.tensors) {
          const other = a.tensors.get(key) as Float32Array;
          for (let index = 0; index < tensor.length; index += 1)
            expect(Math.abs((other[index] as number) - (tensor[index] as number))).toBeLessThan(1e-7);
        }
      } finally {
        await session.dispose();
      }
    });
  }

  it('computes the step scalars as PyTorch does in Python (double, then float32)', () => {
    const scalars = adamwStepScalars({ lr: 1e-3, step: 3, betas: [0.9, 0.999], weightDecay: 0.01 });
    expect(scalars[ADAMW_STEP_INPUTS.stepSize]?.data[0]).toBe(Math.fround(-(1e-3 / (1 - 0.9 ** 3))));
    expect(scalars[ADAMW_STEP_INPUTS.biasCorrection2Sqrt]?.data[0]).toBe(Math.fround(Math.sqrt(1 - 0.999 ** 3)));
    expect(scalars[ADAMW_STEP_INPUTS.decayFactor]?.data[0]).toBe(Math.fround(1 - 1e-3 * 0.01));
    expect(() => adamwStepScalars({ lr: 1e-3, step: 0, betas: [0.9, 0.999], weightDecay: 0 })).toThrow(TrainingError);
  });

  it('refuses unknown options and bad hyper-parameters with typed errors', () => {
    expect(() => buildAdamWUpdateGraph(shapes, { lr: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'TRAINING_BAD_OPTIONS' }),
    );
    expect(() => buildAdamWUpdateGraph(shapes, { betas: [1, 0.999] })).toThrow(
      expect.objectContaining({ code: 'TRAINING_BAD_OPTIONS' }),
    );
    expect(() => buildAdamWUpdateGraph(shapes, { maxGradNorm: -1 })).toThrow(
      expect.objectContaining({ code: 'TRAINING_BAD_OPTIONS' }),
    );
    expect(() => buildAdamWUpdateGraph(new Map())).toThrow(expect.objectContaining({ code: 'TRAINING_NO_PARAMETERS' }));
  });

  it('refuses an optimizer state whose parameters have taken different step counts', async () => {
    const optimizer = new AdamW();
    const name = 'classifier.weight';
    optimizer.recordStep(name, new Float32Array(18), new Float32Array(18));
    const session = await AdamWUpdateSession.load(nodeBackend(), shapes, optimizer);
    try {
      const parameters: ParameterSet = new Map(
        [...shapes].map(([key, shape]) => [key, new Float32Array(shape.reduce((a, b) => a * b, 1))]),
      );
      await expect(session.step(parameters, parameters, 1e-3)).rejects.toThrow(
        expect.objectContaining({ code: 'TRAINING_BAD_STATE' }),
      );
    } finally {
      await session.dispose();
    }
  });
});

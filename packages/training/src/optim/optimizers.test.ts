import { describe, expect, it } from 'vitest';
import { TrainingError } from '../training-error.js';
import { AdamW } from './adamw.js';
import { clipGradNorm } from './clip-grad-norm.js';
import { learningRateSchedule } from './learning-rate-schedule.js';
import { decaysByDefault } from './parameter-groups.js';
import { SGD } from './sgd.js';

describe('AdamW', () => {
  it("takes PyTorch's first step: decoupled decay, bias correction, eps outside the square root", () => {
    const parameters = new Map([
      ['w', Float32Array.of(1, -2)],
      ['b.bias', Float32Array.of(0.5)],
      ['unused', Float32Array.of(3)],
    ]);
    const optimizer = new AdamW({ lr: 0.1, weightDecay: 0.5 });
    optimizer.step(
      parameters,
      new Map([
        ['w', Float32Array.of(0.2, -0.4)],
        ['b.bias', Float32Array.of(1)],
      ]),
    );
    // step 1: m̂ = g, v̂ = g², update = lr · g / (|g| + eps) ≈ lr · sign(g); decay only for w
    expect(parameters.get('w')?.[0]).toBeCloseTo(1 * (1 - 0.1 * 0.5) - 0.1, 6);
    expect(parameters.get('w')?.[1]).toBeCloseTo(-2 * (1 - 0.1 * 0.5) + 0.1, 6);
    expect(parameters.get('b.bias')?.[0]).toBeCloseTo(0.5 - 0.1, 6);
    expect(parameters.get('unused')?.[0]).toBe(3);
    expect(Object.keys(optimizer.stateDict().scalars['steps'] as object)).toEqual(['w', 'b.bias']);
  });

  it('round-trips its state and refuses unknown options', () => {
    const optimizer = new AdamW();
    optimizer.step(new Map([['w', Float32Array.of(1)]]), new Map([['w', Float32Array.of(1)]]));
    const copy = new AdamW();
    copy.loadStateDict(optimizer.stateDict());
    expect(copy.stateDict().tensors.get('w.exp_avg')).toEqual(optimizer.stateDict().tensors.get('w.exp_avg'));
    expect(() => new AdamW({ learningRate: 1 } as never)).toThrow(TrainingError);
    expect(() => new AdamW({ lr: -1 })).toThrow(TrainingError);
  });

  it('groups like HF: no decay for biases and LayerNorm weights', () => {
    expect(decaysByDefault('albert.encoder.embedding_hidden_mapping_in.weight')).toBe(true);
    expect(decaysByDefault('albert.embeddings.LayerNorm.weight')).toBe(false);
    expect(decaysByDefault('classifier.bias')).toBe(false);
  });
});

describe('SGD', () => {
  it('follows torch.optim.SGD with momentum and weight decay', () => {
    const parameters = new Map([['w', Float32Array.of(1)]]);
    const optimizer = new SGD({ lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
    optimizer.step(parameters, new Map([['w', Float32Array.of(1)]])); // d = 1.1, b = 1.1, w = 1 - 0.11
    expect(parameters.get('w')?.[0]).toBeCloseTo(0.89, 6);
    optimizer.step(parameters, new Map([['w', Float32Array.of(1)]])); // d = 1.089, b = 0.99 + 1.089
    expect(parameters.get('w')?.[0]).toBeCloseTo(0.89 - 0.1 * (0.9 * 1.1 + 1.089), 6);
  });
});

describe('clipGradNorm', () => {
  it('scales by maxNorm / (total + 1e-6) and returns the total norm', () => {
    const gradients = new Map([
      ['a', Float32Array.of(3)],
      ['b', Float32Array.of(4)],
    ]);
    expect(clipGradNorm(gradients, { maxNorm: 1 })).toBeCloseTo(5, 6);
    expect(gradients.get('a')?.[0]).toBeCloseTo(3 / (5 + 1e-6), 6);
    const small = new Map([['a', Float32Array.of(0.3)]]);
    clipGradNorm(small, { maxNorm: 1 });
    expect(small.get('a')?.[0]).toBeCloseTo(0.3, 7);
    expect(() => clipGradNorm(small, { maxNorm: Number.NaN })).toThrow(TrainingError);
  });
});

describe('learningRateSchedule', () => {
  it('warms up linearly, then decays linearly or by half a cosine', () => {
    const linear = learningRateSchedule({ lr: 1, warmupSteps: 2, totalSteps: 10 });
    expect([0, 1, 2, 6, 10].map(linear)).toEqual([0, 0.5, 1, 0.5, 0]);
    const cosine = learningRateSchedule({ lr: 1, warmupSteps: 0, totalSteps: 10, decay: 'cosine' });
    expect(cosine(5)).toBeCloseTo(0.5, 10);
    expect(() => learningRateSchedule({ lr: 1, totalSteps: 1, steps: 1 } as never)).toThrow(TrainingError);
  });
});

import { nodeBackend } from '@albert-ts/backend-node';
import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { AlbertTokenizer } from '@albert-ts/tokenizer';
import { describe, expect, it } from 'vitest';
import { Trainer } from '../trainer/trainer.js';
import { maskNgrams, pretrainingExamples } from './pretraining-examples.js';
import { seededRandom } from './training-example.js';

const demo = new URL('../../../../apps/cli/demo-model/', import.meta.url).pathname;
const TEXT = `The sun rises in the east. It sets in the west. The moon follows the sun across the sky. Stars appear at night.

Bread is made of flour and water. The dough rises in a warm room. Then it is baked in a hot oven. Fresh bread smells good.`;

describe('pretraining data', () => {
  it('masks n-grams: about 15 % of the ordinary tokens, specials never, labels only where selected', () => {
    const ids = [2, ...Array.from({ length: 100 }, (_, index) => 10 + index), 3];
    const { inputIds, labels } = maskNgrams(ids, {
      maskTokenId: 4,
      vocabSize: 200,
      specialIds: new Set([0, 2, 3, 4]),
      random: seededRandom(1),
    });
    const selected = labels.filter((label) => label !== -100).length;
    expect(selected).toBe(15);
    expect(labels[0]).toBe(-100);
    expect(labels[101]).toBe(-100);
    expect(inputIds.filter((id) => id === 4).length).toBeGreaterThanOrEqual(8);
    labels.forEach((label, index) => {
      if (label === -100) expect(inputIds[index]).toBe(ids[index]);
      else expect(label).toBe(ids[index]);
    });
  });

  it('builds sentence-order pairs from plain text and pretrains the demo model a few steps', async () => {
    const source = directorySource(demo);
    const tokenizer = await AlbertTokenizer.fromFiles(source);
    const { config, weights } = await loadPretrainedWeights(source, 'AlbertForPreTraining');
    const examples = pretrainingExamples(TEXT, tokenizer, {
      maxLength: 32,
      vocabSize: config.vocabSize,
      random: seededRandom(3),
    });
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      const ids = example.inputIds as number[];
      expect(ids[0]).toBe(tokenizer.specialTokenId('cls'));
      expect(ids.filter((id) => id === tokenizer.specialTokenId('sep'))).toHaveLength(2);
      expect(ids.length).toBeLessThanOrEqual(32);
      expect([0, 1]).toContain(example.sentenceOrderLabel);
    }
    const trainer = await Trainer.create({
      backend: nodeBackend({ device: 'cpu' }),
      config,
      weights,
      head: 'AlbertForPreTraining',
      optimizer: { lr: 1e-4 },
    });
    const losses: number[] = [];
    for (let step = 0; step < 4; step += 1) losses.push((await trainer.step(examples)).loss);
    await trainer.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[3]).toBeLessThan(losses[0] as number);
  });
});

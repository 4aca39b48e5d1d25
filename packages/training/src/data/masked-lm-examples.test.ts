import { describe, expect, it } from 'vitest';
import { maskedLanguageModelingExample, maskTokens } from './masked-lm-examples.js';
import { collect, testTokenizer } from './test-tokenizer.js';
import { textDocuments } from './text-documents.js';
import { seededRandom } from './training-example.js';

describe('masked LM data', () => {
  it('masks 15 % of the ordinary tokens, 80/10/10, never a special token; seeded', () => {
    const ids = [2, ...Array.from({ length: 20_000 }, (_, index) => 10 + (index % 500)), 3];
    const options = { maskTokenId: 4, vocabSize: 1000, specialIds: new Set([0, 2, 3, 4]), random: seededRandom(5) };
    const { inputIds, labels } = maskTokens(ids, options);
    const selected = labels.flatMap((label, index) => (label === -100 ? [] : [index]));
    expect(selected.length / 20_000).toBeCloseTo(0.15, 2);
    expect(labels[0]).toBe(-100);
    expect(labels.at(-1)).toBe(-100);
    const masked = selected.filter((index) => inputIds[index] === 4).length / selected.length;
    const kept = selected.filter((index) => inputIds[index] === ids[index]).length / selected.length;
    expect(masked).toBeCloseTo(0.8, 1);
    expect(kept).toBeGreaterThan(0.07);
    expect(kept).toBeLessThan(0.14);
    labels.forEach((label, index) => {
      if (label === -100) expect(inputIds[index]).toBe(ids[index]);
      else expect(label).toBe(ids[index]);
    });
    expect(maskTokens(ids, { ...options, random: seededRandom(5) })).toEqual({ inputIds, labels });
  });

  it('masks at least one token of a short line', async () => {
    const tokenizer = await testTokenizer();
    for (let seed = 0; seed < 20; seed += 1) {
      const example = maskedLanguageModelingExample('Hi there.', tokenizer, {
        maxLength: 16,
        random: seededRandom(seed),
      });
      expect(example.labels?.some((label) => label !== -100)).toBe(true);
      expect(example.labels?.[0]).toBe(-100);
    }
    const long = maskedLanguageModelingExample('word '.repeat(100), tokenizer, {
      maxLength: 16,
      random: seededRandom(1),
    });
    expect(long.inputIds).toHaveLength(16);
  });

  it('splits a corpus into documents at blank lines, bounded', async () => {
    expect(await collect(textDocuments(['One. Two.\nThree.\n\n \n', 'Four. Five.'], { file: 'corpus.txt' }))).toEqual([
      { text: 'One. Two.\nThree.', line: 1 },
      { text: 'Four. Five.', line: 5 },
    ]);
    await expect(collect(textDocuments(['\n\n'], { file: 'corpus.txt' }))).rejects.toThrow(
      'corpus.txt: no text (the file is empty)',
    );
    await expect(collect(textDocuments(['a\nb\nc\n'], { file: 'corpus.txt', maxDocumentLength: 4 }))).rejects.toThrow(
      'corpus.txt line 3: the document that starts on line 1 is longer than 4 characters',
    );
  });
});

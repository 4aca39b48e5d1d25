import { describe, expect, it } from 'vitest';
import { conllSentences, tokenClassificationExample } from './conll-sentences.js';
import { collect, testTokenizer } from './test-tokenizer.js';

describe('CoNLL', () => {
  it('reads sentences: word in the first column, tag in the last, -DOCSTART- and blank lines separate', async () => {
    const text = '-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\nrejects\tVBZ\tO\n\n\nPeter B-PER\r\nBlackburn I-PER';
    expect(await collect(conllSentences([text], { file: 'train.conll' }))).toEqual([
      { words: ['EU', 'rejects'], tags: ['B-ORG', 'O'], line: 3, lines: [3, 4] },
      { words: ['Peter', 'Blackburn'], tags: ['B-PER', 'I-PER'], line: 7, lines: [7, 8] },
    ]);
  });

  it.each([
    ['EU B-ORG\nrejects\n', 'train.conll line 2: "rejects" has no tag'],
    ['\n-DOCSTART- O\n\n', 'train.conll: no sentences (the file is empty)'],
    ['', 'train.conll: no sentences (the file is empty)'],
    ['a O\nb O\nc O\n', 'train.conll line 3: a sentence of more than 2 words'],
  ])('%j is a typed error: %s', async (text, message) => {
    await expect(collect(conllSentences([text], { file: 'train.conll', maxSentenceWords: 2 }))).rejects.toMatchObject({
      code: 'TRAINING_BAD_DATA',
      message: expect.stringContaining(message) as unknown,
    });
  });

  it('labels the first sub-token of each word, -100 elsewhere (HF run_ner), truncated to maxLength', async () => {
    const tokenizer = await testTokenizer();
    const words = ['Hippopotamus', 'visited', 'Constantinople'];
    const example = tokenClassificationExample({ words }, tokenizer, { labelIds: [1, 0, 3], maxLength: 64 });
    const encoding = tokenizer.encode(words, { isSplitIntoWords: true });
    expect(example.inputIds).toEqual(encoding.inputIds);
    expect(encoding.inputIds.length).toBeGreaterThan(5); // the long words split into several pieces
    const expected = encoding.wordIds.map((word, index) =>
      word !== null && encoding.wordIds[index - 1] !== word ? [1, 0, 3][word] : -100,
    );
    expect(example.labels).toEqual(expected);
    expect(example.labels?.filter((label) => label !== -100)).toEqual([1, 0, 3]);
    const short = tokenClassificationExample({ words }, tokenizer, { labelIds: [1, 0, 3], maxLength: 4 });
    expect(short.inputIds).toHaveLength(4);
    expect(short.labels).toHaveLength(4);
    expect(short.labels?.[3]).toBe(-100);
  });
});

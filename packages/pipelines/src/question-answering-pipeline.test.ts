import { describe, expect, it } from 'vitest';
import { createTensor } from '@albert-ts/core';
import {
  postprocessQuestionAnswering,
  preprocessQuestionAnswering,
  runQuestionAnswering,
  selectSpans,
} from './question-answering-pipeline.js';
import { fastTokenizer } from './test-tokenizers.js';

describe('question-answering windows and spans (no model)', () => {
  const tokenizer = fastTokenizer();

  it("takes the windows and word ids from the tokenizer's overflow with stride", () => {
    const inputs = preprocessQuestionAnswering(
      tokenizer,
      { question: 'Who?', context: 'alice smith. bob jones and carol white went home.' },
      { maxSeqLen: 10, docStride: 2 },
    );
    expect(inputs.windows.length).toBeGreaterThan(1);
    const first = inputs.windows[0]!;
    const second = inputs.windows[1]!;
    const context = (window: typeof first): number[] =>
      window.inputIds.filter((_, index) => window.sequenceIds[index] === 1);
    expect(context(second).slice(0, 2)).toEqual(context(first).slice(-2)); // stride 2
    expect(first.wordIds[0]).toBeNull();
    expect(first.wordIds.filter((_, index) => first.sequenceIds[index] === 1).slice(0, 3)).toEqual([0, 0, 1]); // ▁alice? ... ▁smith
  });

  it('repeats the question in every window and refuses a question that leaves no room', () => {
    const context = 'one two three four five six seven eight nine ten eleven twelve thirteen';
    const inputs = preprocessQuestionAnswering(
      tokenizer,
      { question: 'Which number?', context },
      { maxSeqLen: 12, docStride: 2 },
    );
    expect(inputs.windows.length).toBeGreaterThan(1);
    for (const window of inputs.windows) {
      expect(window.inputIds.length).toBeLessThanOrEqual(12);
      expect(window.sequenceIds[0]).toBeNull();
      expect(window.tokenTypeIds.at(-1)).toBe(1);
    }
    expect(() =>
      preprocessQuestionAnswering(
        tokenizer,
        { question: 'A very long question with many many words?', context },
        { maxSeqLen: 8, docStride: 2 },
      ),
    ).toThrow(expect.objectContaining({ code: 'PIPELINE_QUESTION_TOO_LONG' }));
    expect(() =>
      preprocessQuestionAnswering(tokenizer, { question: 'Which?', context }, { maxSeqLen: 12, docStride: 9 }),
    ).toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID_OPTION' }));
    expect(() =>
      preprocessQuestionAnswering(tokenizer, { question: '', context }, { maxSeqLen: 12, docStride: 2 }),
    ).toThrow(expect.objectContaining({ code: 'PIPELINE_EMPTY_INPUT' }));
  });

  it('scores spans over the context only, widens them to words and merges equal answers', () => {
    const inputs = preprocessQuestionAnswering(
      tokenizer,
      { question: 'Where?', context: 'Alice lives in Paris.' },
      { maxSeqLen: 384, docStride: 128 },
    );
    const window = inputs.windows[0];
    if (window === undefined) throw new Error('no window');
    const length = window.inputIds.length;
    const paris = window.sequenceIds.lastIndexOf(1) - 1; // '▁paris' before '.'
    const start = new Float32Array(length);
    const end = new Float32Array(length);
    start[paris] = 10;
    end[paris] = 10;
    start[1] = 50; // a question token: never an answer
    const { spans, nullScore } = selectSpans(start, end, window, 3, 15);
    expect(spans[0]).toMatchObject({ start: paris, end: paris });
    expect(nullScore).toBeLessThan(1e-3);
    const answer = postprocessQuestionAnswering(inputs, [{ start, end }], { handleImpossibleAnswer: false });
    // widened to the whole word: '.' has no ▁, so it belongs to the word of '▁paris'
    expect(answer).toMatchObject({ answer: ' Paris.', start: 14, end: 21 });
    const two = postprocessQuestionAnswering(inputs, [{ start, end }], { topK: 2, handleImpossibleAnswer: true }) as {
      answer: string;
    }[];
    expect(two).toHaveLength(2);
  });

  it('runQuestionAnswering runs all windows of a batch in one forwardMany', async () => {
    let seen = 0;
    const model = {
      forwardMany: async (encodings: readonly { inputIds: readonly number[] }[]) => {
        seen = encodings.length;
        return encodings.map((encoding) => ({
          startLogits: createTensor(
            'float32',
            [1, encoding.inputIds.length],
            new Float32Array(encoding.inputIds.length),
          ),
          endLogits: createTensor('float32', [1, encoding.inputIds.length], new Float32Array(encoding.inputIds.length)),
        }));
      },
    };
    const results = await runQuestionAnswering(
      model,
      tokenizer,
      [
        { question: 'Q?', context: 'A b c d e f g h.' },
        { question: 'R?', context: 'One two.' },
      ],
      { maxSeqLen: 8, docStride: 1 },
    );
    expect(results).toHaveLength(2);
    expect(seen).toBeGreaterThan(2);
    await expect(
      runQuestionAnswering(model, tokenizer, { question: 'Q?', context: 'C.' }, { doc_stride: 1 } as never),
    ).rejects.toThrow(/doc_stride is spelled docStride/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseSquad, questionAnsweringFeatures, readSquad, type SquadQuestion } from './squad-examples.js';
import { testTokenizer } from './test-tokenizer.js';

const CONTEXT =
  'The Amazon river flows through Brazil and Peru. It carries more water than any other river, and its basin covers much of South America. Fishermen in Manaus sell their catch every morning.';
const squad = (qas: unknown[], context = CONTEXT): string =>
  JSON.stringify({ version: 'v2.0', data: [{ title: 't', paragraphs: [{ context, qas }] }] });

describe('SQuAD', () => {
  it('parses v1.1 and v2 entries (question whitespace stripped, impossible questions without answers)', () => {
    const questions = parseSquad(
      squad([
        { id: 'a', question: '  Where does it flow?', answers: [{ text: 'Brazil and Peru', answer_start: 31 }] },
        { id: 'b', question: 'Who?', answers: [], is_impossible: true },
      ]),
      'train.json',
    );
    expect(questions).toEqual([
      {
        id: 'a',
        question: 'Where does it flow?',
        context: CONTEXT,
        answers: [{ text: 'Brazil and Peru', answerStart: 31 }],
        isImpossible: false,
      },
      { id: 'b', question: 'Who?', context: CONTEXT, answers: [], isImpossible: true },
    ]);
  });

  it.each([
    ['{"data": ', 'train.json: not JSON'],
    ['{"version": 1}', 'train.json data: must be a list'],
    [
      squad([{ id: 'a', answers: [], is_impossible: true }]),
      'train.json data[0].paragraphs[0].qas[0].question: must be a string (it is missing)',
    ],
    [
      squad([{ id: 'a', question: 'q', answers: [{ text: 'Peru', answer_start: 500 }] }]),
      'train.json data[0].paragraphs[0].qas[0].answers[0].answer_start: 500 does not place "Peru" inside the context',
    ],
    [
      squad([{ id: 'a', question: 'q', answers: [] }]),
      'qas[0].answers: a question without answers must have "is_impossible": true',
    ],
    [
      squad([{ id: 'a', question: 'q', answers: [], is_impossible: 'yes' }]),
      'qas[0].is_impossible: must be true or false',
    ],
    [JSON.stringify({ data: [] }), 'train.json: no questions'],
  ])('%j is a typed error: %s', (text, message) => {
    expect(() => parseSquad(text, 'train.json')).toThrow(
      expect.objectContaining({
        code: 'TRAINING_BAD_DATA',
        message: expect.stringContaining(message) as unknown,
      }) as Error,
    );
  });

  it('bounds the file size and rejects an empty file', async () => {
    await expect(readSquad(['{"data": [', ' '.repeat(200), ']}'], { file: 'big.json', maxBytes: 100 })).rejects.toThrow(
      'big.json: larger than 100 characters',
    );
    await expect(readSquad([], { file: 'empty.json' })).rejects.toThrow('empty.json: no questions (the file is empty)');
  });

  it('maps the answer to its tokens (run_qa), windows a long context with the stride, [CLS] where the answer is out of the window', async () => {
    const tokenizer = await testTokenizer();
    const question: SquadQuestion = {
      id: 'a',
      question: 'Who sells fish?',
      context: CONTEXT,
      answers: [{ text: 'Fishermen in Manaus', answerStart: CONTEXT.indexOf('Fishermen') }],
      isImpossible: false,
    };
    const [whole, ...none] = questionAnsweringFeatures(question, tokenizer, { maxLength: 128, docStride: 16 });
    expect(none).toEqual([]);
    const span = (feature: typeof whole) =>
      tokenizer.decode((feature!.inputIds as number[]).slice(feature!.startPosition, feature!.endPosition + 1));
    expect(span(whole)).toBe('fishermen in manaus');
    const windows = questionAnsweringFeatures(question, tokenizer, { maxLength: 24, docStride: 6 });
    expect(windows.length).toBeGreaterThan(2);
    for (const window of windows) expect(window.inputIds.length).toBeLessThanOrEqual(24);
    const hits = windows.filter((window) => window.startPosition !== 0);
    expect(hits.length).toBeGreaterThanOrEqual(1);
    for (const hit of hits) expect(span(hit)).toBe('fishermen in manaus');
    expect(windows[0]).toMatchObject({ startPosition: 0, endPosition: 0 }); // the answer is at the end
    const offsets = windows[0]!.contextOffsets;
    expect(offsets[0]).toBeNull();
    expect(offsets.filter((offset) => offset !== null).length).toBeGreaterThan(0);
    const impossible = questionAnsweringFeatures({ ...question, answers: [], isImpossible: true }, tokenizer, {
      maxLength: 128,
      docStride: 16,
    });
    expect(impossible[0]).toMatchObject({ startPosition: 0, endPosition: 0 });
    expect(() => questionAnsweringFeatures(question, tokenizer, { maxLength: 12, docStride: 8 })).toThrow(
      'raise --max-length',
    );
  });
});

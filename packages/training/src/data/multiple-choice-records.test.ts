import { describe, expect, it } from 'vitest';
import { multipleChoiceCsvRecords, multipleChoiceExample, multipleChoiceJsonLines } from './multiple-choice-records.js';
import { collect, testTokenizer } from './test-tokenizer.js';

describe('multiple choice', () => {
  it('JSON Lines: question or context (+ question prefixed to each choice, as SWAG), label index or choice text', async () => {
    const text = [
      '{"question": "Where do fish live?", "choices": ["in water", "in trees"], "label": 0}',
      '{"context": "It rains.", "question": "She opens", "choices": ["her umbrella.", "the oven."], "label": "her umbrella."}',
    ].join('\n');
    expect(await collect(multipleChoiceJsonLines([text], { file: 'mc.jsonl' }))).toEqual([
      { first: 'Where do fish live?', seconds: ['in water', 'in trees'], label: 0, line: 1 },
      { first: 'It rains.', seconds: ['She opens her umbrella.', 'She opens the oven.'], label: 0, line: 2 },
    ]);
  });

  it.each([
    ['{"choices": ["a", "b"], "label": 0}', 'mc.jsonl line 1: needs a "context" or a "question"'],
    [
      '{"question": "q", "choices": ["a"], "label": 0}',
      'mc.jsonl line 1: "choices" must be a list of at least two strings',
    ],
    ['{"question": "q", "choices": ["a", "b"], "label": 2}', 'mc.jsonl line 1: label 2 is not a choice index 0…1'],
    [
      '{"question": "q", "choices": ["a", "b"], "label": 0}\n{"question": "q", "choices": ["a", "b", "c"], "label": 0}',
      'mc.jsonl line 2: 3 choices, the first example has 2',
    ],
    ['', 'mc.jsonl: no examples (the file is empty)'],
  ])('JSON Lines %j is a typed error: %s', async (text, message) => {
    await expect(collect(multipleChoiceJsonLines([text], { file: 'mc.jsonl' }))).rejects.toThrow(message);
  });

  it('CSV: choice0… or ending0… columns', async () => {
    const csv = 'question,choice0,choice1,label\nWhere do fish live?,in water,in trees,0\n';
    expect(await collect(multipleChoiceCsvRecords([csv], { file: 'mc.csv' }))).toEqual([
      { first: 'Where do fish live?', seconds: ['in water', 'in trees'], label: 0, line: 2 },
    ]);
    const swag = 'context,question,ending0,ending1,label\nIt rains.,She opens,her umbrella.,the oven.,1\n';
    expect((await collect(multipleChoiceCsvRecords([swag], { file: 'mc.csv' })))[0]).toMatchObject({
      seconds: ['She opens her umbrella.', 'She opens the oven.'],
      label: 1,
    });
    await expect(
      collect(multipleChoiceCsvRecords(['question,a,b,label\nq,x,y,0\n'], { file: 'mc.csv' })),
    ).rejects.toThrow('the header needs choice columns');
    await expect(
      collect(multipleChoiceCsvRecords(['question,choice0,choice1\nq,x,y\n'], { file: 'mc.csv' })),
    ).rejects.toThrow('mc.csv line 2: no column "label"');
  });

  it('encodes one pair per choice', async () => {
    const tokenizer = await testTokenizer();
    const example = multipleChoiceExample(
      { first: 'Where do fish live?', seconds: ['in water', 'in trees'], label: 1, line: 1 },
      tokenizer,
      { maxLength: 8 },
    );
    const ids = example.inputIds as number[][];
    expect(ids).toHaveLength(2);
    expect(ids[0]).toEqual(
      tokenizer.encode('Where do fish live?', { textPair: 'in water', truncation: true, maxLength: 8 }).inputIds,
    );
    expect(ids.every((row) => row.length <= 8)).toBe(true);
    expect(example.label).toBe(1);
  });
});

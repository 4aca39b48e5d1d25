import { describe, expect, it } from 'vitest';
import { classificationCsvRecords, classificationJsonLines } from './classification-records.js';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
};

describe('classification records', () => {
  it('JSON Lines: names, indices, pairs, regression numbers and multi-label lists', async () => {
    const text = [
      '{"text": "a", "label": "sports"}',
      '',
      '{"text": "b", "text_pair": "c", "label": 2}',
      '{"text": "d", "label": 0.75}',
      '{"text": "e", "labels": ["x", 1]}',
    ].join('\n');
    expect(await collect(classificationJsonLines([text], { file: 'train.jsonl' }))).toEqual([
      { text: 'a', label: 'sports', line: 1 },
      { text: 'b', textPair: 'c', label: 2, line: 3 },
      { text: 'd', label: 0.75, line: 4 },
      { text: 'e', label: ['x', 1], line: 5 },
    ]);
  });

  it.each([
    ['{"text": "a", "label": "x"}\n{"text": "b", "label": "y"\n', 'train.jsonl line 2: not JSON'],
    ['{"text": "a", "label": "x"}\n[1, 2]\n', 'train.jsonl line 2: expected a JSON object'],
    ['{"label": "x"}\n', 'train.jsonl line 1: "text" must be a string (it is missing)'],
    ['{"text": "a", "text_pair": 3, "label": "x"}\n', 'train.jsonl line 1: "text_pair" must be a string'],
    ['{"text": "a"}\n', 'train.jsonl line 1: no "label" (or "labels" for multi-label)'],
    ['{"text": "a", "label": true}\n', 'train.jsonl line 1: "label" must be a label name or a number'],
    ['{"text": "a", "labels": "x"}\n', 'train.jsonl line 1: "labels" must be a list'],
    ['\n\n', 'train.jsonl: no examples (the file is empty)'],
  ])('JSON Lines %j is a typed error: %s', async (text, message) => {
    await expect(collect(classificationJsonLines([text], { file: 'train.jsonl' }))).rejects.toMatchObject({
      code: 'TRAINING_BAD_DATA',
      message: expect.stringContaining(message) as unknown,
    });
  });

  it('JSON Lines: a line longer than the bound names the line', async () => {
    const text = `{"text": "a", "label": "x"}\n{"text": "${'y'.repeat(100)}", "label": "x"}\n`;
    await expect(collect(classificationJsonLines([text], { file: 'train.jsonl', maxLineLength: 50 }))).rejects.toThrow(
      'train.jsonl line 2: longer than 50 characters',
    );
  });

  it('CSV: default and mapped columns, multi-label cells split at |', async () => {
    const csv = 'text,text_pair,label\n"Hi, you",there,greeting\nBye,,farewell|polite\n';
    expect(await collect(classificationCsvRecords([csv], { file: 'train.csv' }))).toEqual([
      { text: 'Hi, you', textPair: 'there', label: 'greeting', line: 2 },
      { text: 'Bye', textPair: '', label: ['farewell', 'polite'], line: 3 },
    ]);
    const tsv = 'text\tlabel\n"Hi, you"\tgreeting\n';
    expect(await collect(classificationCsvRecords([tsv], { file: 'train.tsv', delimiter: '\t' }))).toEqual([
      { text: 'Hi, you', label: 'greeting', line: 2 },
    ]);
    const mapped = 'sentence,topic\nGoal!,sports\n';
    expect(
      await collect(
        classificationCsvRecords([mapped], { file: 'train.csv', columns: { text: 'sentence', label: 'topic' } }),
      ),
    ).toEqual([{ text: 'Goal!', label: 'sports', line: 2 }]);
  });

  it.each([
    ['sentence,label\nGoal!,sports\n', 'train.csv line 2: no column "text" (the header has sentence, label)'],
    ['text,topic\nGoal!,sports\n', 'train.csv line 2: no column "label"'],
    ['text,label\nGoal!, \n', 'train.csv line 2: the "label" cell is empty'],
    ['text,label\n"Goal!,sports\n', 'train.csv line 2: a quoted field is not closed'],
    ['text,label\n', 'train.csv: no examples (the file is empty)'],
    ['', 'train.csv: no header row (the file is empty)'],
  ])('CSV %j is a typed error: %s', async (text, message) => {
    await expect(collect(classificationCsvRecords([text], { file: 'train.csv' }))).rejects.toMatchObject({
      code: 'TRAINING_BAD_DATA',
      message: expect.stringContaining(message) as unknown,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { csvField, csvRecords } from './csv-records.js';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
};
const read = (text: string | string[], maxRecordLength?: number) =>
  collect(
    csvRecords(Array.isArray(text) ? text : [text], {
      file: 'train.csv',
      ...(maxRecordLength === undefined ? {} : { maxRecordLength }),
    }),
  );

describe('csvRecords', () => {
  it('reads RFC 4180: quoted separators, doubled quotes, line breaks in quotes, CRLF, blank lines', async () => {
    const records = await read(['text,label\r\n"a, b",x\r\n', '"say ""hi""",y\n\n"two\nlines",z\n', 'last,', 'w']);
    expect(records).toEqual([
      { fields: { text: 'a, b', label: 'x' }, line: 2 },
      { fields: { text: 'say "hi"', label: 'y' }, line: 3 },
      { fields: { text: 'two\nlines', label: 'z' }, line: 5 },
      { fields: { text: 'last', label: 'w' }, line: 7 },
    ]);
    expect(await read('text,label\n"",\n')).toEqual([{ fields: { text: '', label: '' }, line: 2 }]);
  });

  it.each([
    ['text,label\nab"c",x\n', 'train.csv line 2: a quote inside an unquoted field'],
    ['text,label\n"abc"d,x\n', 'train.csv line 2: text after a closing quote'],
    [
      'text,label\nok,x\n"never closed,x\n',
      'train.csv line 3: a quoted field is not closed (the record starts on line 3',
    ],
    ['text,label\nok,x\na,b,c\n', 'train.csv line 3: 3 fields, the header has 2 (text, label)'],
    ['text,text\n', 'train.csv line 1: header column "text" appears twice'],
    ['text,\n', 'train.csv line 1: header column 2 has no name'],
    ['', 'train.csv: no header row (the file is empty)'],
    ['\n\n', 'train.csv: no header row (the file is empty)'],
  ])('%j is a typed error: %s', async (text, message) => {
    await expect(read(text)).rejects.toMatchObject({
      code: 'TRAINING_BAD_DATA',
      message: expect.stringContaining(message) as unknown,
    });
  });

  it('bounds a record (a stray quote cannot swallow the file)', async () => {
    await expect(read(`text,label\n"${'x'.repeat(200)}`, 100)).rejects.toMatchObject({
      code: 'TRAINING_BAD_DATA',
      message: expect.stringContaining('train.csv line 2: longer than 100 characters') as unknown,
    });
  });

  it('csvField names a missing column', async () => {
    const [record] = await read('sentence,label\nhello,x\n');
    expect(() => csvField(record!, 'text', 'train.csv')).toThrow(
      'train.csv line 2: no column "text" (the header has sentence, label)',
    );
  });
});

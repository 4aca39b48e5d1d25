import { describe, expect, it } from 'vitest';
import { TrainingError } from '../training-error.js';
import { decodeDataChunks } from './data-chunks.js';
import { textLines } from './text-lines.js';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
};

describe('textLines', () => {
  it('streams lines across chunk boundaries, with CRLF, a final line without a break and a BOM', async () => {
    const bytes = new TextEncoder().encode('\ufeffé first\r\nsecond\n\nthi');
    // split inside the two-byte é and inside "\r\n"
    const chunks = [bytes.slice(0, 4), bytes.slice(4, 11), bytes.slice(11), new TextEncoder().encode('rd')];
    expect(await collect(textLines(chunks, { file: 'a.txt' }))).toEqual([
      { text: 'é first', line: 1 },
      { text: 'second', line: 2 },
      { text: '', line: 3 },
      { text: 'third', line: 4 },
    ]);
    expect(await collect(textLines(['\ufeffa\n', 'b'], { file: 'a.txt' }))).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
    ]);
  });

  it('a line longer than the bound is a typed error naming the line, before it is read whole', async () => {
    let pulled = 0;
    function* endless(): Generator<string> {
      yield 'short\n';
      for (;;) {
        pulled += 1;
        yield 'x'.repeat(100);
      }
    }
    const error = await collect(textLines(endless(), { file: 'big.txt', maxLineLength: 1000 })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TrainingError);
    expect(error).toMatchObject({
      code: 'TRAINING_BAD_DATA',
      message: expect.stringContaining('big.txt line 2: longer than 1000 characters') as unknown,
    });
    expect(pulled).toBeLessThan(20);
  });

  it('bytes that are not UTF-8 are a typed error naming the file', async () => {
    await expect(collect(decodeDataChunks([new Uint8Array([0x61, 0xff, 0x0a])], 'bad.txt'))).rejects.toMatchObject({
      code: 'TRAINING_BAD_DATA',
      message: 'bad.txt: not UTF-8 text',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { NormalizedString } from './normalized-string.js';

const alignments = (text: NormalizedString): Array<[number, number]> =>
  Array.from(text.starts, (start, index) => [start, text.ends[index] as number]);

describe('NormalizedString (the library alignment rules)', () => {
  it('aligns a replacement to the last replaced character', () => {
    const text = NormalizedString.fromOriginal('a``b');
    text.replaceRanges([[1, 3]], '"');
    expect(text.normalized).toBe('a"b');
    expect(alignments(text)).toEqual([
      [0, 1],
      [2, 3],
      [3, 4],
    ]);
  });

  it('aligns a prepended character like the first one, and keeps surrogate pairs whole', () => {
    const text = NormalizedString.fromOriginal('😀x');
    expect(alignments(text)).toEqual([
      [0, 1],
      [0, 1],
      [1, 2],
    ]);
    text.prepend('▁');
    expect(text.normalized).toBe('▁😀x');
    expect(alignments(text)).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [1, 2],
    ]);
  });

  it('transform: inserted characters follow the previous one; a leading removal without an item shifts', () => {
    const text = NormalizedString.fromOriginal('ﬁx');
    text.transform([0x66, 0x69, 0x78], [0, 1, 0], 3, 0);
    expect(alignments(text)).toEqual([
      [0, 1],
      [0, 1],
      [1, 2],
    ]);
    const shifted = NormalizedString.fromOriginal('\u200bab');
    shifted.transform([0x61, 0x62], [0, 0], 2, 0);
    expect(alignments(shifted)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('splits with the delimiter behaviours and keeps original ranges', () => {
    const text = NormalizedString.fromOriginal('▁a▁▁b');
    const pieces = text.split((codePoint) => codePoint === 0x2581, 'mergedWithNext');
    expect(pieces.map((piece) => [piece.normalized, piece.originalStart, piece.originalEnd])).toEqual([
      ['▁a', 0, 2],
      ['▁', 2, 3],
      ['▁b', 3, 5],
    ]);
    expect(text.split((codePoint) => codePoint === 0x2581, 'removed').map((piece) => piece.normalized)).toEqual([
      'a',
      'b',
    ]);
  });
});

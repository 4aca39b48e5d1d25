import { describe, expect, it } from 'vitest';
import {
  alignedIdentity,
  collapseWhitespace,
  lowercaseAligned,
  lowercaseExcept,
  originalSpan,
  replaceAligned,
  stripAccents,
  type AlignedText,
} from './aligned-text.js';

function spans(aligned: AlignedText): Array<[number, number]> {
  return Array.from(aligned.text, (_, index) => originalSpan(aligned, index, index + 1, 0));
}

describe('aligned preprocessing steps', () => {
  it('collapses Python whitespace and keeps spans', () => {
    const result = collapseWhitespace(alignedIdentity(' \ta \n\u3000b  '));
    expect(result.text).toBe('a b');
    expect(spans(result)).toEqual([
      [2, 3],
      [3, 6],
      [6, 7],
    ]);
    expect(collapseWhitespace(alignedIdentity('  a b ')).text).toBe('a b');
  });

  it("replaces `` and '' with one character covering both", () => {
    const result = replaceAligned(alignedIdentity('x``y'), '``', '"');
    expect(result.text).toBe('x"y');
    expect(spans(result)).toEqual([
      [0, 1],
      [1, 3],
      [3, 4],
    ]);
  });

  it('strips accents (NFKD, combining marks removed) with the span of the source character', () => {
    const result = stripAccents(alignedIdentity('ﬁé'));
    expect(result.text).toBe('fie');
    expect(spans(result)).toEqual([
      [0, 1],
      [0, 1],
      [1, 2],
    ]);
  });

  it('lowercases one character at a time except kept tokens; whole-string lower keeps final sigma', () => {
    expect(lowercaseExcept(alignedIdentity('A[MASK]Σ'), ['[MASK]']).text).toBe('a[MASK]σ');
    expect(lowercaseExcept(alignedIdentity('ΟΔΟΣ'), []).text).toBe('οδοσ');
    expect(lowercaseAligned(alignedIdentity('ΟΔΟΣ')).text).toBe('οδος');
    const dotted = lowercaseExcept(alignedIdentity('İx'), []);
    expect(dotted.text).toBe('i\u0307x');
    expect(spans(dotted)).toEqual([
      [0, 1],
      [0, 1],
      [1, 2],
    ]);
  });
});

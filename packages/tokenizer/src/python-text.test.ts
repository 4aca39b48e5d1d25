import { describe, expect, it } from 'vitest';
import { hasCombiningClass, isPythonDigit, isPythonWhitespace } from './python-text.js';

describe('Python str semantics', () => {
  it('isspace', () => {
    for (const character of ' \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000') {
      expect(isPythonWhitespace(character.codePointAt(0)!)).toBe(true);
    }
    for (const character of 'a\u200b\ufeff\u180e_') expect(isPythonWhitespace(character.codePointAt(0)!)).toBe(false);
  });

  it('isdigit', () => {
    for (const character of '09²①٣७𝟘❶') expect(isPythonDigit(character.codePointAt(0)!)).toBe(true);
    for (const character of 'a½Ⅷ,') expect(isPythonDigit(character.codePointAt(0)!)).toBe(false);
  });

  it('unicodedata.combining', () => {
    for (const character of '\u0301\u0308\u0327\u0345\u05b0\u093c\u3099')
      expect(hasCombiningClass(character.codePointAt(0)!)).toBe(true);
    for (const character of 'aé\u0903\u200d') expect(hasCombiningClass(character.codePointAt(0)!)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { AddedTokensTrie } from './added-tokens-trie.js';

function split(tokens: string[], text: string): string[] {
  const trie = new AddedTokensTrie();
  for (const token of tokens) trie.add(token);
  return trie.split(text).map(([start, end]) => text.slice(start, end));
}

describe('AddedTokensTrie (transformers Trie.split)', () => {
  it('cuts at added tokens, preferring the longest match', () => {
    expect(split(['[CLS]', 'extra_id_1', 'extra_id_100'], '[CLS] This is a extra_id_100')).toEqual([
      '[CLS]',
      ' This is a ',
      'extra_id_100',
    ]);
    expect(split(['[CLS]', 'extra_id_1', 'extra_id_100'], 'extra_id_1 and extra_id_100')).toEqual([
      'extra_id_1',
      ' and ',
      'extra_id_100',
    ]);
  });

  it('handles overlapping and suffix tokens as transformers does', () => {
    expect(split(['AB', 'B', 'C'], 'ABC')).toEqual(['AB', 'C']);
    expect(split(['ABC', 'B', 'CD'], 'ABCD')).toEqual(['ABC', 'D']);
    expect(split(['A', 'P', '[SPECIAL]'], 'This is something [SPECIAL]')).toEqual(['This is something ', '[SPECIAL]']);
    expect(split(['TOKEN]', '[SPECIAL_TOKEN]'], 'This is something [SPECIAL_TOKEN]')).toEqual([
      'This is something ',
      '[SPECIAL_TOKEN]',
    ]);
  });

  it('returns the whole text when there is nothing to cut', () => {
    expect(split([], 'abc')).toEqual(['abc']);
    expect(split(['[MASK]'], 'no masks here')).toEqual(['no masks here']);
    expect(split(['[MASK]'], '')).toEqual([]);
    expect(split(['[MASK]'], '[MASK][MASK]')).toEqual(['[MASK]', '[MASK]']);
  });
});

import { describe, expect, it } from 'vitest';
import { DoubleArrayTrie } from './double-array-trie.js';

const encoder = new TextEncoder();

describe('DoubleArrayTrie', () => {
  it('finds every key and only the keys (random keys, shared prefixes, multi-byte characters)', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = ['a', 'b', 'c', '\u2581', 'é', '日', '😀'];
    const keys = new Map<string, number>();
    while (keys.size < 3000) {
      let key = '';
      const length = 1 + Math.floor(random() * 6);
      for (let index = 0; index < length; index += 1) key += alphabet[Math.floor(random() * alphabet.length)];
      if (!keys.has(key)) keys.set(key, keys.size);
    }
    const trie = DoubleArrayTrie.build([...keys].map(([key, value]) => [encoder.encode(key), value] as const));
    for (const [key, value] of keys) expect(trie.get(encoder.encode(key))).toBe(value);
    for (const probe of ['zz', 'a\u2581\u2581\u2581\u2581\u2581\u2581\u2581', '']) {
      if (!keys.has(probe)) expect(trie.get(encoder.encode(probe))).toBe(-1);
    }
    const keyList = [...keys.keys()].map((key) => encoder.encode(key));
    // Longest prefix agrees with a brute-force search.
    for (let attempt = 0; attempt < 500; attempt += 1) {
      let text = '';
      for (let index = 0; index < 8; index += 1) text += alphabet[Math.floor(random() * alphabet.length)];
      const bytes = encoder.encode(text);
      let best = 0;
      for (const keyBytes of keyList) {
        if (keyBytes.length > best && keyBytes.every((byte, index) => bytes[index] === byte)) best = keyBytes.length;
      }
      expect(trie.longestPrefix(bytes, 0, bytes.length)).toBe(best);
    }
  });

  it('keeps the first value of a duplicate key and ignores empty keys', () => {
    const trie = DoubleArrayTrie.build([
      [encoder.encode('ab'), 1],
      [encoder.encode('ab'), 2],
      [new Uint8Array(0), 3],
    ]);
    expect(trie.get(encoder.encode('ab'))).toBe(1);
    expect(trie.get(new Uint8Array(0))).toBe(-1);
    expect(trie.rootHasChild[0x61]).toBe(1);
    expect(trie.rootHasChild[0x62]).toBe(0);
  });
});

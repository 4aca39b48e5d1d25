import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../tokenizer-error.js';
import { parseModelProto, type SentencePieceNormalizerSpec } from './model-proto.js';
import { SentencePieceNormalizer } from './normalizer.js';
import { PrecompiledCharsmap } from './precompiled-charsmap.js';
import { DoubleArrayTrie } from './double-array-trie.js';

const vocabularies = fileURLToPath(new URL('../../../../../shared/third-party/tokenizers/', import.meta.url));
const available = existsSync(vocabularies);
if (!available) console.log(`skipping nmt_nfkc checks: third-party vocabularies not found at ${vocabularies}`);

const identity = (overrides: Partial<SentencePieceNormalizerSpec> = {}): SentencePieceNormalizerSpec => ({
  name: 'identity',
  precompiledCharsmap: new Uint8Array(0),
  addDummyPrefix: true,
  removeExtraWhitespaces: true,
  escapeWhitespaces: true,
  normalizationRuleTsv: '',
  ...overrides,
});

describe('SentencePieceNormalizer (whitespace rules, identity map)', () => {
  it('removes leading, trailing and repeated spaces, adds the dummy prefix and escapes spaces', () => {
    const normalizer = new SentencePieceNormalizer(identity());
    expect(normalizer.normalize('  Hello   world  ')).toBe('\u2581Hello\u2581world');
    expect(normalizer.normalize('')).toBe('');
    expect(normalizer.normalize('    ')).toBe('');
  });

  it('keeps spaces when remove_extra_whitespaces is off', () => {
    expect(new SentencePieceNormalizer(identity({ removeExtraWhitespaces: false })).normalize(' a  b ')).toBe(
      '\u2581\u2581a\u2581\u2581b\u2581',
    );
  });

  it('does not escape when escape_whitespaces is off, and can omit the dummy prefix', () => {
    expect(new SentencePieceNormalizer(identity({ escapeWhitespaces: false })).normalize('a  b')).toBe(' a b');
    expect(new SentencePieceNormalizer(identity({ addDummyPrefix: false })).normalize('a b')).toBe('a\u2581b');
  });

  it('puts the dummy space at the end with treat_whitespace_as_suffix', () => {
    expect(new SentencePieceNormalizer(identity(), { treatWhitespaceAsSuffix: true }).normalize(' a b ')).toBe(
      'a\u2581b\u2581',
    );
  });

  it('aligns every normalized character with the original text', () => {
    const normalizer = new SentencePieceNormalizer(identity());
    expect(normalizer.normalizeWithOffsets('  ab  c ')).toEqual({
      normalized: '\u2581ab\u2581c',
      offsets: [2, 2, 3, 4, 6, 7],
    });
    // UTF-16 offsets count a surrogate pair twice.
    expect(normalizer.normalizeWithOffsets('😀 x', 'utf16')).toEqual({
      normalized: '\u2581😀\u2581x',
      offsets: [0, 0, 0, 2, 3, 4],
    });
    expect(normalizer.normalizeWithOffsets('😀 x')).toEqual({
      normalized: '\u2581😀\u2581x',
      offsets: [0, 0, 1, 2, 3],
    });
  });

  it('replaces malformed UTF-8 by U+FFFD, one byte at a time', () => {
    const normalizer = new SentencePieceNormalizer(identity());
    const result = normalizer.normalizeUtf8(Uint8Array.from([0x61, 0xff, 0xe2, 0x96, 0x62]), 5);
    expect(new TextDecoder().decode(result.normalized.subarray(0, result.length))).toBe('\u2581a\ufffd\ufffd\ufffdb');
  });

  it('never rewrites user-defined symbols', () => {
    const symbols = DoubleArrayTrie.build([[new TextEncoder().encode('a  b'), 0]]);
    expect(new SentencePieceNormalizer(identity(), { userDefinedSymbols: symbols }).normalize('xa  by')).toBe(
      '\u2581xa\u2581\u2581by',
    );
  });
});

describe('PrecompiledCharsmap + normalizer with the real nmt_nfkc map', () => {
  const load = () => {
    const proto = parseModelProto(new Uint8Array(readFileSync(vocabularies + 'albert-base-v2/spiece.model')));
    return new SentencePieceNormalizer(proto.normalizerSpec);
  };

  it.skipIf(!available)('applies NFKC-style rewrites by longest match', () => {
    const normalizer = load();
    expect(normalizer.normalize('ＡＢＣ ｘｙｚ')).toBe('\u2581ABC\u2581xyz');
    expect(normalizer.normalize('ﬁne ①')).toBe('\u2581fine\u25811');
    expect(normalizer.normalize('a\u3000\u3000b\tc')).toBe('\u2581a\u2581b\u2581c');
    expect(normalizer.normalizeWithOffsets('ﬁx')).toEqual({ normalized: '\u2581fix', offsets: [0, 0, 0, 1, 2] });
  });

  it.skipIf(!available)('exposes the charsmap for reuse (common prefix search, replacements)', () => {
    const charsmap = load().charsmap;
    const bytes = new TextEncoder().encode('ﬁ!');
    const matches = charsmap.commonPrefixSearch(bytes);
    expect(matches.map((match) => match.length)).toEqual([3]);
    expect(charsmap.replacement(matches[0]!.value)).toBe('fi');
    expect(charsmap.longestPrefix(bytes, 0, bytes.length)).toBe(3);
    expect(charsmap.size).toBeGreaterThan(1000);
  });

  it('rejects a truncated or inconsistent charsmap, naming the file', () => {
    expect(() => PrecompiledCharsmap.fromBytes(Uint8Array.from([1, 2]), { file: 'x.model' })).toThrow(TokenizerError);
    expect(() => PrecompiledCharsmap.fromBytes(Uint8Array.from([8, 0, 0, 0, 1, 2, 3]), { file: 'x.model' })).toThrow(
      /x\.model.*runs past the end/,
    );
    expect(PrecompiledCharsmap.fromBytes(new Uint8Array(0)).size).toBe(0);
  });
});

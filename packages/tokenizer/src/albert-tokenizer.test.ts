import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertTokenizer } from './albert-tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

const vocabularies = fileURLToPath(new URL('../../../../shared/third-party/tokenizers/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../fixtures/tokenizers/', import.meta.url));
const available = existsSync(vocabularies);
if (!available) console.log(`skipping AlbertTokenizer tests: third-party vocabularies not found at ${vocabularies}`);

const quiet = { error: () => undefined, warn: () => undefined };
const modelBytes = (): Uint8Array => new Uint8Array(readFileSync(vocabularies + 'albert-base-v2/spiece.model'));
const albert = (options: Parameters<typeof AlbertTokenizer.fromBytes>[1] = {}): AlbertTokenizer =>
  AlbertTokenizer.fromBytes(modelBytes(), { logger: quiet, ...options });

describe.skipIf(!available)('AlbertTokenizer', () => {
  it('encodes the integration-test sentence like transformers', () => {
    const tokenizer = albert();
    const encoding = tokenizer.encode('Paris is the [MASK] of France.');
    expect(encoding.inputIds).toEqual([2, 1162, 25, 14, 4, 16, 714, 9, 3]);
    expect(encoding.tokens).toEqual([
      '[CLS]',
      '\u2581paris',
      '\u2581is',
      '\u2581the',
      '[MASK]',
      '\u2581of',
      '\u2581france',
      '.',
      '[SEP]',
    ]);
    expect(encoding.tokenTypeIds).toEqual(new Array(9).fill(0));
    expect(encoding.attentionMask).toEqual(new Array(9).fill(1));
    expect(encoding.specialTokensMask).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1]);
    // Offsets into the original text (code points); [0, 0] for [CLS]/[SEP].
    expect(encoding.offsets).toEqual([
      [0, 0],
      [0, 5],
      [5, 8],
      [8, 12],
      [13, 19],
      [20, 22],
      [22, 29],
      [29, 30],
      [0, 0],
    ]);
  });

  it('builds pairs, special-token masks and token type ids', () => {
    const tokenizer = albert();
    expect(tokenizer.buildInputsWithSpecialTokens([7, 8], [9])).toEqual([2, 7, 8, 3, 9, 3]);
    expect(tokenizer.getSpecialTokensMask([7, 8], [9])).toEqual([1, 0, 0, 1, 0, 1]);
    expect(tokenizer.getSpecialTokensMask([2, 7, 3, 0, 4], null, true)).toEqual([1, 0, 1, 1, 1]);
    expect(() => tokenizer.getSpecialTokensMask([2], [3], true)).toThrow(TokenizerError);
    expect(tokenizer.createTokenTypeIdsFromSequences([7, 8], [9])).toEqual([0, 0, 0, 0, 1, 1]);
    const pair = tokenizer.encodePair('hello', 'world 😀 x');
    expect(pair.inputIds).toEqual([2, 10975, 3, 126, 13, 1, 993, 3]);
    expect(pair.tokenTypeIds).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(pair.offsets).toEqual([
      [0, 0],
      [0, 5],
      [0, 0],
      [0, 5],
      [5, 6],
      [6, 7],
      [7, 9],
      [0, 0],
    ]);
  });

  it('pads right by default, left on request, to a multiple, and as a batch', () => {
    const tokenizer = albert();
    expect(tokenizer.encode('hello', { padding: 'max_length', maxLength: 6 }).inputIds).toEqual([2, 10975, 3, 0, 0, 0]);
    const left = tokenizer.encode('hello', { padding: 'max_length', maxLength: 5, paddingSide: 'left' });
    expect(left.inputIds).toEqual([0, 0, 2, 10975, 3]);
    expect(left.attentionMask).toEqual([0, 0, 1, 1, 1]);
    expect(left.specialTokensMask).toEqual([1, 1, 1, 0, 1]);
    expect(tokenizer.encode('hello', { padding: 'longest', padToMultipleOf: 4 }).inputIds).toEqual([2, 10975, 3, 0]);
    const batch = tokenizer.encodeBatch(['hello world', 'hello', ['a', 'b']], { padding: true });
    expect(batch.inputIds).toEqual([
      [2, 10975, 126, 3, 0],
      [2, 10975, 3, 0, 0],
      [2, 21, 3, 334, 3],
    ]);
    expect(batch.attentionMask[1]).toEqual([1, 1, 1, 0, 0]);
    expect(batch.offsets[1]).toEqual([
      [0, 0],
      [0, 5],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(batch.tokens[1]).toEqual(['[CLS]', '\u2581hello', '[SEP]', '<pad>', '<pad>']);
  });

  it('truncates with every strategy and reports a truncation that cannot be done', () => {
    const errors: string[] = [];
    const tokenizer = albert({ logger: { error: (message) => errors.push(message), warn: () => undefined } });
    const long = 'one two three four five six';
    expect(tokenizer.encode(long, { truncation: true, maxLength: 5 }).inputIds).toEqual([2, 53, 81, 132, 3]);
    const pair = tokenizer.encodePair(long, 'a b c', { truncation: 'longest_first', maxLength: 8 });
    expect(pair.inputIds).toHaveLength(8);
    const onlySecond = tokenizer.encodePair('a', long, { truncation: 'only_second', maxLength: 6 });
    expect(onlySecond.inputIds).toEqual([2, 21, 3, 53, 81, 3]);
    const impossible = tokenizer.encodePair(long, 'a', { truncation: 'only_second', maxLength: 6 });
    expect(impossible.truncationError).toMatch(/second sequence has a length 1/);
    expect(impossible.inputIds).toHaveLength(3 + 6 + 1);
    expect(errors).toHaveLength(1);
    expect(tokenizer.encodeBatch([[long, 'a']], { truncation: 'only_second', maxLength: 6 }).truncationErrors).toEqual([
      impossible.truncationError,
    ]);
  });

  it('decodes with and without special tokens and clean-up', () => {
    const tokenizer = albert();
    const ids = tokenizer.encode("Hello , world . I do n't know!").inputIds;
    expect(tokenizer.decode(ids)).toBe("[CLS] hello, world. i don't know![SEP]");
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe("hello, world. i don't know!");
    expect(tokenizer.decode(ids, { cleanUpTokenizationSpaces: false })).toBe(
      "[CLS] hello , world . i do n't know![SEP]",
    );
    expect(tokenizer.convertTokensToString(['\u2581a', '[MASK]', '\u2581b'])).toBe('a[MASK]b');
    expect(tokenizer.batchDecode([[2, 10975, 3]], { skipSpecialTokens: true })).toEqual(['hello']);
    expect(() => tokenizer.decode([40000])).toThrow(/outside the vocabulary/);
  });

  it('splits special tokens out of the text in exact case only; [MASK] strips the space on its left', () => {
    const tokenizer = albert();
    expect(tokenizer.tokenize('a [MASK] b [mask] <unk>[SEP]')).toEqual([
      '\u2581a',
      '[MASK]',
      '\u2581b',
      '\u2581[',
      'mask',
      ']',
      '<unk>',
      '[SEP]',
    ]);
    expect(tokenizer.tokenize('9,9 and 1,000,000')).toEqual(['\u25819', ',', '9', '\u2581and', '\u25811', ',000,000']);
  });

  it('gives offsets whose spans reproduce the tokens (fixture texts)', () => {
    const tokenizer = albert();
    const caseFile = JSON.parse(readFileSync(fixtures + 'cases-albert-base-v2.json', 'utf8')) as {
      cases: Array<{ text?: string; kind: string; config: string }>;
    };
    let checked = 0;
    for (const testCase of caseFile.cases) {
      if (testCase.kind !== 'single' || testCase.config !== 'default' || typeof testCase.text !== 'string') continue;
      const text = testCase.text;
      const codePoints = Array.from(text);
      const encoding = tokenizer.encode(text);
      for (let index = 0; index < encoding.tokens.length; index += 1) {
        const token = encoding.tokens[index]!;
        const [start, end] = encoding.offsets[index]!;
        expect(start).toBeLessThanOrEqual(end);
        expect(end).toBeLessThanOrEqual(codePoints.length);
        // Special tokens written in the text have mask 0 (as in transformers) but are matched exactly.
        if (encoding.specialTokensMask[index] === 1 || tokenizer.allSpecialTokens.includes(token)) {
          if (encoding.specialTokensMask[index] === 1) expect([start, end]).toEqual([0, 0]);
          else expect(codePoints.slice(start, end).join('')).toBe(token);
          continue;
        }
        // A token that shares its span with a neighbour comes from part of one character (e.g. "ﬁ" → "f", "i").
        const shared = encoding.offsets.some(
          (other, otherIndex) => otherIndex !== index && other[0] < end && start < other[1],
        );
        if (shared || token === '\u2581') continue;
        const span = codePoints.slice(start, end).join('');
        // transformers lowercases one character at a time before preprocessing (no final sigma).
        const lowered = Array.from(span, (character) => character.toLowerCase()).join('');
        const normalized = tokenizer.sentencePiece
          .normalize(tokenizer.preprocessText(lowered))
          .replaceAll('\u2581', '');
        expect({ text, token, span, normalized }).toEqual({
          text,
          token,
          span,
          normalized: token.replaceAll('\u2581', ''),
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('rejects non-string input with a typed error', () => {
    const tokenizer = albert();
    for (const bad of [42, null, undefined, ['a'], { text: 'a' }]) {
      expect(() => tokenizer.encode(bad as unknown as string)).toThrow(TokenizerError);
    }
    expect(() => tokenizer.encodePair('a', 5 as unknown as string)).toThrow(/textPair must be a string/);
    expect(() => tokenizer.encodeBatch(['a', 7 as unknown as string])).toThrow(/texts\[1\] must be a string/);
    expect(() => tokenizer.tokenize({} as unknown as string)).toThrow(TokenizerError);
    expect(() => tokenizer.encode('a', { padding: 'sideways' as 'longest' })).toThrow(/padding/);
  });

  it('saves the original vocabulary bytes and loads a model directory with its JSON files', async () => {
    const bytes = modelBytes();
    const tokenizer = albert();
    expect(Buffer.from(tokenizer.saveVocabulary().bytes).equals(Buffer.from(bytes))).toBe(true);
    const directory = mkdtempSync(join(tmpdir(), 'albert-tokenizer-'));
    try {
      const [written] = await tokenizer.saveVocabularyToDirectory(directory);
      expect(written).toBe(join(directory, 'spiece.model'));
      writeFileSync(
        join(directory, 'tokenizer_config.json'),
        JSON.stringify({ do_lower_case: false, keep_accents: true, model_max_length: 16 }),
      );
      writeFileSync(
        join(directory, 'special_tokens_map.json'),
        JSON.stringify({
          mask_token: { content: '[MASK]', lstrip: true, rstrip: false, normalized: false, single_word: false },
        }),
      );
      const loaded = await AlbertTokenizer.fromDirectory(directory, { logger: quiet });
      expect(loaded.doLowerCase).toBe(false);
      expect(loaded.keepAccents).toBe(true);
      expect(loaded.modelMaxLength).toBe(16);
      expect(loaded.tokenize('Noël')).toEqual(['\u2581', 'N', 'o', 'ë', 'l']);
      expect(loaded.encode('a b c d e f g h i j k l m n o p q r', { truncation: true }).inputIds).toHaveLength(16);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports invalid configuration JSON and a missing model file as typed errors', async () => {
    expect(() => AlbertTokenizer.fromBytes(modelBytes(), { tokenizerConfig: '{nope' })).toThrow(
      /tokenizer_config\.json: invalid JSON/,
    );
    expect(() => AlbertTokenizer.fromBytes(modelBytes(), { tokenizerConfig: { do_lower_case: 'yes' } })).toThrow(
      /do_lower_case must be a boolean/,
    );
    await expect(AlbertTokenizer.fromDirectory(tmpdir() + '/does-not-exist-albert')).rejects.toThrow(
      /no spiece\.model/,
    );
    expect(() => AlbertTokenizer.fromBytes(new Uint8Array([1, 2, 3]), { file: 'bad/spiece.model' })).toThrow(
      /bad\/spiece\.model/,
    );
  });

  it('adds tokens after the vocabulary and splits them out of the text', () => {
    const tokenizer = albert();
    expect(tokenizer.length).toBe(30000);
    expect(tokenizer.addTokens(['newword'])).toBe(1);
    expect(tokenizer.convertTokenToId('newword')).toBe(30000);
    expect(tokenizer.tokenize('a NewWord b')).toEqual(['\u2581a', 'newword', '\u2581b']);
    // As in transformers: a non-special added token is decoded on its own, joined with spaces.
    expect(tokenizer.decode(tokenizer.encode('a newword b').inputIds)).toBe('[CLS]a newword b[SEP]');
  });
});

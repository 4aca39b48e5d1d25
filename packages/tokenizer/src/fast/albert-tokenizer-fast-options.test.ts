import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertError } from '@albert-ts/config';
import { AlbertTokenizerFast } from './albert-tokenizer-fast.js';

const fixtures = fileURLToPath(new URL('../../../../fixtures/pipelines/tokenizer/', import.meta.url));
const spiece = new Uint8Array(readFileSync(`${fixtures}spiece.model`));
const json = readFileSync(`${fixtures}tokenizer.json`, 'utf8');
const converted = AlbertTokenizerFast.fromSentencePiece(spiece);
const fromJson = AlbertTokenizerFast.fromJSON(json);

function errorOf(action: () => unknown): AlbertError {
  try {
    action();
  } catch (error) {
    if (error instanceof AlbertError) return error;
    throw error;
  }
  throw new Error('expected an AlbertError');
}

describe('AlbertTokenizerFast strict options', () => {
  it('names the right spelling of a Python keyword', () => {
    const error = errorOf(() => converted.encode('a', { return_overflowing_tokens: true } as never));
    expect(error.code).toBe('OPTIONS_UNKNOWN_KEY');
    expect(error.message).toMatch(/return_overflowing_tokens is spelled returnOverflowingTokens/);
    expect(errorOf(() => converted.encodeBatch(['a'], { is_split_into_words: true } as never)).message).toMatch(
      /is spelled isSplitIntoWords/,
    );
    expect(errorOf(() => converted.encode('a', { textpair: 'b' } as never)).message).toMatch(
      /textpair is spelled textPair/,
    );
    expect(errorOf(() => converted.encode('a', { returnOffsetsMapping: true } as never)).message).toMatch(
      /unknown option returnOffsetsMapping; options: /,
    );
    expect(errorOf(() => AlbertTokenizerFast.fromJSON(json, { model_max_length: 8 } as never)).message).toMatch(
      /model_max_length is spelled modelMaxLength/,
    );
  });

  it('refuses bad values with typed errors', () => {
    expect(errorOf(() => converted.encode('a b c', { truncation: true, maxLength: 4, stride: 4 })).message).toMatch(
      /stride 4 must be smaller than maxLength 4/,
    );
    expect(errorOf(() => converted.encode('a b c', { stride: -1 })).details['field']).toBe('stride');
    expect(
      errorOf(() =>
        converted.encode('a b c d e f', { truncation: true, maxLength: 5, stride: 3, returnOverflowingTokens: true }),
      ).message,
    ).toMatch(/stride 3 must be smaller than the 3 tokens/);
    expect(errorOf(() => converted.encode('a', { returnOverflowingTokens: 'yes' as never })).details['field']).toBe(
      'returnOverflowingTokens',
    );
    expect(errorOf(() => converted.encodeBatch([])).code).toBe('TOKENIZER_INVALID_INPUT');
    expect(errorOf(() => converted.encodeBatch([['a'] as never])).message).toMatch(
      /inputs\[0\] must be a text or a \[text, textPair\] pair/,
    );
    expect(errorOf(() => converted.encodeBatch(['a'], { textPairs: [] })).code).toBe('TOKENIZER_INVALID_OPTION');
    expect(errorOf(() => converted.encode('a b', { isSplitIntoWords: true })).message).toMatch(
      /must be an array of words/,
    );
    expect(errorOf(() => converted.encode(['a', 3] as never, { isSplitIntoWords: true })).code).toBe(
      'TOKENIZER_INVALID_INPUT',
    );
    expect(errorOf(() => converted.encode('a', { textPair: 'b', truncation: 'only_second', maxLength: 2 })).code).toBe(
      'TOKENIZER_INVALID_OPTION',
    );
  });
});

describe('AlbertTokenizerFast windows, word and sequence ids', () => {
  const question = 'Where does the river flow?';
  const context = 'The river starts in the mountains and flows into the sea near the old city. It is long and wide.';

  it('keeps the question whole in every window of only_second and overlaps the windows by stride tokens', () => {
    const encoding = converted.encode(question, {
      textPair: context,
      truncation: 'only_second',
      maxLength: 20,
      stride: 4,
      returnOverflowingTokens: true,
    });
    const windows = [encoding, ...(encoding.overflowing ?? [])];
    expect(windows.length).toBeGreaterThan(2);
    const questionIds = converted.encode(question).inputIds;
    const contextIds = converted.encode(context, { addSpecialTokens: false }).inputIds;
    const contextParts = windows.map((window) => {
      expect(window.inputIds.length).toBeLessThanOrEqual(20);
      expect(window.inputIds.slice(0, questionIds.length)).toEqual(questionIds);
      return window.inputIds.filter((_, index) => window.sequenceIds[index] === 1);
    });
    for (let index = 1; index < contextParts.length; index++)
      expect(contextParts[index]!.slice(0, 4)).toEqual(contextParts[index - 1]!.slice(-4));
    expect(contextParts.at(-1)!.at(-1)).toBe(contextIds.at(-1));
    const batch = converted.encodeBatch([[question, context]], {
      truncation: 'only_second',
      maxLength: 20,
      stride: 4,
      returnOverflowingTokens: true,
    });
    expect(batch.inputIds).toEqual(windows.map((window) => window.inputIds));
    expect(batch.overflowToSampleMapping).toEqual(windows.map(() => 0));
  });

  it('gives word ids per pre-token and sequence ids per input, null for special tokens and padding', () => {
    const batch = converted.encodeBatch([['Hello world', 'Bye']], { padding: 'max_length', maxLength: 12 });
    const expected = batch.inputIds[0]!.map((_, index) =>
      batch.specialTokensMask[0]![index] === 1 ? null : batch.tokenTypeIds[0]![index],
    );
    expect(batch.sequenceIds[0]).toEqual(expected);
    expect(batch.inputIds[0]!.at(-1)).toBe(0);
    expect(batch.wordIds[0]![0]).toBeNull();
    expect(batch.wordIds[0]![1]).toBe(0);
    expect(batch.wordIds[0]!.at(-1)).toBeNull();
    expect(batch.overflowToSampleMapping).toBeUndefined();
  });

  it('encodes pre-tokenized words with word ids into the list and offsets per word (UTF-16 too)', () => {
    const words = ['Zoë', 'lives', 'in', '😀Paris'];
    const encoding = converted.encode(words, { isSplitIntoWords: true, offsetUnit: 'utf16' });
    const byWord = new Map<number, Array<[number, number]>>();
    encoding.wordIds.forEach((word, index) => {
      if (word !== null) byWord.set(word, [...(byWord.get(word) ?? []), encoding.offsets[index]!]);
    });
    expect([...byWord.keys()]).toEqual([0, 1, 2, 3]);
    for (const [word, offsets] of byWord) expect(offsets.at(-1)![1]).toBe(words[word]!.length);
  });

  it('does not truncate or pad to the model length when it is "no limit" (1e30)', () => {
    const unlimited = AlbertTokenizerFast.fromJSON(json, { modelMaxLength: 1e30 });
    expect(unlimited.encode('one two three four five six', { truncation: true }).inputIds.length).toBe(
      converted.encode('one two three four five six').inputIds.length,
    );
    expect(unlimited.encode('one', { padding: 'max_length' }).inputIds.length).toBe(
      converted.encode('one').inputIds.length,
    );
  });
});

describe('AlbertTokenizerFast special tokens and saving', () => {
  it('computes special-token masks as the slow tokenizer does', () => {
    expect(converted.getSpecialTokensMask([10, 11])).toEqual([1, 0, 0, 1]);
    expect(converted.getSpecialTokensMask([10], [11, 12])).toEqual([1, 0, 1, 0, 0, 1]);
    expect(converted.getSpecialTokensMask([2, 10, 3, 0, 4], null, true)).toEqual([1, 0, 1, 1, 1]);
    expect(errorOf(() => converted.getSpecialTokensMask([2], [3], true)).message).toMatch(
      /should not supply a second sequence/,
    );
    expect(errorOf(() => converted.getSpecialTokensMask([1.5])).code).toBe('TOKENIZER_INVALID_INPUT');
    expect(converted.allSpecialTokens).toEqual(['[CLS]', '[SEP]', '<unk>', '<pad>', '[MASK]']);
    expect(converted.allSpecialIds).toEqual([2, 3, 1, 0, 4]);
  });

  it('saves spiece.model when it has one, and refuses without', async () => {
    const saved = converted.saveVocabulary();
    expect(saved.fileName).toBe('spiece.model');
    expect(Buffer.compare(saved.bytes, spiece)).toBe(0);
    expect(errorOf(() => fromJson.saveVocabulary()).code).toBe('TOKENIZER_INVALID_OPTION');
    const directory = await mkdtemp(join(tmpdir(), 'albert-vocabulary-'));
    try {
      const [path] = await converted.saveVocabularyToDirectory(directory, 'demo');
      expect(path).toBe(join(directory, 'demo-spiece.model'));
      expect(Buffer.compare(await readFile(path!), spiece)).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('writes the files Python reads back (tokenizer.json equal to the converter output, configs, spiece.model)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-pretrained-'));
    try {
      await converted.savePretrained(directory);
      expect((await readdir(directory)).sort()).toEqual([
        'special_tokens_map.json',
        'spiece.model',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      expect(JSON.parse(await readFile(join(directory, 'tokenizer.json'), 'utf8'))).toEqual(JSON.parse(json));
      const config = JSON.parse(await readFile(join(directory, 'tokenizer_config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(config['tokenizer_class']).toBe('AlbertTokenizer');
      expect(config['do_lower_case']).toBe(true);
      expect(config['keep_accents']).toBe(false);
      expect((config['added_tokens_decoder'] as Record<string, { lstrip: boolean }>)['4']!.lstrip).toBe(true);
      const special = JSON.parse(await readFile(join(directory, 'special_tokens_map.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(special).toEqual(JSON.parse(readFileSync(`${fixtures}special_tokens_map.json`, 'utf8')));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('AlbertTokenizerFast convertTokensToString', () => {
  it('joins tokens with the Metaspace decoder (first leading space dropped, no clean-up)', () => {
    expect(converted.convertTokensToString(['▁alice', '▁smith', '.'])).toBe('alice smith.');
    expect(converted.convertTokensToString(['lice', '▁smith'])).toBe('lice smith');
    expect(converted.convertTokensToString(['▁▁a'])).toBe('a'); // the library drops every ▁ of the first token
    expect(converted.convertTokensToString([])).toBe('');
    expect(errorOf(() => converted.convertTokensToString([1] as never)).code).toBe('TOKENIZER_INVALID_INPUT');
  });
});

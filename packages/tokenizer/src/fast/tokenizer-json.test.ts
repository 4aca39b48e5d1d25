import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../tokenizer-error.js';
import { AlbertTokenizerFast } from './albert-tokenizer-fast.js';

const albertJson = fileURLToPath(
  new URL('../../../../../shared/third-party/tokenizers/albert-base-v2/tokenizer.json', import.meta.url),
);
const haveAlbert = existsSync(albertJson);
if (!haveAlbert) console.warn(`skipping the truncated-file test: ${albertJson} is absent`);

/** A small, self-contained ALBERT-like tokenizer.json (no Precompiled step). */
function tinyJson(): Record<string, unknown> {
  const pieces: Array<[string, number]> = [
    ['<pad>', 0],
    ['<unk>', 0],
    ['[CLS]', 0],
    ['[SEP]', 0],
    ['[MASK]', 0],
    ['▁', -2],
    ['▁hello', -3],
    ['▁world', -3],
    ['▁hell', -4],
    ['o', -4],
    ['.', -3],
    ['▁a', -3],
  ];
  const special = (id: number, content: string, lstrip = false) => ({
    id,
    content,
    single_word: false,
    lstrip,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      special(0, '<pad>'),
      special(1, '<unk>'),
      special(2, '[CLS]'),
      special(3, '[SEP]'),
      special(4, '[MASK]', true),
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { String: '``' }, content: '"' },
        { type: 'NFKD' },
        { type: 'StripAccents' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', replacement: '▁', add_prefix_space: true }],
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'Metaspace', replacement: '▁', add_prefix_space: true },
    model: { type: 'Unigram', unk_id: 1, vocab: pieces, byte_fallback: false },
  };
}

function errorOf(action: () => unknown): TokenizerError {
  try {
    action();
  } catch (error) {
    if (error instanceof TokenizerError) return error;
    throw error;
  }
  throw new Error('expected a TokenizerError');
}

describe('AlbertTokenizerFast on a small tokenizer.json', () => {
  const tokenizer = AlbertTokenizerFast.fromJSON(tinyJson(), { file: 'tiny.json' });

  it('encodes with offsets into the original text (code points)', () => {
    const encoding = tokenizer.encode('Héllo  wörld. 😀');
    expect(encoding.tokens).toEqual(['[CLS]', '▁hello', '▁world', '.', '▁', '😀', '[SEP]']);
    expect(encoding.inputIds).toEqual([2, 6, 7, 10, 5, 1, 3]);
    expect(encoding.offsets).toEqual([
      [0, 0],
      [0, 5],
      [7, 12],
      [12, 13],
      [14, 15],
      [14, 15],
      [0, 0],
    ]);
    expect(tokenizer.encode('Héllo  wörld. 😀', { offsetUnit: 'utf16' }).offsets[5]).toEqual([14, 16]);
  });

  it('splits added tokens before normalization, [MASK] taking the spaces on its left', () => {
    const encoding = tokenizer.encode('hello   [MASK] world', { addSpecialTokens: false });
    expect(encoding.tokens).toEqual(['▁hello', '   [MASK]', '▁world']);
    expect(encoding.offsets).toEqual([
      [0, 5],
      [5, 14],
      [15, 20],
    ]);
    expect(tokenizer.encode('[mask]', { addSpecialTokens: false }).inputIds).not.toContain(4);
  });

  it('lays out pairs, pads and truncates like the library', () => {
    const pair = tokenizer.encodePair('hello world', 'a', { padding: 'max_length', maxLength: 9 });
    expect(pair.inputIds).toEqual([2, 6, 7, 3, 11, 3, 0, 0, 0]);
    expect(pair.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0]);
    expect(pair.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(pair.specialTokensMask).toEqual([1, 0, 0, 1, 0, 1, 1, 1, 1]);
    const batch = tokenizer.encodeBatch(['hello', 'hello world hello'], {
      padding: true,
      padToMultipleOf: 4,
      paddingSide: 'left',
    });
    expect(batch.inputIds).toEqual([
      [0, 0, 0, 0, 0, 2, 6, 3],
      [0, 0, 0, 2, 6, 7, 6, 3],
    ]);
    expect(tokenizer.encode('hello world hello', { maxLength: 4 }).inputIds).toEqual([2, 6, 7, 3]);
  });

  it('reports an impossible truncation with the library message', () => {
    const error = errorOf(() =>
      tokenizer.encodePair('hello world hello', 'a', { truncation: 'only_second', maxLength: 4 }),
    );
    expect(error.code).toBe('TOKENIZER_TRUNCATION_ERROR');
    expect(error.message).toBe('Truncation error: Sequence to truncate too short to respect the provided max_length');
    expect(
      errorOf(() => tokenizer.encode('hello world hello', { truncation: 'only_second', maxLength: 4 })).message,
    ).toBe('Truncation error: Second sequence not provided');
  });

  it('decodes with and without special tokens and clean-up', () => {
    const ids = tokenizer.encode('hello world .').inputIds;
    expect(tokenizer.decode(ids, { cleanUpTokenizationSpaces: false })).toBe('[CLS] hello world .[SEP]');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('hello world.');
    expect(tokenizer.batchDecode([ids], { skipSpecialTokens: true })).toEqual(['hello world.']);
  });

  it('rejects inputs that are not strings', () => {
    const error = errorOf(() => tokenizer.encode(42 as unknown as string));
    expect(error.code).toBe('TOKENIZER_INVALID_INPUT');
    expect(error.message).toMatch(/text must be a string, got number/);
    expect(errorOf(() => tokenizer.encodeBatch(['x', null as unknown as string])).details['field']).toBe('inputs[1]');
  });
});

describe('tokenizer.json errors name the file and the component', () => {
  it('rejects text that is not JSON', () => {
    const error = errorOf(() => AlbertTokenizerFast.fromJSON('{"version": "1.0", "model": ', { file: 'broken.json' }));
    expect(error.code).toBe('TOKENIZER_MODEL_CORRUPT');
    expect(error.message).toMatch(/^broken\.json: not valid JSON/);
    expect(error.details['file']).toBe('broken.json');
  });

  it.skipIf(!haveAlbert)('rejects a truncated tokenizer.json', () => {
    const text = readFileSync(albertJson, 'utf8');
    const error = errorOf(() =>
      AlbertTokenizerFast.fromJSON(text.slice(0, text.length / 2), { file: 'tokenizer.json' }),
    );
    expect(error.code).toBe('TOKENIZER_MODEL_CORRUPT');
    expect(error.message).toMatch(/^tokenizer\.json: not valid JSON/);
  });

  it('names an unsupported normalizer, pre-tokenizer, model, post-processor or decoder', () => {
    const cases: Array<[string, (json: Record<string, unknown>) => void, RegExp]> = [
      [
        'normalizer',
        (json) => ((json['normalizer'] as { normalizers: unknown[] }).normalizers[1] = { type: 'BertNormalizer' }),
        /unsupported normalizer "BertNormalizer" at normalizer\.normalizers\[1\]/,
      ],
      [
        'pre_tokenizer',
        (json) => (json['pre_tokenizer'] = { type: 'ByteLevel' }),
        /unsupported pre-tokenizer "ByteLevel" at pre_tokenizer/,
      ],
      ['model', (json) => (json['model'] = { type: 'BPE', vocab: {}, merges: [] }), /unsupported model "BPE" at model/],
      [
        'post_processor',
        (json) => (json['post_processor'] = { type: 'RobertaProcessing' }),
        /unsupported post-processor "RobertaProcessing"/,
      ],
      ['decoder', (json) => (json['decoder'] = { type: 'WordPiece' }), /unsupported decoder "WordPiece"/],
    ];
    for (const [component, edit, message] of cases) {
      const json = tinyJson();
      edit(json);
      const error = errorOf(() => AlbertTokenizerFast.fromJSON(json, { file: 'odd.json' }));
      expect(error.code, component).toBe('TOKENIZER_UNSUPPORTED_MODEL');
      expect(error.message, component).toMatch(/^odd\.json: /);
      expect(error.message, component).toMatch(message);
      expect(error.details['file']).toBe('odd.json');
    }
  });

  it('names the malformed field', () => {
    const json = tinyJson();
    ((json['model'] as { vocab: unknown[] }).vocab[6] as unknown[])[1] = 'high';
    const error = errorOf(() => AlbertTokenizerFast.fromJSON(json, { file: 'bad.json' }));
    expect(error.code).toBe('TOKENIZER_MODEL_CORRUPT');
    expect(error.message).toBe('bad.json: model.vocab[6][1]: expected a finite number');
    const unk = tinyJson();
    (unk['model'] as Record<string, unknown>)['unk_id'] = 99;
    expect(errorOf(() => AlbertTokenizerFast.fromJSON(unk, { file: 'bad.json' })).message).toMatch(
      /model\.unk_id: unk_id 99 is not in the vocabulary of 12 pieces/,
    );
    const charsmap = tinyJson();
    (charsmap['normalizer'] as { normalizers: unknown[] }).normalizers.push({
      type: 'Precompiled',
      precompiled_charsmap: 'AAAA',
    });
    const corrupt = errorOf(() => AlbertTokenizerFast.fromJSON(charsmap, { file: 'bad.json' }));
    expect(corrupt.code).toBe('TOKENIZER_MODEL_CORRUPT');
    expect(corrupt.message).toMatch(/bad\.json \(normalizer\.normalizers\[4\]\.precompiled_charsmap\)/);
  });
});

describe('AlbertTokenizerFast.fromFiles', () => {
  const files = (entries: Record<string, string>) => ({
    description: 'memory',
    has: async (name: string) => name in entries,
    read: async (name: string) => new TextEncoder().encode(entries[name]),
    readText: async (name: string) => entries[name] as string,
  });

  it('reads tokenizer_config.json settings', async () => {
    const tokenizer = await AlbertTokenizerFast.fromFiles(
      files({
        'tokenizer.json': JSON.stringify(tinyJson()),
        'tokenizer_config.json': JSON.stringify({ model_max_length: 8, clean_up_tokenization_spaces: false }),
      }),
    );
    expect(tokenizer.modelMaxLength).toBe(8);
    expect(tokenizer.cleanUpTokenizationSpaces).toBe(false);
    expect(
      tokenizer.encode('hello world hello hello hello hello hello hello', { truncation: true }).inputIds,
    ).toHaveLength(8);
  });

  it('names the missing file', async () => {
    await expect(AlbertTokenizerFast.fromFiles(files({}))).rejects.toMatchObject({
      code: 'TOKENIZER_FILE_NOT_FOUND',
      message: 'memory: no tokenizer.json',
    });
  });
});

describe('AlbertTokenizerFast helpers', () => {
  const tokenizer = AlbertTokenizerFast.fromJSON(tinyJson(), { file: 'tiny.json' });
  it('builds inputs and segment ids like transformers', () => {
    expect(tokenizer.buildInputsWithSpecialTokens([6], [7])).toEqual([2, 6, 3, 7, 3]);
    expect(tokenizer.createTokenTypeIdsFromSequences([6], [7])).toEqual([0, 0, 0, 1, 1]);
    expect(tokenizer.getVocab().get('▁hello')).toBe(6);
    expect(tokenizer.length).toBe(12);
    expect([
      tokenizer.clsTokenId,
      tokenizer.sepTokenId,
      tokenizer.maskTokenId,
      tokenizer.unkTokenId,
      tokenizer.padTokenId,
    ]).toEqual([2, 3, 4, 1, 0]);
    expect(tokenizer.convertTokensToIds(['▁world', 'nope'])).toEqual([7, 1]);
    expect(tokenizer.convertIdsToTokens([2, 6, 3], { skipSpecialTokens: true })).toEqual(['▁hello']);
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertTokenizerFast } from './fast/albert-tokenizer-fast.js';
import { loadTokenizer, type TokenizerFileReader } from './load-tokenizer.js';
import { AlbertError } from '@albert-ts/config';

const directory = fileURLToPath(new URL('../../../fixtures/pipelines/tokenizer', import.meta.url));
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(directory, name)));
const texts = [
  'Paris is the [MASK] of France.',
  "Café  au lait, 1,000 ``quotes'' and ÉTÉ.",
  'Where does the river flow?',
];

function memory(files: Record<string, Uint8Array | string>): TokenizerFileReader {
  return {
    description: 'memory',
    read: async (name) => {
      const value = files[name];
      return typeof value === 'string' ? new TextEncoder().encode(value) : value;
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<AlbertError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AlbertError) return error;
    throw error;
  }
  throw new Error('expected an AlbertError');
}

const encodings = (tokenizer: AlbertTokenizerFast): unknown =>
  texts.map((text) => tokenizer.encode(text, { textPair: text }));

describe('loadTokenizer', () => {
  it('loads tokenizer.json from a directory, with the settings of tokenizer_config.json and the spiece.model', async () => {
    const tokenizer = await loadTokenizer(directory);
    expect(tokenizer.file).toBe(`${directory}/tokenizer.json`);
    expect(tokenizer.modelMaxLength).toBe(1e30);
    expect(tokenizer.cleanUpTokenizationSpaces).toBe(false);
    expect(tokenizer.hasSentencePieceModel).toBe(true);
    expect(tokenizer.maskToken).toBe('[MASK]');
  });

  it('falls back to spiece.model (converted as transformers does) and encodes identically', async () => {
    const fromJson = await loadTokenizer(directory);
    const reader = memory({
      'spiece.model': file('spiece.model'),
      'tokenizer_config.json': file('tokenizer_config.json'),
      'special_tokens_map.json': file('special_tokens_map.json'),
    });
    const fromSpiece = await loadTokenizer(reader);
    expect(fromSpiece.file).toBe('memory/spiece.model');
    expect(fromSpiece.toJSON()).toEqual(fromJson.toJSON());
    expect(encodings(fromSpiece)).toEqual(encodings(fromJson));
  });

  it('builds the converter pipeline from the config (do_lower_case, keep_accents, special tokens)', async () => {
    const config = JSON.stringify({
      do_lower_case: false,
      keep_accents: true,
      model_max_length: 64,
      mask_token: '[MASK]',
    });
    const tokenizer = await loadTokenizer(
      memory({ 'spiece.model': file('spiece.model'), 'tokenizer_config.json': config }),
    );
    const steps = (tokenizer.toJSON()['normalizer'] as { normalizers: Array<{ type: string }> }).normalizers.map(
      (step) => step.type,
    );
    expect(steps).toEqual(['Replace', 'Replace', 'Precompiled', 'Replace']);
    expect(tokenizer.modelMaxLength).toBe(64);
    expect(tokenizer.doLowerCase).toBe(false);
    expect(tokenizer.encode('The [MASK].').tokens).toContain('[MASK]');
  });

  it("accepts core's file sources (has / read / readText)", async () => {
    const source = {
      description: 'source',
      has: async (name: string) => name === 'spiece.model',
      read: async () => file('spiece.model'),
      readText: async () => '',
    };
    const tokenizer = await loadTokenizer(source);
    expect(tokenizer.encode('hello').inputIds).toEqual((await loadTokenizer(directory)).encode('hello').inputIds);
  });

  it('refuses missing files, bad sources, bad configs and unknown options with typed errors', async () => {
    expect((await rejection(loadTokenizer(memory({})))).code).toBe('TOKENIZER_FILE_NOT_FOUND');
    expect((await rejection(loadTokenizer(42 as never))).code).toBe('TOKENIZER_INVALID_INPUT');
    expect((await rejection(loadTokenizer(''))).code).toBe('TOKENIZER_INVALID_INPUT');
    expect(
      (await rejection(loadTokenizer(memory({ 'spiece.model': file('spiece.model'), 'tokenizer_config.json': '[1' }))))
        .code,
    ).toBe('TOKENIZER_INVALID_CONFIG');
    expect((await rejection(loadTokenizer(memory({ 'spiece.model': new Uint8Array([9, 9, 9]) })))).code).toBe(
      'TOKENIZER_MODEL_CORRUPT',
    );
    expect((await rejection(loadTokenizer(directory, { model_max_length: 8 } as never))).message).toMatch(
      /model_max_length is spelled modelMaxLength/,
    );
  });

  it('reads back what savePretrained writes, with identical encodings', async () => {
    const target = await mkdtemp(join(tmpdir(), 'albert-load-'));
    try {
      const original = AlbertTokenizerFast.fromSentencePiece(file('spiece.model'), { modelMaxLength: 128 });
      await original.savePretrained(target);
      const loaded = await loadTokenizer(target);
      expect(loaded.modelMaxLength).toBe(128);
      expect(loaded.hasSentencePieceModel).toBe(true);
      expect(loaded.toJSON()).toEqual(original.toJSON());
      expect(encodings(loaded)).toEqual(encodings(original));
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertTokenizer } from './albert-tokenizer.js';
import { checkOptionKeys, OptionsError } from '@albert-ts/config';

const spiece = new Uint8Array(
  readFileSync(fileURLToPath(new URL('../../../fixtures/pipelines/tokenizer/spiece.model', import.meta.url))),
);

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof OptionsError) return error.message;
    throw error;
  }
  throw new Error('expected an OptionsError');
}

describe('strict options', () => {
  it('names the camelCase spelling of a Python keyword, or lists the options', () => {
    expect(messageOf(() => checkOptionKeys({ max_length: 3 }, ['maxLength'], 'encode options'))).toBe(
      'encode options: unknown option max_length (max_length is spelled maxLength)',
    );
    expect(messageOf(() => checkOptionKeys({ MaxLength: 3 }, ['maxLength'], 'encode options'))).toBe(
      'encode options: unknown option MaxLength (MaxLength is spelled maxLength)',
    );
    expect(messageOf(() => checkOptionKeys({ nope: 1 }, ['maxLength', 'stride'], 'x'))).toBe(
      'x: unknown option nope; options: maxLength, stride',
    );
    expect(messageOf(() => checkOptionKeys([1], ['a'], 'x'))).toMatch(/x: options must be an object, got an array/);
    expect(() => checkOptionKeys(undefined, ['a'], 'x')).not.toThrow();
  });

  it('applies to the slow tokenizer too', () => {
    const tokenizer = AlbertTokenizer.fromBytes(spiece);
    expect(messageOf(() => tokenizer.encode('a', { add_special_tokens: false } as never))).toMatch(
      /add_special_tokens is spelled addSpecialTokens/,
    );
    expect(messageOf(() => tokenizer.encodeBatch(['a'], { text_pairs: ['b'] } as never))).toMatch(
      /text_pairs is spelled textPairs/,
    );
    expect(messageOf(() => tokenizer.decode([5], { skip_special_tokens: true } as never))).toMatch(
      /is spelled skipSpecialTokens/,
    );
    expect(messageOf(() => AlbertTokenizer.fromBytes(spiece, { do_lower_case: false } as never))).toMatch(
      /do_lower_case is spelled doLowerCase/,
    );
  });
});

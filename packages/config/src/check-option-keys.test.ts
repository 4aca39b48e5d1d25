import { describe, expect, it } from 'vitest';
import { checkOptionKeys, suggestOptionName } from './check-option-keys.js';
import { OptionsError } from './options-error.js';

describe('checkOptionKeys', () => {
  it('accepts known keys and absent options', () => {
    expect(() => checkOptionKeys({ topK: 2 }, ['topK', 'targets'], 'fillMask')).not.toThrow();
    expect(() => checkOptionKeys(undefined, ['topK'], 'fillMask')).not.toThrow();
  });

  it('names the right spelling of a Python keyword', () => {
    try {
      checkOptionKeys({ top_k: 2 }, ['topK', 'targets'], 'fillMask');
      expect.fail('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(OptionsError);
      expect((error as OptionsError).code).toBe('OPTIONS_UNKNOWN_KEY');
      expect((error as OptionsError).message).toContain('top_k is spelled topK');
      expect((error as OptionsError).details['suggestion']).toBe('topK');
    }
  });

  it('suggests by case and by small edits, lists the options otherwise', () => {
    expect(suggestOptionName('topk', ['topK'])).toBe('topK');
    expect(suggestOptionName('output_attentions', ['outputAttentions'])).toBe('outputAttentions');
    expect(suggestOptionName('topKs', ['topK'])).toBe('topK');
    expect(() => checkOptionKeys({ banana: 1 }, ['topK'], 'f')).toThrow(/options: topK/);
    expect(() => checkOptionKeys([], ['topK'], 'f')).toThrow(OptionsError);
  });
});

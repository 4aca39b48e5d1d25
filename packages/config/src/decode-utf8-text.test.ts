import { describe, expect, it } from 'vitest';
import { decodeUtf8Text } from './decode-utf8-text.js';
import { InvalidTextError } from './invalid-text-error.js';

describe('decodeUtf8Text', () => {
  it('drops a byte order mark and keeps the rest', () => {
    expect(decodeUtf8Text(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'config.json')).toBe('{}');
    expect(decodeUtf8Text(new TextEncoder().encode('é ▁ 😀').buffer, 'tokenizer.json')).toBe('é ▁ 😀');
  });

  it('refuses invalid UTF-8 with a typed error naming the file', () => {
    for (const bytes of [[0x7b, 0xff, 0x7d], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      let thrown: unknown;
      try {
        decodeUtf8Text(new Uint8Array(bytes), 'dir/tokenizer.json');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidTextError);
      expect(thrown).toMatchObject({ code: 'CHECKPOINT_INVALID_TEXT', details: { file: 'dir/tokenizer.json' } });
      expect((thrown as Error).message).toContain('dir/tokenizer.json');
    }
  });
});

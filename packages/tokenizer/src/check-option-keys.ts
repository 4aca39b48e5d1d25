import { TokenizerError } from './tokenizer-error.js';

/** `snake_case` → `camelCase` (`return_overflowing_tokens` → `returnOverflowingTokens`). */
function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Makes an options object strict: every key must be one of `known`. An unknown key is a
 * {@link TokenizerError} (`TOKENIZER_INVALID_OPTION`) that names the right spelling when the key is
 * a known option in Python's `snake_case` (`return_overflowing_tokens is spelled returnOverflowingTokens`)
 * or differs only in case, and lists the known options otherwise. Keys whose value is `undefined`
 * are checked too.
 *
 * ```ts
 * checkOptionKeys({ max_length: 8 }, ['maxLength'], 'encode options');
 * // TokenizerError: encode options: max_length is spelled maxLength
 * ```
 * @param options - the object to check (`undefined` and `null` pass).
 * @param known - the accepted keys.
 * @param where - what the object is, for the message (`encode options`).
 * @throws TokenizerError `TOKENIZER_INVALID_OPTION` for an options value that is not an object or an unknown key.
 */
export function checkOptionKeys(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TokenizerError('TOKENIZER_INVALID_OPTION', `${where} must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`, {
      field: where,
      value: typeof options,
    });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = camelCase(key);
    const spelled = known.includes(camel) ? camel : known.find((name) => name.toLowerCase() === key.replace(/_/g, '').toLowerCase());
    if (spelled !== undefined) {
      throw new TokenizerError('TOKENIZER_INVALID_OPTION', `${where}: ${key} is spelled ${spelled}`, { field: key, expected: spelled });
    }
    throw new TokenizerError('TOKENIZER_INVALID_OPTION', `${where}: unknown option ${key} (options: ${known.join(', ')})`, {
      field: key,
      known: [...known],
    });
  }
}

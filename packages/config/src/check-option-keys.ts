import { OptionsError } from './options-error.js';

/** `top_k` → `topK`, `output-attentions` → `outputAttentions`. */
export function camelCaseOptionName(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Levenshtein distance of two short strings (option names). */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] as number;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

/**
 * The accepted key an unknown option most likely means: its camelCase form (`top_k` → `topK`), the
 * same name in another case (`topk` → `topK`), or a name within two edits (`topKs` → `topK`).
 */
export function suggestOptionName(key: string, allowed: readonly string[]): string | undefined {
  const camel = camelCaseOptionName(key);
  if (allowed.includes(camel)) return camel;
  const lower = camel.toLowerCase();
  const sameLetters = allowed.find((name) => name.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * Makes an options object strict: every own key of `options` must be one of `allowed` (keys whose
 * value is `undefined` are accepted as absent only when allowed too). `undefined`/`null` options pass.
 * @param options - the options object a caller passed.
 * @param allowed - the keys the function takes.
 * @param where - the function, for the message (`pipeline('fill-mask')`, `fromPretrained`).
 * @throws {@link OptionsError} `OPTIONS_UNKNOWN_KEY` naming the key and, when one is close, its right
 *   spelling (`top_k is spelled topK`); `OPTIONS_NOT_AN_OBJECT` for a non-object.
 * @example
 * ```ts
 * checkOptionKeys({ top_k: 2 }, ['topK', 'targets'], 'fillMask');
 * // OptionsError: fillMask: unknown option top_k (top_k is spelled topK)
 * ```
 */
export function checkOptionKeys(options: unknown, allowed: readonly string[], where: string): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionsError(
      'OPTIONS_NOT_AN_OBJECT',
      `${where}: options must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`,
      { where, allowed: [...allowed] },
    );
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const suggestion = suggestOptionName(key, allowed);
    const hint = suggestion === undefined ? `; options: ${allowed.join(', ')}` : ` (${key} is spelled ${suggestion})`;
    throw new OptionsError('OPTIONS_UNKNOWN_KEY', `${where}: unknown option ${key}${hint}`, {
      where,
      key,
      ...(suggestion === undefined ? {} : { suggestion }),
      allowed: [...allowed],
    });
  }
}

/**
 * Python `str` semantics that the original tokenizer relies on: `isspace`, `strip`, `isdigit`, and
 * `unicodedata.combining`.
 */

/** The Unicode White_Space property (Rust's `char::is_whitespace`, what the `tokenizers` library splits on). */
export function isUnicodeWhitespace(codePoint: number): boolean {
  if (codePoint <= 0x20) return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d);
  if (codePoint < 0x85) return false;
  return (
    codePoint === 0x85 ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}

/**
 * `str.isspace()` for one code point: Python's whitespace set is White_Space plus the information
 * separators U+001C–U+001F (it differs from JavaScript's `\s` too).
 */
export function isPythonWhitespace(codePoint: number): boolean {
  return isUnicodeWhitespace(codePoint) || (codePoint >= 0x1c && codePoint <= 0x1f);
}

/** Code points that are `isdigit()` in Python but not decimal digits (`\p{Nd}`): superscripts, circled digits, ... */
const digitRanges: ReadonlyArray<readonly [number, number]> = [
  [0xb2, 0xb3],
  [0xb9, 0xb9],
  [0x1369, 0x1371],
  [0x19da, 0x19da],
  [0x2070, 0x2070],
  [0x2074, 0x2079],
  [0x2080, 0x2089],
  [0x2460, 0x2468],
  [0x2474, 0x247c],
  [0x2488, 0x2490],
  [0x24ea, 0x24ea],
  [0x24f5, 0x24fd],
  [0x24ff, 0x24ff],
  [0x2776, 0x277e],
  [0x2780, 0x2788],
  [0x278a, 0x2792],
  [0x10a40, 0x10a43],
  [0x10e60, 0x10e68],
  [0x11052, 0x1105a],
  [0x1f100, 0x1f10a],
];
const decimalPattern = /^\p{Nd}$/u;

/** `str.isdigit()` for one code point. */
export function isPythonDigit(codePoint: number): boolean {
  if (codePoint >= 0x30 && codePoint <= 0x39) return true;
  if (codePoint < 0xb2) return false;
  for (const [low, high] of digitRanges) if (codePoint >= low && codePoint <= high) return true;
  return decimalPattern.test(String.fromCodePoint(codePoint));
}

const combiningCache = new Map<number, boolean>();

/**
 * `unicodedata.combining(c) != 0` (canonical combining class not zero), derived from the engine's
 * own normalization data: a mark of class 0 < k < 240 is reordered before U+0345 (class 240) by NFD.
 * Meant for characters that are already decomposed (the tokenizer asks after NFKD).
 */
export function hasCombiningClass(codePoint: number): boolean {
  if (codePoint < 0x300) return false;
  if (codePoint === 0x345) return true;
  let known = combiningCache.get(codePoint);
  if (known === undefined) {
    const character = String.fromCodePoint(codePoint);
    if (character.normalize('NFD') !== character) {
      // A decomposable character: its own class is that of the first code point when that is a mark.
      const first = character.normalize('NFD').codePointAt(0)!;
      known = first !== codePoint && hasCombiningClass(first) && character.normalize('NFD').length === character.length;
    } else {
      known = ('\u0345' + character).normalize('NFD') !== '\u0345' + character;
    }
    combiningCache.set(codePoint, known);
  }
  return known;
}

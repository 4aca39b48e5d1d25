import type { FastNormalizer } from './normalizer.js';
import { NormalizedString } from './normalized-string.js';
import { MAY_JOIN } from './precompiled-normalizer.js';
import { DEFAULT_MAX_NORMALIZED_GROWTH, normalizedGrowthError, normalizedLengthLimit } from './replace-normalizer.js';

/** What a run of character-local steps makes of one code point. */
interface CharacterResult {
  /** The output text (possibly empty). */
  readonly output: string;
  /** The character may interact with its neighbours (grapheme joins, leading removal): take the exact path. */
  readonly risky: boolean;
}

/**
 * Consecutive character-local steps (NFKD, StripAccents, Lowercase, Precompiled) fused into one pass:
 * each code point's result is computed once, by running the real steps on it alone, and cached.
 * Valid for characters that cannot interact with their neighbours (combining marks are removed by
 * StripAccents before anything looks at them); characters that may join a grapheme cluster, or that a
 * Precompiled rule deletes, are "risky" and go through the exact step-by-step path in a small window.
 * Every other output character is aligned to its source character, which is what the step-by-step
 * path gives.
 */
class FusedCharacterSteps implements FastNormalizer {
  readonly type = 'Sequence';
  private readonly steps: readonly FastNormalizer[];
  private readonly ascii: Array<CharacterResult | undefined> = new Array(128);
  /** Results of BMP code points (index = code unit). */
  private readonly bmp: Array<CharacterResult | undefined> = new Array(0x10000);
  private readonly cache = new Map<number, CharacterResult>();

  constructor(
    steps: readonly FastNormalizer[],
    private readonly maxGrowth: number,
  ) {
    this.steps = steps;
  }

  normalize(text: NormalizedString): void {
    const value = text.normalized;
    const length = value.length;
    let changed = false;
    let risky = false;
    let outputLength = 0;
    const results: CharacterResult[] = [];
    const positions: number[] = [];
    const limit = normalizedLengthLimit(text.originalEnd - text.originalStart, this.maxGrowth);
    for (let index = 0; index < length; index++) {
      const unit = value.charCodeAt(index);
      positions.push(index);
      let result: CharacterResult;
      if (unit < 0x80) {
        result = this.ascii[unit] ?? this.compute(unit);
        if (result.output.length !== 1 || result.output.charCodeAt(0) !== unit) changed = true;
      } else if (unit < 0xd800 || unit > 0xdfff) {
        result = this.bmp[unit] ?? this.compute(unit);
        changed = true;
      } else {
        const codePoint = value.codePointAt(index) as number;
        if (codePoint > 0xffff) index++;
        result = this.cache.get(codePoint) ?? this.compute(codePoint);
        changed = true;
      }
      if (result.risky) risky = true;
      results.push(result);
      outputLength += result.output.length;
      if (outputLength > limit)
        throw normalizedGrowthError(this.type, text.originalEnd - text.originalStart, outputLength, this.maxGrowth);
    }
    if (!changed) return;
    if (risky) {
      this.normalizeWithWindows(text, results, positions);
      return;
    }
    const parts: string[] = [];
    if (outputLength === length) {
      // Same length: either every character maps to one of the same length (alignments unchanged) or not.
      let sameShape = true;
      for (let index = 0; index < results.length && sameShape; index++) {
        const next = index + 1 < positions.length ? (positions[index + 1] as number) : length;
        if ((results[index] as CharacterResult).output.length !== next - (positions[index] as number))
          sameShape = false;
      }
      if (sameShape) {
        for (const result of results) parts.push(result.output);
        text.normalized = parts.join('');
        return;
      }
    }
    const starts = new Int32Array(outputLength);
    const ends = new Int32Array(outputLength);
    let position = 0;
    for (let index = 0; index < results.length; index++) {
      const output = (results[index] as CharacterResult).output;
      parts.push(output);
      const source = positions[index] as number;
      const start = text.starts[source] as number;
      const end = text.ends[source] as number;
      for (let unitIndex = 0; unitIndex < output.length; unitIndex++) {
        starts[position] = start;
        ends[position] = end;
        position++;
      }
    }
    text.normalized = parts.join('');
    text.starts = starts;
    text.ends = ends;
  }

  /**
   * Texts with risky characters: each run of risky characters goes through the exact steps inside a
   * window that starts at the safe character before it and ends after the first safe character that
   * is not followed by another risky one (so grapheme clusters, mark reordering and the Precompiled
   * removal rule all stay inside the window); the rest uses the per-character results.
   */
  private normalizeWithWindows(
    text: NormalizedString,
    results: readonly CharacterResult[],
    positions: readonly number[],
  ): void {
    const count = results.length;
    const length = text.normalized.length;
    const isRisky = (index: number): boolean => (results[index] as CharacterResult).risky;
    // Windows [from, to) over code points. A window starts at the closest safe character before its
    // risky run that has some output (a Precompiled deletion attaches to the output before it; with no
    // output before, the library's transform shifts every later alignment: take the exact path on the
    // whole text), and ends after a safe character that is not followed by a risky one.
    const windows: Array<[number, number]> = [];
    for (let index = 0; index < count; index++) {
      if (!isRisky(index)) continue;
      let from = index - 1;
      while (from >= 0 && (results[from] as CharacterResult).output.length === 0) from--;
      if (from < 0) {
        for (const step of this.steps) step.normalize(text);
        return;
      }
      let to = index;
      while (to < count) {
        if (isRisky(to)) {
          to++;
          continue;
        }
        to++;
        if (to < count && isRisky(to)) continue;
        break;
      }
      const previous = windows[windows.length - 1];
      if (previous !== undefined && from < previous[1]) previous[1] = to;
      else windows.push([from, to]);
      index = to - 1;
    }
    const parts: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let index = 0;
    for (const [from, to] of windows) {
      for (; index < from; index++) {
        const output = (results[index] as CharacterResult).output;
        const source = positions[index] as number;
        parts.push(output);
        for (let unit = 0; unit < output.length; unit++) {
          starts.push(text.starts[source] as number);
          ends.push(text.ends[source] as number);
        }
      }
      const window = text.slice(positions[from] as number, to < count ? (positions[to] as number) : length);
      for (const step of this.steps) step.normalize(window);
      parts.push(window.normalized);
      for (let unit = 0; unit < window.normalized.length; unit++) {
        starts.push(window.starts[unit] as number);
        ends.push(window.ends[unit] as number);
      }
      index = to;
    }
    for (; index < count; index++) {
      const output = (results[index] as CharacterResult).output;
      const source = positions[index] as number;
      parts.push(output);
      for (let unit = 0; unit < output.length; unit++) {
        starts.push(text.starts[source] as number);
        ends.push(text.ends[source] as number);
      }
    }
    text.normalized = parts.join('');
    text.starts = Int32Array.from(starts);
    text.ends = Int32Array.from(ends);
  }

  private compute(codePoint: number): CharacterResult {
    const character = String.fromCodePoint(codePoint);
    const text = NormalizedString.fromOriginal(character);
    let risky = MAY_JOIN.test(character) && !/^\p{M}$/u.test(character);
    for (const step of this.steps) {
      const before = text.normalized;
      step.normalize(text);
      if (MAY_JOIN.test(text.normalized) && step.type !== 'NFKD') risky = true;
      if (step.type === 'Precompiled' && before.length > 0 && text.normalized.length === 0) risky = true;
    }
    if (MAY_JOIN.test(text.normalized)) risky = true;
    const result: CharacterResult = { output: text.normalized, risky };
    if (codePoint < 0x80) this.ascii[codePoint] = result;
    else if (codePoint < 0x10000 && (codePoint < 0xd800 || codePoint > 0xdfff)) this.bmp[codePoint] = result;
    else if (this.cache.size < 200_000) this.cache.set(codePoint, result);
    return result;
  }
}

/** The `Sequence` normalizer: applies its normalizers in order (runs of character-local ones fused). */
export class SequenceNormalizer implements FastNormalizer {
  readonly type = 'Sequence';
  /** The normalizers, in order. */
  readonly normalizers: readonly FastNormalizer[];
  private readonly plan: readonly FastNormalizer[];

  private readonly maxGrowth: number;

  /**
   * @param normalizers - the steps, applied in order.
   * @param maxGrowth - after each step the text may be at most this many times its original length (+ 1024).
   */
  constructor(normalizers: readonly FastNormalizer[], maxGrowth: number = DEFAULT_MAX_NORMALIZED_GROWTH) {
    this.normalizers = normalizers;
    this.maxGrowth = maxGrowth;
    const plan: FastNormalizer[] = [];
    let run: FastNormalizer[] = [];
    const flush = (): void => {
      if (run.length === 1) plan.push(run[0] as FastNormalizer);
      else if (run.length > 1) plan.push(new FusedCharacterSteps(run, maxGrowth));
      run = [];
    };
    for (const normalizer of normalizers) {
      if (normalizer.charLocal === true) run.push(normalizer);
      else {
        flush();
        plan.push(normalizer);
      }
    }
    flush();
    this.plan = plan;
  }

  /** Apply every step in order; a text grown past the bound after a step throws `TOKENIZER_LIMIT_EXCEEDED`. */
  normalize(text: NormalizedString): void {
    const originalLength = text.originalEnd - text.originalStart;
    const limit = normalizedLengthLimit(originalLength, this.maxGrowth);
    for (const normalizer of this.plan) {
      normalizer.normalize(text);
      if (text.normalized.length > limit)
        throw normalizedGrowthError(normalizer.type, originalLength, text.normalized.length, this.maxGrowth);
    }
  }
}

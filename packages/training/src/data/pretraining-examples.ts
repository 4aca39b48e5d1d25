import { TrainingError } from '../training-error.js';
import type { TrainingExample } from './training-example.js';

/** Options of {@link maskNgrams}. */
export interface MaskNgramsOptions {
  /** The `[MASK]` id. */
  readonly maskTokenId: number;
  /** Vocabulary size (random replacements are drawn from `[0, vocabSize)` minus the special ids). */
  readonly vocabSize: number;
  /** Ids never masked (`[CLS]`, `[SEP]`, padding). */
  readonly specialIds: ReadonlySet<number>;
  /** Fraction of the tokens to predict (default 0.15). */
  readonly probability?: number;
  /** Longest masked n-gram (default 3, as ALBERT). */
  readonly maxNgram?: number;
  /** Uniform random numbers in [0, 1). */
  readonly random: () => number;
}

/**
 * ALBERT's n-gram masking: spans of n ≤ `maxNgram` tokens with p(n) ∝ 1/n are chosen until
 * `probability` of the (non-special) tokens are selected; each selected token becomes `[MASK]` (80 %),
 * a random token (10 %) or stays (10 %). Returns the inputs and the MLM labels (-100 where not selected).
 */
export function maskNgrams(
  inputIds: readonly number[],
  options: MaskNgramsOptions,
): {
  /** The inputs with the selected tokens replaced. */
  inputIds: number[];
  /** The MLM labels: the original id where selected, -100 elsewhere. */
  labels: number[];
} {
  const maxNgram = options.maxNgram ?? 3;
  const candidates = inputIds.flatMap((id, index) => (options.specialIds.has(id) ? [] : [index]));
  const target = Math.max(1, Math.round(candidates.length * (options.probability ?? 0.15)));
  const weights = Array.from({ length: maxNgram }, (_, index) => 1 / (index + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const selected = new Set<number>();
  for (
    let attempt = 0;
    selected.size < Math.min(target, candidates.length) && attempt < candidates.length * 10;
    attempt += 1
  ) {
    let pick = options.random() * total;
    let n = 1;
    for (; n < maxNgram && pick >= (weights[n - 1] as number); n += 1) pick -= weights[n - 1] as number;
    const start = candidates[Math.floor(options.random() * candidates.length)] as number;
    const span: number[] = [];
    for (
      let index = start;
      index < start + n && index < inputIds.length && !options.specialIds.has(inputIds[index] as number);
      index += 1
    )
      span.push(index);
    if (span.some((index) => selected.has(index)) || selected.size + span.length > target) continue;
    for (const index of span) selected.add(index);
  }
  const masked = [...inputIds];
  const labels = inputIds.map(() => -100);
  for (const index of selected) {
    labels[index] = inputIds[index] as number;
    const roll = options.random();
    if (roll < 0.8) masked[index] = options.maskTokenId;
    else if (roll < 0.9) {
      let replacement = Math.floor(options.random() * options.vocabSize);
      while (options.specialIds.has(replacement)) replacement = Math.floor(options.random() * options.vocabSize);
      masked[index] = replacement;
    }
  }
  return { inputIds: masked, labels };
}

/** What {@link pretrainingExamples} needs of a tokenizer. */
export interface PretrainingTokenizer {
  /** Token ids of a text without special tokens. */
  encodeIds(text: string, options: { addSpecialTokens: false }): number[];
  /** The id of `cls`, `sep`, `mask` or `pad`. */
  specialTokenId(name: 'cls' | 'sep' | 'mask' | 'pad'): number;
}

/** Options of {@link pretrainingExamples}. */
export interface PretrainingExamplesOptions {
  /** Longest example, special tokens included (default 128). */
  readonly maxLength?: number;
  /** Vocabulary size. */
  readonly vocabSize: number;
  /** Uniform random numbers in [0, 1) (e.g. `seededRandom(seed)`). */
  readonly random: () => number;
  /** Masking fraction (default 0.15). */
  readonly maskProbability?: number;
}

/**
 * `AlbertForPreTraining` examples from plain text (documents separated by blank lines; sentences split at
 * `.`, `!`, `?`): two consecutive segments of one document, `[CLS] A [SEP] B [SEP]`, swapped half of the
 * time (`sentenceOrderLabel` 1 = swapped, as HF), with n-gram masking.
 *
 * @example
 * ```ts
 * const tokenizer = await AlbertTokenizer.fromDirectory('albert-base-v2');
 * const examples = pretrainingExamples(corpusText, tokenizer, {
 *   vocabSize: 30000, random: seededRandom(42), maxLength: 128,
 * });
 * ```
 */
export function pretrainingExamples(
  text: string,
  tokenizer: PretrainingTokenizer,
  options: PretrainingExamplesOptions,
): TrainingExample[] {
  const maxLength = options.maxLength ?? 128;
  if (!Number.isInteger(maxLength) || maxLength < 8)
    throw new TrainingError(
      'TRAINING_BAD_OPTIONS',
      `pretrainingExamples: maxLength must be an integer ≥ 8, not ${maxLength}`,
      { field: 'maxLength', value: maxLength },
    );
  const [cls, sep, mask, pad] = [
    tokenizer.specialTokenId('cls'),
    tokenizer.specialTokenId('sep'),
    tokenizer.specialTokenId('mask'),
    tokenizer.specialTokenId('pad'),
  ];
  const specialIds = new Set([cls, sep, mask, pad]);
  const budget = maxLength - 3;
  const examples: TrainingExample[] = [];
  for (const document of text.split(/\n\s*\n/)) {
    const sentences = (document.match(/[^.!?]+[.!?]*/g) ?? [])
      .map((sentence) => sentence.trim())
      .filter((sentence) => sentence !== '')
      .map((sentence) => tokenizer.encodeIds(sentence, { addSpecialTokens: false }));
    let index = 0;
    while (index + 1 < sentences.length) {
      // segment A: sentences up to half the budget; B: the following ones up to the rest
      const a: number[] = [];
      while (
        index < sentences.length - 1 &&
        (a.length === 0 || a.length + (sentences[index] as number[]).length <= budget / 2)
      )
        a.push(...(sentences[index++] as number[]));
      const b: number[] = [];
      while (
        index < sentences.length &&
        (b.length === 0 || a.length + b.length + (sentences[index] as number[]).length <= budget)
      )
        b.push(...(sentences[index++] as number[]));
      const first = a.slice(0, Math.max(1, budget - Math.min(b.length, budget - 1)));
      const second = b.slice(0, budget - first.length);
      const swap = options.random() < 0.5;
      const [x, y] = swap ? [second, first] : [first, second];
      const ids = [cls, ...x, sep, ...y, sep];
      const types = [...new Array<number>(x.length + 2).fill(0), ...new Array<number>(y.length + 1).fill(1)];
      const masked = maskNgrams(ids, {
        maskTokenId: mask,
        vocabSize: options.vocabSize,
        specialIds,
        random: options.random,
        ...(options.maskProbability === undefined ? {} : { probability: options.maskProbability }),
      });
      examples.push({
        inputIds: masked.inputIds,
        tokenTypeIds: types,
        labels: masked.labels,
        sentenceOrderLabel: swap ? 1 : 0,
      });
    }
  }
  return examples;
}

import type { AlbertTokenizerFast } from '@albert-ts/tokenizer';
import type { TrainingExample } from './training-example.js';

/** Options of {@link maskTokens}. */
export interface MaskTokensOptions {
  /** The `[MASK]` id. */
  readonly maskTokenId: number;
  /** Random replacements are drawn from `[0, vocabSize)` (HF: `len(tokenizer)`). */
  readonly vocabSize: number;
  /** Ids never selected (`[CLS]`, `[SEP]`, padding …). */
  readonly specialIds: ReadonlySet<number>;
  /** Uniform random numbers in [0, 1) (e.g. `seededRandom(seed)`). */
  readonly random: () => number;
  /** Chance of each ordinary token to be predicted (default 0.15). */
  readonly probability?: number;
}

/**
 * Masks token ids as HF's `DataCollatorForLanguageModeling` does: each ordinary token is selected with
 * probability 0.15; a selected token becomes `[MASK]` (80 %), a random id (10 %) or stays (10 %); labels
 * are the original ids where selected, -100 elsewhere. Unlike the collator (which masks per batch), a
 * sequence with no token selected gets one (a batch with no label at all has a NaN loss).
 *
 * @example
 * ```ts
 * const { inputIds, labels } = maskTokens([2, 48, 19, 3], { maskTokenId: 4, vocabSize: 30000, specialIds: new Set([2, 3]), random: seededRandom(0) });
 * ```
 */
export function maskTokens(
  inputIds: readonly number[],
  options: MaskTokensOptions,
): {
  /** The inputs with the selected tokens replaced. */
  inputIds: number[];
  /** The labels: the original id where selected, -100 elsewhere. */
  labels: number[];
} {
  const probability = options.probability ?? 0.15;
  const candidates = inputIds.flatMap((id, index) => (options.specialIds.has(id) ? [] : [index]));
  const selected = candidates.filter(() => options.random() < probability);
  if (selected.length === 0 && candidates.length > 0)
    selected.push(candidates[Math.floor(options.random() * candidates.length)] as number);
  const masked = [...inputIds];
  const labels = inputIds.map(() => -100);
  for (const index of selected) {
    labels[index] = inputIds[index] as number;
    if (options.random() < 0.8) masked[index] = options.maskTokenId;
    else if (options.random() < 0.5) masked[index] = Math.floor(options.random() * options.vocabSize);
  }
  return { inputIds: masked, labels };
}

/**
 * A masked-LM training example from one line of text (HF's `run_mlm --line_by_line`): encoded with the
 * special tokens, truncated to `maxLength`, masked by {@link maskTokens}.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const example = maskedLanguageModelingExample('The cat sat on the mat.', tokenizer, { maxLength: 128, random });
 * ```
 */
export function maskedLanguageModelingExample(
  text: string,
  tokenizer: AlbertTokenizerFast,
  options: { readonly maxLength: number; readonly random: () => number; readonly probability?: number },
): TrainingExample {
  const encoding = tokenizer.encode(text, { truncation: true, maxLength: options.maxLength });
  const { inputIds, labels } = maskTokens(encoding.inputIds, {
    maskTokenId: tokenizer.maskTokenId,
    vocabSize: tokenizer.length,
    specialIds: new Set(tokenizer.allSpecialIds),
    random: options.random,
    ...(options.probability === undefined ? {} : { probability: options.probability }),
  });
  return { inputIds, tokenTypeIds: encoding.tokenTypeIds, labels };
}

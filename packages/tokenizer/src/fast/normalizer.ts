import type { NormalizedString } from './normalized-string.js';

/**
 * One step of a `tokenizer.json` normalizer pipeline: edits a {@link NormalizedString} in place,
 * keeping the alignment to the original text as the Hugging Face `tokenizers` library does.
 */
export interface FastNormalizer {
  /** The component's `type` in `tokenizer.json` (for error messages and introspection). */
  readonly type: string;
  /** Normalize `text` in place. */
  normalize(text: NormalizedString): void;
  /**
   * True when the step maps each character on its own (output aligned to its source character), so
   * that consecutive such steps can be fused into one table lookup per character (see
   * `SequenceNormalizer`); the step's own `normalize` remains the reference for everything else.
   */
  readonly charLocal?: boolean;
  /** Normalize a plain string (no alignment), e.g. a normalized added token. */
  normalizeString?(text: string): string;
}

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
  /** Normalize a plain string (no alignment), e.g. a normalized added token. */
  normalizeString?(text: string): string;
}

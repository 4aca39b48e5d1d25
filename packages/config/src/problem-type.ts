/**
 * The `problem_type` values HF accepts; they select the sequence classification loss:
 * `regression` (MSE), `single_label_classification` (cross-entropy), `multi_label_classification`
 * (binary cross-entropy with logits).
 */
export const PROBLEM_TYPES = ['regression', 'single_label_classification', 'multi_label_classification'] as const;

/** A supported `problem_type`; see {@link PROBLEM_TYPES}. */
export type ProblemType = (typeof PROBLEM_TYPES)[number];

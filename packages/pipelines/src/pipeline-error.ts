import { AlbertError } from '@albert-ts/config';

/**
 * Stable codes of {@link PipelineError}:
 * - `PIPELINE_UNKNOWN_TASK`: `pipeline()` got a task name it does not know.
 * - `PIPELINE_WRONG_MODEL`: an already loaded model is not the head the task needs.
 * - `PIPELINE_INVALID_INPUT`: an input is not of the task's shape (a string, `{ text, text_pair }`, ...).
 * - `PIPELINE_EMPTY_INPUT`: an empty text, question, context, label list or batch.
 * - `PIPELINE_NO_MASK_TOKEN`: a fill-mask text without `[MASK]`.
 * - `PIPELINE_UNKNOWN_TARGET`: fill-mask `targets` of which none can be used.
 * - `PIPELINE_UNKNOWN_LABEL`: a label (`ignoreLabels`, ...) that is not in the model's `id2label`.
 * - `PIPELINE_QUESTION_TOO_LONG`: a question that leaves no room for the context within `maxSeqLen`.
 * - `PIPELINE_INVALID_OPTION`: an option value outside its range (`topK: 0`, `docStride > maxSeqLen`, ...).
 */
export type PipelineErrorCode =
  | 'PIPELINE_UNKNOWN_TASK'
  | 'PIPELINE_WRONG_MODEL'
  | 'PIPELINE_INVALID_INPUT'
  | 'PIPELINE_EMPTY_INPUT'
  | 'PIPELINE_NO_MASK_TOKEN'
  | 'PIPELINE_UNKNOWN_TARGET'
  | 'PIPELINE_UNKNOWN_LABEL'
  | 'PIPELINE_QUESTION_TOO_LONG'
  | 'PIPELINE_INVALID_OPTION';

/**
 * A task pipeline cannot run what it was given. `details` names the `task`, the `field` (input or
 * option, HF spelling where there is one) and the offending `value`.
 */
export class PipelineError extends AlbertError {
  declare readonly code: PipelineErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming the task, the field and the value.
   * @param details - `task`, `field`, `value`, `index`, `expected`.
   */
  constructor(code: PipelineErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

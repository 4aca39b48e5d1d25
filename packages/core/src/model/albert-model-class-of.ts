import type { AlbertHeadName } from '../graph/albert-graph.js';
import type { ModelFileSource } from '../checkpoint/model-file-source.js';
import { loadAlbertParts, type FromPretrainedOptions } from './albert-pretrained-model.js';
import { AlbertForMaskedLM } from './albert-for-masked-lm.js';
import { AlbertForMultipleChoice } from './albert-for-multiple-choice.js';
import { AlbertForPreTraining } from './albert-for-pre-training.js';
import { AlbertForQuestionAnswering } from './albert-for-question-answering.js';
import { AlbertForSequenceClassification } from './albert-for-sequence-classification.js';
import { AlbertForTokenClassification } from './albert-for-token-classification.js';
import { AlbertModel } from './albert-model.js';

/** Every ALBERT model class by its HF class name. */
export const ALBERT_MODEL_CLASSES = {
  /** The bare encoder: `last_hidden_state` `[batch, sequence, hidden]` and `pooler_output` `[batch, hidden]`. */
  AlbertModel,
  /** Encoder with the masked-LM and sentence-order-prediction heads (`prediction_logits`, `sop_logits`). */
  AlbertForPreTraining,
  /** Encoder with the masked-LM head: `logits` `[batch, sequence, vocab]`. */
  AlbertForMaskedLM,
  /** Encoder with a classifier on the pooled output: `logits` `[batch, numLabels]`. */
  AlbertForSequenceClassification,
  /** Encoder with a one-score-per-choice classifier: `logits` `[batch, choices]`. */
  AlbertForMultipleChoice,
  /** Encoder with a per-token classifier: `logits` `[batch, sequence, numLabels]`. */
  AlbertForTokenClassification,
  /** Encoder with an extractive QA span head: `start_logits` and `end_logits` `[batch, sequence]`. */
  AlbertForQuestionAnswering,
} as const;

/** Any of the ALBERT model classes' instances. */
export type AnyAlbertModel = InstanceType<(typeof ALBERT_MODEL_CLASSES)[AlbertHeadName]>;

/** The model class of a head name. */
export function albertModelClassOf<H extends AlbertHeadName>(head: H): (typeof ALBERT_MODEL_CLASSES)[H] {
  return ALBERT_MODEL_CLASSES[head];
}

/** Loads the model class of `head` (like its `fromPretrained`), when the head is only known at run time. */
export async function loadAlbertModel(
  head: AlbertHeadName,
  dirOrSource: string | ModelFileSource,
  options: FromPretrainedOptions,
): Promise<AnyAlbertModel> {
  return new ALBERT_MODEL_CLASSES[head](await loadAlbertParts(head, dirOrSource, options));
}

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
  AlbertModel,
  AlbertForPreTraining,
  AlbertForMaskedLM,
  AlbertForSequenceClassification,
  AlbertForMultipleChoice,
  AlbertForTokenClassification,
  AlbertForQuestionAnswering,
} as const;

/** Any of the ALBERT model classes' instances. */
export type AnyAlbertModel = InstanceType<(typeof ALBERT_MODEL_CLASSES)[AlbertHeadName]>;

/** The model class of a head name. */
export function albertModelClassOf<H extends AlbertHeadName>(head: H): (typeof ALBERT_MODEL_CLASSES)[H] {
  return ALBERT_MODEL_CLASSES[head];
}

/** Loads the model class of `head` (like its `fromPretrained`), when the head is only known at run time. */
export async function loadAlbertModel(head: AlbertHeadName, dirOrSource: string | ModelFileSource, options: FromPretrainedOptions): Promise<AnyAlbertModel> {
  return new ALBERT_MODEL_CLASSES[head](await loadAlbertParts(head, dirOrSource, options));
}

import type { AlbertConfig } from '@albert-ts/config';
import { albertWeightSpecs, type AlbertHead } from '@albert-ts/core';

/**
 * The tensor names Hugging Face's `save_pretrained` writes into `model.safetensors` for `head`, in the file's
 * order (safetensors sorts the names of tensors of one dtype, so the order is the names sorted).
 *
 * - The pooler (`albert.pooler.*`) only for the classes that build `AlbertModel` with it: AlbertForPreTraining,
 *   AlbertForSequenceClassification and AlbertForMultipleChoice (AlbertForMaskedLM, AlbertForTokenClassification
 *   and AlbertForQuestionAnswering build `AlbertModel(config, add_pooling_layer=False)`, so a pooler in their
 *   file is "not used" when Python loads it).
 * - The tied MLM decoder is stored once, as `save_pretrained` removes tied duplicates: the word embeddings
 *   (`albert.embeddings.word_embeddings.weight`) and `predictions.bias`, no `predictions.decoder.*`. With
 *   `tie_word_embeddings: false`, `predictions.decoder.weight` and `predictions.decoder.bias` are written too
 *   (transformers 5 keeps the decoder's bias as a parameter of its own then; 4.x ties it to `predictions.bias` and
 *   loads either name).
 * - The absolute position table even for relative position types (HF always builds it).
 *
 * @example
 * ```ts
 * hfCheckpointKeys(config, 'AlbertForTokenClassification').includes('albert.pooler.weight'); // false
 * ```
 */
export function hfCheckpointKeys(config: AlbertConfig, head: AlbertHead): string[] {
  const keys = albertWeightSpecs(config, head)
    // core marks the pooler optional exactly for the heads whose HF class has none
    .filter((spec) => !(spec.optional && spec.key.startsWith('albert.pooler.')))
    .map((spec) => spec.key);
  if (!config.tieWordEmbeddings && keys.includes('predictions.bias')) keys.push('predictions.decoder.bias');
  return keys.sort(compareNames);
}

/** Byte order of the (ASCII) names, as Rust's `String` ordering in safetensors. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

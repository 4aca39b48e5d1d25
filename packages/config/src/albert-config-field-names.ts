// eslint-disable-next-line @typescript-eslint/no-unused-vars -- AlbertConfigInit is named by {@link} in the TSDoc
import type { AlbertConfigFieldName, AlbertConfigInit } from './albert-config-init.js';

const FIELD_NAMES = {
  vocabSize: 'vocab_size',
  embeddingSize: 'embedding_size',
  hiddenSize: 'hidden_size',
  numHiddenLayers: 'num_hidden_layers',
  numHiddenGroups: 'num_hidden_groups',
  numAttentionHeads: 'num_attention_heads',
  intermediateSize: 'intermediate_size',
  innerGroupNum: 'inner_group_num',
  hiddenAct: 'hidden_act',
  hiddenDropoutProb: 'hidden_dropout_prob',
  attentionProbsDropoutProb: 'attention_probs_dropout_prob',
  maxPositionEmbeddings: 'max_position_embeddings',
  typeVocabSize: 'type_vocab_size',
  initializerRange: 'initializer_range',
  layerNormEps: 'layer_norm_eps',
  classifierDropoutProb: 'classifier_dropout_prob',
  positionEmbeddingType: 'position_embedding_type',
  padTokenId: 'pad_token_id',
  bosTokenId: 'bos_token_id',
  eosTokenId: 'eos_token_id',
  numLabels: 'num_labels',
  id2label: 'id2label',
  label2id: 'label2id',
  problemType: 'problem_type',
  architectures: 'architectures',
  modelType: 'model_type',
  tieWordEmbeddings: 'tie_word_embeddings',
  outputAttentions: 'output_attentions',
  outputHiddenStates: 'output_hidden_states',
  dtype: 'dtype',
} as const satisfies Record<AlbertConfigFieldName, string>;

/**
 * The one mapping between the camelCase names of the TypeScript API and the HF snake_case keys of
 * config.json: `vocabSize` ↔ `vocab_size`, `numHiddenGroups` ↔ `num_hidden_groups`, ... (camelCase of
 * the snake_case key, except `id2label`/`label2id`, which keep their HF spelling). Every
 * {@link AlbertConfigInit} field except `extraFields` appears once. `dtype` is also read from the older
 * key `torch_dtype` (and written back under the key it was read from).
 */
export const ALBERT_CONFIG_FIELD_NAMES: Readonly<Record<AlbertConfigFieldName, string>> = Object.freeze(FIELD_NAMES);

/** camelCase field name → HF snake_case key (e.g. `numHiddenGroups` → `num_hidden_groups`). */
export function toHfFieldName(field: AlbertConfigFieldName): string {
  return ALBERT_CONFIG_FIELD_NAMES[field];
}

const FROM_HF: ReadonlyMap<string, AlbertConfigFieldName> = new Map(
  (Object.entries(ALBERT_CONFIG_FIELD_NAMES) as [AlbertConfigFieldName, string][]).map(([camel, snake]) => [
    snake,
    camel,
  ]),
);

/** HF snake_case key → camelCase field name, or undefined for keys AlbertConfig does not interpret. */
export function fromHfFieldName(key: string): AlbertConfigFieldName | undefined {
  return FROM_HF.get(key);
}

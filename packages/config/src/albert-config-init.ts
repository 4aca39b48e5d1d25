import type { HiddenAct } from './hidden-activation.js';
import type { PositionEmbeddingType } from './position-embedding-type.js';
import type { ProblemType } from './problem-type.js';

/**
 * Every setting of an ALBERT model, in camelCase. {@link AlbertConfig} exposes each as a readonly
 * property; `AlbertConfig.with(overrides)` takes a `Partial<AlbertConfigInit>`. The HF snake_case name of
 * each field (its key in config.json) is in {@link ALBERT_CONFIG_FIELD_NAMES}; its default in
 * {@link ALBERT_CONFIG_DEFAULTS}.
 */
export interface AlbertConfigInit {
  /** `vocab_size`: number of token ids; rows of the word embedding table. Default 30000. */
  readonly vocabSize: number;
  /** `embedding_size`: width E of the (factorized) embeddings. Default 128. */
  readonly embeddingSize: number;
  /** `hidden_size`: width H of the encoder layers and the pooler. Default 4096. */
  readonly hiddenSize: number;
  /** `num_hidden_layers`: number of layers L the encoder runs (shared weights are re-used). Default 12. */
  readonly numHiddenLayers: number;
  /** `num_hidden_groups`: number of distinct weight groups G, 1 ≤ G ≤ L. Default 1. */
  readonly numHiddenGroups: number;
  /** `num_attention_heads`: attention heads per layer; must divide `hiddenSize`. Default 64. */
  readonly numAttentionHeads: number;
  /** `intermediate_size`: width I of the feed-forward block. Default 16384. */
  readonly intermediateSize: number;
  /** `inner_group_num`: layers inside each group, run in sequence each time the group runs. Default 1. */
  readonly innerGroupNum: number;
  /** `hidden_act`: feed-forward and MLM-head activation; see `HIDDEN_ACTIVATIONS`. Default `gelu_new`. */
  readonly hiddenAct: HiddenAct;
  /** `hidden_dropout_prob`: dropout after embeddings and dense layers (no effect in inference). Default 0. */
  readonly hiddenDropoutProb: number;
  /** `attention_probs_dropout_prob`: dropout on attention probabilities (no effect in inference). Default 0. */
  readonly attentionProbsDropoutProb: number;
  /** `max_position_embeddings`: longest sequence; rows of the position table. Default 512. */
  readonly maxPositionEmbeddings: number;
  /** `type_vocab_size`: number of token type (segment) ids. Default 2. */
  readonly typeVocabSize: number;
  /** `initializer_range`: standard deviation of the weight initializer. Default 0.02. */
  readonly initializerRange: number;
  /** `layer_norm_eps`: epsilon of every LayerNorm. Default 1e-12. */
  readonly layerNormEps: number;
  /**
   * `classifier_dropout_prob`: dropout before classification heads (no effect in inference). Default 0.1;
   * `null` (HF allows it) makes the token classifier use `hidden_dropout_prob`.
   */
  readonly classifierDropoutProb: number | null;
  /** `position_embedding_type`: `absolute`, `relative_key` or `relative_key_query`. Default `absolute`. */
  readonly positionEmbeddingType: PositionEmbeddingType;
  /** `pad_token_id`: id of `<pad>` (the word embedding's padding row), or null. Default 0. */
  readonly padTokenId: number | null;
  /** `bos_token_id`: id of `[CLS]`, or null. Default 2. */
  readonly bosTokenId: number | null;
  /** `eos_token_id`: id of `[SEP]`, or null. Default 3. */
  readonly eosTokenId: number | null;
  /**
   * `num_labels`: outputs of the classification heads. Not usually stored in config.json: when
   * `id2label` is present it is its size, otherwise 2 (HF's rule). Default 2.
   */
  readonly numLabels: number;
  /** `id2label`: label name of each class index 0..numLabels-1. Default `{0: 'LABEL_0', 1: 'LABEL_1'}`. */
  readonly id2label: Readonly<Record<number, string>>;
  /** `label2id`: class index of each label name (inverse of `id2label`). Default `{LABEL_0: 0, LABEL_1: 1}`. */
  readonly label2id: Readonly<Record<string, number>>;
  /** `problem_type`: selects the sequence classification loss, or null (inferred from labels). Default null. */
  readonly problemType: ProblemType | null;
  /** `architectures`: HF class names the checkpoint was saved from, or null. Default null. */
  readonly architectures: readonly string[] | null;
  /** `model_type`: always `albert`; another value in config.json is an error. */
  readonly modelType: 'albert';
  /** `tie_word_embeddings`: the MLM decoder re-uses the word embeddings. Default true. */
  readonly tieWordEmbeddings: boolean;
  /** `output_attentions`: return attention probabilities by default. Default false. */
  readonly outputAttentions: boolean;
  /** `output_hidden_states`: return every layer's hidden states by default. Default false. */
  readonly outputHiddenStates: boolean;
  /** `dtype` (older files: `torch_dtype`): dtype the weights were saved in, e.g. `float32`, or null. Default null. */
  readonly dtype: string | null;
  /**
   * Fields of config.json that AlbertConfig does not interpret (e.g. `transformers_version`,
   * `down_scale_factor`), kept verbatim and written back by `toJSON`. Default `{}`.
   */
  readonly extraFields: Readonly<Record<string, unknown>>;
}

/** Names of the {@link AlbertConfigInit} fields that map to one config.json key. */
export type AlbertConfigFieldName = Exclude<keyof AlbertConfigInit, 'extraFields'>;

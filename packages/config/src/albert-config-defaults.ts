import type { AlbertConfigInit } from './albert-config-init.js';

/**
 * Hugging Face's defaults for every field (transformers' `AlbertConfig.__init__` and
 * `PretrainedConfig`), used for every field a config.json leaves out. The architecture defaults are
 * those of albert-xxlarge.
 */
export const ALBERT_CONFIG_DEFAULTS: Readonly<AlbertConfigInit> = Object.freeze({
  vocabSize: 30000,
  embeddingSize: 128,
  hiddenSize: 4096,
  numHiddenLayers: 12,
  numHiddenGroups: 1,
  numAttentionHeads: 64,
  intermediateSize: 16384,
  innerGroupNum: 1,
  hiddenAct: 'gelu_new',
  hiddenDropoutProb: 0,
  attentionProbsDropoutProb: 0,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  initializerRange: 0.02,
  layerNormEps: 1e-12,
  classifierDropoutProb: 0.1,
  positionEmbeddingType: 'absolute',
  padTokenId: 0,
  bosTokenId: 2,
  eosTokenId: 3,
  numLabels: 2,
  id2label: Object.freeze({ 0: 'LABEL_0', 1: 'LABEL_1' }),
  label2id: Object.freeze({ LABEL_0: 0, LABEL_1: 1 }),
  problemType: null,
  architectures: null,
  modelType: 'albert',
  tieWordEmbeddings: true,
  outputAttentions: false,
  outputHiddenStates: false,
  dtype: null,
  extraFields: Object.freeze({}),
} satisfies AlbertConfigInit);

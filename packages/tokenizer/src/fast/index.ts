export { AlbertTokenizerFast } from './albert-tokenizer-fast.js';
export type {
  AlbertTokenizerFastFromSentencePieceOptions,
  AlbertTokenizerFastOptions,
  FastBatchInput,
  FastEncodeBatchOptions,
  FastEncodeOptions,
  FastSequenceInput,
  FastTokenizerBatchEncoding,
  FastTokenizerEncoding,
} from './albert-tokenizer-fast.js';
export { convertSentencePieceToTokenizerJson } from './convert-sentence-piece-to-tokenizer-json.js';
export type {
  SentencePieceConversionOptions,
  TokenizerJsonAddedTokenEntry,
  TokenizerJsonDocument,
} from './convert-sentence-piece-to-tokenizer-json.js';
export { fastTokenizerOptionsFromConfig } from './fast-tokenizer-config.js';
export { runFastTokenizerCase } from './fast-case-runner.js';
export type { FastCaseResult, FastExpectedOutputs, FastTokenizerCase } from './fast-case-runner.js';
export { DEFAULT_MAX_COMPONENT_DEPTH, parseTokenizerJson } from './tokenizer-json.js';
export type { ParseTokenizerJsonOptions, TokenizerJsonLimits, TokenizerJsonPipeline } from './tokenizer-json.js';
export { DEFAULT_MAX_NORMALIZED_GROWTH } from './replace-normalizer.js';
// The components of a parsed `tokenizer.json` (the shapes of `TokenizerJsonPipeline`'s fields), exported
// as types so that a pipeline can be inspected; constructing them stays internal to `parseTokenizerJson`.
export type { AddedToken as TokenizerJsonAddedToken } from './added-vocabulary.js';
export type { FastNormalizer } from './normalizer.js';
export type { NormalizedString, SplitDelimiterBehavior } from './normalized-string.js';
export type { FastPreTokenizer } from './pre-tokenizer.js';
export type { PreTokenizedString, PreTokenizedSplit } from './pre-tokenized-string.js';
export type { FastModel } from './fast-model.js';
export type { FastToken } from './fast-token.js';
export type { TemplateProcessing, TemplatePiece, TemplateSpecialToken } from './template-processing.js';
export type { FastEncoding } from './fast-encoding.js';
export type { FastDecoder } from './metaspace-decoder.js';

export { AlbertTokenizerFast, cleanUpTokenization } from './albert-tokenizer-fast.js';
export type {
  AlbertTokenizerFastOptions,
  FastDecodeOptions,
  FastEncodeOptions,
  FastPadding,
  FastTokenizerBatchEncoding,
  FastTokenizerEncoding,
  FastTruncation,
} from './albert-tokenizer-fast.js';
export type { FastTruncationStrategy } from './truncate-encodings.js';
export { parseTokenizerJson } from './tokenizer-json.js';
export type { TokenizerJsonPipeline } from './tokenizer-json.js';
export { NormalizedString } from './normalized-string.js';

export * from './tensor.js';
export * from './memory/index.js';
export * from './backend/index.js';
export * from './checkpoint/index.js';
export * from './graph/index.js';
export * from './model/index.js';
export * from './hub/index.js';
export * from './verify/index.js';
// What users need next to a model, so that `@albert-ts/core` alone is enough to start (the same values as
// in @albert-ts/config and @albert-ts/tokenizer: `instanceof` works across both import paths).
export { AlbertConfig, AlbertError, ConfigError, isAlbertError } from '@albert-ts/config';
export {
  AlbertTokenizer,
  AlbertTokenizerFast,
  TokenizerError,
  type AlbertEncoding,
  type AlbertBatchEncoding,
  type EncodeOptions,
  type Encoding,
  type BatchEncoding,
} from '@albert-ts/tokenizer';

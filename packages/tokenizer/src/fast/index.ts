export { AlbertTokenizerFast } from './albert-tokenizer-fast.js';
export type { AlbertTokenizerFastOptions, FastTokenizerBatchEncoding, FastTokenizerEncoding } from './albert-tokenizer-fast.js';
export { runFastTokenizerCase } from './fast-case-runner.js';
export type { FastCaseResult, FastExpectedOutputs, FastTokenizerCase } from './fast-case-runner.js';
export { parseTokenizerJson } from './tokenizer-json.js';
export type { TokenizerJsonPipeline } from './tokenizer-json.js';

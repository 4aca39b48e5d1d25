export * from './tokenizer-error.js';
export * from './encoding.js';
export * from './added-token.js';
export * from './albert-tokenizer.js';
export * from './clean-up-tokenization.js';
export * from './tokenizer-cases.js';
export * from './sentencepiece/index.js';
export * from './fast/index.js';

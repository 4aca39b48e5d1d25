export * from './tokenizer-error.js';
export * from './sentencepiece/index.js';

import { readFileSync } from 'node:fs';
import { AlbertTokenizer, AlbertTokenizerFast } from '@albert-ts/tokenizer';
import { asPipelineTokenizer, type PipelineTokenizer } from './pipeline-tokenizer.js';

// Test support: the pipeline fixtures' tokenizers (fixtures/pipelines/tokenizer), slow and fast.
const directory = new URL('../../../fixtures/pipelines/tokenizer/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, directory), 'utf8');

/** The slow tokenizer (spiece.model + tokenizer_config.json). */
export function slowTokenizer(): PipelineTokenizer {
  return asPipelineTokenizer(
    AlbertTokenizer.fromBytes(readFileSync(new URL('spiece.model', directory)), {
      tokenizerConfig: read('tokenizer_config.json'),
      specialTokensMap: read('special_tokens_map.json'),
    }),
  );
}

/** The fast tokenizer (tokenizer.json), optionally with a small `modelMaxLength` (windows). */
export function fastTokenizer(options: { readonly modelMaxLength?: number } = {}): PipelineTokenizer {
  return asPipelineTokenizer(
    AlbertTokenizerFast.fromJSON(read('tokenizer.json'), { cleanUpTokenizationSpaces: false, ...options }),
  );
}

import { tokenizerOptionsFromConfig } from '../albert-tokenizer.js';
import type { AddedToken } from '../added-token.js';
import type {
  AlbertTokenizerFastFromSentencePieceOptions,
  AlbertTokenizerFastOptions,
} from './albert-tokenizer-fast.js';

const SETTINGS = [
  'modelMaxLength',
  'cleanUpTokenizationSpaces',
  'paddingSide',
  'truncationSide',
  'doLowerCase',
  'keepAccents',
  'removeSpace',
] as const;
const TOKENS = ['padToken', 'unkToken', 'clsToken', 'sepToken', 'maskToken', 'bosToken', 'eosToken'] as const;

/**
 * The settings of `tokenizer_config.json` (+ `special_tokens_map.json`) as options of
 * {@link AlbertTokenizerFast.fromSentencePiece}: `do_lower_case`, `keep_accents`, `remove_space`,
 * `model_max_length`, `clean_up_tokenization_spaces`, padding/truncation sides, the special tokens
 * with their flags and `added_tokens_decoder`. Browser-safe (the contents are given, not read).
 * @throws TokenizerError `TOKENIZER_INVALID_CONFIG` for invalid JSON or field types.
 */
export function fastTokenizerOptionsFromConfig(
  tokenizerConfig: string | Readonly<Record<string, unknown>> | undefined,
  specialTokensMap: string | Readonly<Record<string, unknown>> | undefined,
): AlbertTokenizerFastFromSentencePieceOptions {
  const slow = tokenizerOptionsFromConfig(tokenizerConfig, specialTokensMap);
  const options: Record<string, unknown> = {};
  for (const key of SETTINGS) if (slow[key] !== undefined) options[key] = slow[key];
  const flags = (token: AddedToken) => ({
    content: token.content,
    lstrip: token.lstrip,
    rstrip: token.rstrip,
    singleWord: token.singleWord,
    normalized: token.normalized,
    special: token.special,
  });
  for (const key of TOKENS) {
    const value = slow[key];
    if (value === undefined) continue;
    options[key] = typeof value === 'string' ? value : flags(value as AddedToken);
  }
  if (slow.additionalSpecialTokens !== undefined) {
    options['additionalSpecialTokens'] = slow.additionalSpecialTokens.map((token) =>
      typeof token === 'string' ? token : flags(token as AddedToken),
    );
  }
  if (slow.addedTokens !== undefined) options['addedTokens'] = slow.addedTokens;
  return options as AlbertTokenizerFastFromSentencePieceOptions;
}

/** {@link fastTokenizerOptionsFromConfig} for a tokenizer read from `tokenizer.json`: tokens as their strings, no added tokens. */
export function fastJsonOptionsFromConfig(
  options: AlbertTokenizerFastFromSentencePieceOptions,
): AlbertTokenizerFastOptions {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === 'addedTokens') continue;
    if (key === 'additionalSpecialTokens')
      result[key] = (value as ReadonlyArray<string | { content: string }>).map((token) =>
        typeof token === 'string' ? token : token.content,
      );
    else if (key.endsWith('Token'))
      result[key] = typeof value === 'string' ? value : (value as { content: string }).content;
    else result[key] = value;
  }
  return result as AlbertTokenizerFastOptions;
}

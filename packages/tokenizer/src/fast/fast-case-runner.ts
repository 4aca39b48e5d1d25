import type { EncodeOptions as FastEncodeOptions } from '../encoding.js';
import type { AlbertTokenizerFast } from './albert-tokenizer-fast.js';

/** The expected fast-tokenizer outputs of one case (`fast` / `fast_converted` in the case files). */
export type FastExpectedOutputs = Readonly<Record<string, unknown>>;

/** One case of a tokenizer case file (the fields the fast runner reads). */
export interface FastTokenizerCase {
  /** Case id (`single-0001`, ...). */
  readonly id: string;
  /** `single`, `pair` or `batch`. */
  readonly kind: 'single' | 'pair' | 'batch';
  /** Text of a single/pair case. */
  readonly text?: string;
  /** Second text of a pair case. */
  readonly text_pair?: string;
  /** Texts of a batch case. */
  readonly texts?: readonly string[];
  /** Second texts of a batch of pairs. */
  readonly text_pairs?: readonly string[];
  /** Truncation strategy of a truncation case. */
  readonly truncation?: string;
  /** `max_length` of a truncation case. */
  readonly max_length?: number;
  /** Keyword arguments of a batch call (`padding`, `truncation`, `max_length`). */
  readonly call?: {
    /** `padding` argument: `longest`, `max_length` or a boolean. */
    readonly padding?: string | boolean;
    /** `truncation` argument: a strategy (`longest_first`, `only_first`, `only_second`) or a boolean. */
    readonly truncation?: string | boolean;
    /** `max_length` argument, in tokens including the special tokens. */
    readonly max_length?: number;
  };
  /** Other fields (expected outputs, `config`, ...). */
  readonly [key: string]: unknown;
}

/** Result of one case: which expected fields matched. */
export interface FastCaseResult {
  /** Case id. */
  readonly id: string;
  /** Field name → whether our output equals the expected one. */
  readonly fields: Readonly<Record<string, boolean>>;
  /** Our outputs, by field (for reports). */
  readonly actual: Readonly<Record<string, unknown>>;
}

const COMPARED_FIELDS = [
  'tokens',
  'ids',
  'offsets_no_special',
  'input_ids',
  'token_type_ids',
  'attention_mask',
  'special_tokens_mask',
  'offsets',
  'decoded_raw',
  'decoded_skip_special_raw',
  'decoded',
  'decoded_skip_special',
  'error',
] as const;

function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Runs one case through the fast tokenizer as the case files' generator called the Hugging Face
 * library, and compares every expected field present in `expected` (the case's `fast` or
 * `fast_converted` object). Fields: tokens, ids, offsets_no_special, input_ids, token_type_ids,
 * attention_mask, special_tokens_mask, offsets, decoded(_skip_special)(_raw), error.
 */
export function runFastTokenizerCase(
  tokenizer: AlbertTokenizerFast,
  testCase: FastTokenizerCase,
  expected: FastExpectedOutputs,
): FastCaseResult {
  const actual: Record<string, unknown> = {};
  try {
    if (testCase.kind === 'batch') {
      const call = testCase.call ?? {};
      const options: FastEncodeOptions = {
        ...(call.padding === undefined ? {} : { padding: call.padding as FastEncodeOptions['padding'] }),
        ...(call.truncation === undefined ? {} : { truncation: call.truncation as FastEncodeOptions['truncation'] }),
        ...(call.max_length === undefined ? {} : { maxLength: call.max_length }),
      };
      const texts = testCase.texts ?? [];
      const inputs =
        testCase.text_pairs === undefined
          ? [...texts]
          : texts.map((text, index): [string, string] => [text, testCase.text_pairs?.[index] ?? '']);
      const batch = tokenizer.encodeBatch(inputs, options);
      actual['input_ids'] = batch.inputIds;
      actual['token_type_ids'] = batch.tokenTypeIds;
      actual['attention_mask'] = batch.attentionMask;
      actual['special_tokens_mask'] = batch.specialTokensMask;
      actual['offsets'] = batch.offsets;
    } else {
      const text = testCase.text ?? '';
      const pair = testCase.kind === 'pair' ? testCase.text_pair : undefined;
      if (testCase.truncation === undefined && pair === undefined) {
        const plain = tokenizer.encode(text, { addSpecialTokens: false });
        actual['tokens'] = plain.tokens;
        actual['ids'] = plain.inputIds;
        actual['offsets_no_special'] = plain.offsets;
      }
      const options: FastEncodeOptions = {
        ...(testCase.truncation === undefined
          ? {}
          : { truncation: testCase.truncation as FastEncodeOptions['truncation'] }),
        ...(testCase.max_length === undefined ? {} : { maxLength: testCase.max_length }),
      };
      const encoding = pair === undefined ? tokenizer.encode(text, options) : tokenizer.encodePair(text, pair, options);
      actual['input_ids'] = encoding.inputIds;
      actual['token_type_ids'] = encoding.tokenTypeIds;
      actual['attention_mask'] = encoding.attentionMask;
      actual['special_tokens_mask'] = encoding.specialTokensMask;
      actual['offsets'] = encoding.offsets;
      actual['decoded_raw'] = tokenizer.decode(encoding.inputIds, { cleanUpTokenizationSpaces: false });
      actual['decoded_skip_special_raw'] = tokenizer.decode(encoding.inputIds, {
        skipSpecialTokens: true,
        cleanUpTokenizationSpaces: false,
      });
      actual['decoded'] = tokenizer.decode(encoding.inputIds, { cleanUpTokenizationSpaces: true });
      actual['decoded_skip_special'] = tokenizer.decode(encoding.inputIds, {
        skipSpecialTokens: true,
        cleanUpTokenizationSpaces: true,
      });
    }
  } catch (error) {
    actual['error'] = error instanceof Error ? error.message : String(error);
  }
  const fields: Record<string, boolean> = {};
  for (const field of COMPARED_FIELDS) {
    if (field in expected) fields[field] = sameJson(actual[field], expected[field]);
  }
  if (!('error' in expected) && 'error' in actual) fields['error'] = false;
  return { id: testCase.id, fields, actual };
}

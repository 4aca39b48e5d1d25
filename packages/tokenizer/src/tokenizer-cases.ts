import { AlbertTokenizer, type AlbertTokenizerOptions, tokenizerOptionsFromConfig } from './albert-tokenizer.js';
import type { PaddingStrategy, TruncationStrategy } from './encoding.js';

/** One case of a tokenizer case file (`fixtures/tokenizers/cases-*.json`); fields as the README describes. */
export interface TokenizerCase {
  /** Case id, unique in its file (`single-0001`, ...). */
  readonly id: string;
  /** `single` (one text), `pair` (`text` and `text_pair`) or `batch` (`texts`, optional `text_pairs`). */
  readonly kind: 'single' | 'pair' | 'batch';
  /** Name of the tokenizer configuration to build, a key of {@link TokenizerCaseFile.configs} (`default`, ...). */
  readonly config: string;
  readonly [field: string]: unknown;
}

/** A tokenizer case file: `configs` (name → constructor options in snake_case) and `cases`. */
export interface TokenizerCaseFile {
  /** Name of the SentencePiece model the cases were made with (`albert-base-v2`, ...). */
  readonly model?: string;
  /** Configuration name → the transformers constructor options (snake_case) that differ from the defaults. */
  readonly configs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The cases, with their inputs and expected outputs. */
  readonly cases: readonly TokenizerCase[];
  readonly [field: string]: unknown;
}

/** One field of one case that did not match. */
export interface TokenizerCaseFailure {
  /** Id of the case. */
  readonly id: string;
  /** The expected field that differs (`input_ids`, `decoded`, `sentencepiece.pieces`, ...; `error` for an exception). */
  readonly field: string;
  /** The value stored in the case file. */
  readonly expected: unknown;
  /** What our tokenizer gave (the exception message for field `error`). */
  readonly actual: unknown;
}

/** Result of {@link runTokenizerCases}. */
export interface TokenizerCaseReport {
  /** Number of cases. */
  total: number;
  /** Cases whose every checked field matched. */
  passed: number;
  /** Every mismatching field (a case with an exception reports field `error`). */
  failed: TokenizerCaseFailure[];
  /** Per field: how many cases checked it and how many matched. */
  fields: Record<
    string,
    {
      /** Number of cases that have this field. */
      total: number;
      /** Number of those cases where our output equals the expected value. */
      passed: number;
    }
  >;
}

/** Builds the tokenizer for one `config` of the case file (options already camelCased). */
export type TokenizerFactory = (options: AlbertTokenizerOptions, configName: string) => AlbertTokenizer;

function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

function truncationOf(value: unknown): boolean | TruncationStrategy | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  return value as TruncationStrategy;
}

function paddingOf(value: unknown): boolean | PaddingStrategy | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  return value as PaddingStrategy;
}

/**
 * Runs every case of a case file through the slow tokenizer and compares every slow field
 * (`tokens`, `ids`, `input_ids`, `token_type_ids`, `attention_mask`, `special_tokens_mask`,
 * `decoded*`, `tokens_to_string`, `sentencepiece.*`, `truncation_error_logged`, batches).
 * Browser-safe: no Node APIs. `fast*` fields are not checked here.
 *
 * @param caseFile - the parsed case file.
 * @param tokenizer - the tokenizer for the `default` config, or a factory called once per config.
 */
export function runTokenizerCases(
  caseFile: TokenizerCaseFile,
  tokenizer: AlbertTokenizer | TokenizerFactory,
): TokenizerCaseReport {
  const tokenizers = new Map<string, AlbertTokenizer>();
  const tokenizerFor = (config: string): AlbertTokenizer => {
    let result = tokenizers.get(config);
    if (result === undefined) {
      const options = tokenizerOptionsFromConfig(caseFile.configs?.[config] ?? {}, undefined);
      if (typeof tokenizer === 'function') result = tokenizer(options, config);
      else if (config === 'default' || Object.keys(caseFile.configs?.[config] ?? {}).length === 0) result = tokenizer;
      else {
        result = new AlbertTokenizer(tokenizer.sentencePiece, {
          ...options,
          modelMaxLength: tokenizer.modelMaxLength,
          file: tokenizer.file,
          logger: { error: () => undefined, warn: () => undefined },
        });
      }
      tokenizers.set(config, result);
    }
    return result;
  };
  const report: TokenizerCaseReport = { total: 0, passed: 0, failed: [], fields: {} };
  for (const testCase of caseFile.cases) {
    report.total += 1;
    let ok = true;
    const check = (field: string, expected: unknown, actual: () => unknown): void => {
      if (expected === undefined) return;
      const counts = (report.fields[field] ??= { total: 0, passed: 0 });
      counts.total += 1;
      let value: unknown;
      try {
        value = actual();
      } catch (error) {
        value = `threw ${(error as Error).message}`;
      }
      if (sameJson(expected, value)) counts.passed += 1;
      else {
        ok = false;
        report.failed.push({ id: testCase.id, field, expected, actual: value });
      }
    };
    try {
      const subject = tokenizerFor(testCase.config);
      const get = (field: string): unknown => testCase[field];
      const expectedIds = get('input_ids');
      if (testCase.kind === 'batch') {
        const call = (get('call') ?? {}) as Record<string, unknown>;
        const texts = get('texts') as string[];
        const pairs = get('text_pairs') as string[] | undefined;
        const options = {
          ...(pairs === undefined ? {} : { textPairs: pairs }),
          ...(paddingOf(call['padding']) === undefined ? {} : { padding: paddingOf(call['padding'])! }),
          ...(truncationOf(call['truncation']) === undefined ? {} : { truncation: truncationOf(call['truncation'])! }),
          ...(typeof call['max_length'] === 'number' ? { maxLength: call['max_length'] } : {}),
        };
        const batch = subject.encodeBatch(texts, options);
        check('input_ids', expectedIds, () => batch.inputIds);
        check('token_type_ids', get('token_type_ids'), () => batch.tokenTypeIds);
        check('attention_mask', get('attention_mask'), () => batch.attentionMask);
        check('special_tokens_mask', get('special_tokens_mask'), () => batch.specialTokensMask);
        check('truncation_error_logged', get('truncation_error_logged'), () =>
          batch.truncationErrors.some((error) => error !== null),
        );
      } else {
        const text = get('text') as string;
        const textPair = get('text_pair') as string | undefined;
        const truncation = truncationOf(get('truncation'));
        const maxLength = get('max_length');
        const encoding = subject.encode(text, {
          ...(textPair === undefined ? {} : { textPair }),
          ...(truncation === undefined ? {} : { truncation }),
          ...(typeof maxLength === 'number' ? { maxLength } : {}),
        });
        check('tokens', get('tokens'), () => subject.tokenize(text));
        check('ids', get('ids'), () => subject.encode(text, { addSpecialTokens: false }).inputIds);
        check('input_ids', expectedIds, () => encoding.inputIds);
        check('token_type_ids', get('token_type_ids'), () => encoding.tokenTypeIds);
        check('attention_mask', get('attention_mask'), () => encoding.attentionMask);
        check('special_tokens_mask', get('special_tokens_mask'), () => encoding.specialTokensMask);
        check('truncation_error_logged', get('truncation_error_logged'), () => encoding.truncationError !== undefined);
        const ids = (expectedIds ?? encoding.inputIds) as number[];
        check('decoded', get('decoded'), () => subject.decode(ids));
        check('decoded_skip_special', get('decoded_skip_special'), () =>
          subject.decode(ids, { skipSpecialTokens: true }),
        );
        check('decoded_no_cleanup', get('decoded_no_cleanup'), () =>
          subject.decode(ids, { cleanUpTokenizationSpaces: false }),
        );
        const tokens = (get('tokens') ?? subject.tokenize(text)) as string[];
        check('tokens_to_string', get('tokens_to_string'), () => subject.convertTokensToString(tokens));
        const sentencePiece = get('sentencepiece') as
          { input: string; pieces: string[]; ids: number[]; offsets: Array<[number, number]> } | undefined;
        if (sentencePiece !== undefined) {
          check('sentencepiece.input', sentencePiece.input, () => subject.preprocessText(text));
          const encoded = subject.sentencePiece.encode(sentencePiece.input);
          check('sentencepiece.pieces', sentencePiece.pieces, () => encoded.pieces);
          check('sentencepiece.ids', sentencePiece.ids, () => encoded.ids);
          check('sentencepiece.offsets', sentencePiece.offsets, () => encoded.offsets);
        }
      }
    } catch (error) {
      ok = false;
      report.failed.push({ id: testCase.id, field: 'error', expected: null, actual: (error as Error).message });
    }
    if (ok) report.passed += 1;
  }
  return report;
}

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AlbertTokenizerFast,
  type FastEncodeBatchOptions,
  type FastTokenizerBatchEncoding,
} from './albert-tokenizer-fast.js';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const fixtures = here('../../../../fixtures/');

interface WindowCall {
  readonly text?: string | readonly string[];
  readonly text_pair?: string | readonly string[];
  readonly batch?: ReadonlyArray<string | readonly string[]>;
  readonly batch_pairs?: readonly string[] | null;
  readonly truncation?: 'longest_first' | 'only_first' | 'only_second';
  readonly max_length?: number;
  readonly stride?: number;
  readonly padding?: 'longest' | 'max_length';
  readonly is_split_into_words?: boolean;
  readonly truncation_side?: 'left' | 'right';
}

interface WindowCase {
  readonly id: string;
  readonly call: WindowCall;
  readonly expected: Record<string, unknown>;
}

const caseFile = JSON.parse(readFileSync(`${fixtures}tokenizers/cases-fast-windows-demo.json`, 'utf8')) as {
  cases: WindowCase[];
};
const json = readFileSync(`${fixtures}pipelines/tokenizer/tokenizer.json`, 'utf8');
const spiece = new Uint8Array(readFileSync(`${fixtures}pipelines/tokenizer/spiece.model`));
const baseJsonPath = here('../../../../../shared/third-party/tokenizers/albert-base-v2/tokenizer.json');
const haveBase = existsSync(baseJsonPath);
if (!haveBase)
  console.warn(
    `skipping the albert-base-v2 window cases: ${baseJsonPath} is absent (third-party vocabularies live only in ../shared)`,
  );

function run(tokenizer: AlbertTokenizerFast, call: WindowCall): Record<string, unknown> {
  const options: FastEncodeBatchOptions = {
    ...(call.truncation === undefined ? {} : { truncation: call.truncation }),
    ...(call.max_length === undefined ? {} : { maxLength: call.max_length }),
    ...(call.stride === undefined ? {} : { stride: call.stride, returnOverflowingTokens: true }),
    ...(call.padding === undefined ? {} : { padding: call.padding }),
    ...(call.is_split_into_words === undefined ? {} : { isSplitIntoWords: call.is_split_into_words }),
  };
  const inputs = call.batch ?? [call.text ?? ''];
  const pairs =
    call.batch !== undefined
      ? (call.batch_pairs ?? undefined)
      : call.text_pair === undefined
        ? undefined
        : [call.text_pair];
  const batch: FastTokenizerBatchEncoding = tokenizer.encodeBatch(inputs, {
    ...options,
    ...(pairs === undefined ? {} : { textPairs: pairs }),
  });
  const result: Record<string, unknown> = {
    input_ids: batch.inputIds,
    token_type_ids: batch.tokenTypeIds,
    attention_mask: batch.attentionMask,
    special_tokens_mask: batch.specialTokensMask,
    offset_mapping: batch.offsets,
    word_ids: batch.wordIds,
    sequence_ids: batch.sequenceIds,
  };
  if (batch.overflowToSampleMapping !== undefined) result['overflow_to_sample_mapping'] = batch.overflowToSampleMapping;
  return result;
}

function check(
  cases: readonly WindowCase[],
  make: (side: 'left' | 'right') => AlbertTokenizerFast,
  name: string,
): void {
  const bySide = { left: make('left'), right: make('right') };
  const failures: string[] = [];
  let identical = 0;
  for (const testCase of cases) {
    const actual = run(bySide[testCase.call.truncation_side ?? 'right'], testCase.call);
    const fields = Object.keys(testCase.expected);
    const wrong = fields.filter((field) => JSON.stringify(actual[field]) !== JSON.stringify(testCase.expected[field]));
    if (wrong.length === 0 && Object.keys(actual).length === fields.length) identical++;
    else if (failures.length < 8) {
      const shown = wrong.map(
        (field) =>
          `${JSON.stringify(actual[field]).slice(0, 300)} vs ${JSON.stringify(testCase.expected[field]).slice(0, 300)}`,
      );
      failures.push(`${testCase.id} ${wrong.join(',')}: ${shown.join(' | ')}`);
    }
  }
  console.log(`windows (${name}): ${identical}/${cases.length} cases identical`);
  expect(failures).toEqual([]);
  expect(identical).toBe(cases.length);
}

describe('AlbertTokenizerFast windows, word ids, sequence ids and pre-tokenized input', () => {
  it('matches the Rust library on every case of cases-fast-windows-demo.json, from tokenizer.json', () => {
    check(
      caseFile.cases,
      (side) => AlbertTokenizerFast.fromJSON(json, { truncationSide: side }),
      'demo tokenizer.json',
    );
  });

  it('matches the Rust library on every case of cases-fast-windows-demo.json, from the converted spiece.model', () => {
    check(
      caseFile.cases,
      (side) => AlbertTokenizerFast.fromSentencePiece(spiece, { truncationSide: side }),
      'demo spiece.model converted',
    );
  });

  it.skipIf(!haveBase)(
    'matches the Rust library on the older hub layout (albert-base-v2 tokenizer.json, WhitespaceSplit first)',
    () => {
      const baseCases = JSON.parse(
        readFileSync(`${fixtures}tokenizers/cases-fast-windows-albert-base-v2.json`, 'utf8'),
      ) as { cases: WindowCase[] };
      const baseJson = readFileSync(baseJsonPath, 'utf8');
      check(
        baseCases.cases,
        (side) => AlbertTokenizerFast.fromJSON(baseJson, { truncationSide: side }),
        'albert-base-v2 tokenizer.json',
      );
    },
  );
});

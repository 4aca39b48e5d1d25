import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertError } from '@albert-ts/config';
import { AlbertTokenizerFast, type FastTokenizerEncoding } from './albert-tokenizer-fast.js';
import { convertSentencePieceToTokenizerJson } from './convert-sentence-piece-to-tokenizer-json.js';
import { runFastTokenizerCase, type FastTokenizerCase } from './fast-case-runner.js';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const fixtures = here('../../../../fixtures/');
const demoDirectory = `${fixtures}pipelines/tokenizer/`;
const thirdParty = here('../../../../../shared/third-party/tokenizers/albert-base-v2/');
const haveThirdParty = existsSync(`${thirdParty}spiece.model`) && existsSync(`${thirdParty}tokenizer.converted.json`);
if (!haveThirdParty)
  console.warn(
    `skipping the albert-base-v2 converter checks: ${thirdParty} is absent (third-party vocabularies live only in ../shared)`,
  );

interface CaseFile {
  readonly cases: ReadonlyArray<FastTokenizerCase & { readonly fast_converted?: Record<string, unknown> }>;
}

const caseFiles = [
  'cases-albert-base-v2.json',
  'cases-hf-test-sentencepiece.json',
  'cases-hf-test-sentencepiece-bpe.json',
  'cases-hf-test-sentencepiece-bytefallback.json',
].map((name) => [name, JSON.parse(readFileSync(`${fixtures}tokenizers/${name}`, 'utf8')) as CaseFile] as const);

/** Every text (and pair) the pipeline cases feed a tokenizer. */
function pipelineInputs(): Array<[string, string | undefined]> {
  const file = JSON.parse(readFileSync(`${fixtures}pipelines/cases.json`, 'utf8')) as {
    cases: Array<{ inputs: unknown; options?: Record<string, unknown> }>;
  };
  const inputs: Array<[string, string | undefined]> = [];
  for (const testCase of file.cases) {
    const value = testCase.inputs;
    if (typeof value === 'string') inputs.push([value, undefined]);
    else if (Array.isArray(value)) for (const text of value) inputs.push([String(text), undefined]);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (typeof record['text'] === 'string')
        inputs.push([record['text'], typeof record['text_pair'] === 'string' ? record['text_pair'] : undefined]);
      if (typeof record['question'] === 'string' && typeof record['context'] === 'string') {
        inputs.push([record['question'], record['context']], [record['context'], undefined]);
      }
      if (record['sequences'] !== undefined) {
        const sequences = Array.isArray(record['sequences']) ? record['sequences'] : [record['sequences']];
        const labels = Array.isArray(record['candidate_labels'])
          ? record['candidate_labels']
          : [record['candidate_labels']];
        const template =
          typeof testCase.options?.['hypothesis_template'] === 'string'
            ? testCase.options['hypothesis_template']
            : 'This example is {}.';
        for (const sequence of sequences)
          for (const label of labels) inputs.push([String(sequence), template.replace('{}', String(label))]);
      }
    }
  }
  return inputs;
}

/** Every text and pair of the tokenizer case files (all configs). */
function caseFileInputs(): Array<[string, string | undefined]> {
  const inputs: Array<[string, string | undefined]> = [];
  for (const [, file] of caseFiles) {
    for (const testCase of file.cases) {
      if (testCase.text !== undefined) inputs.push([testCase.text, testCase.text_pair]);
      testCase.texts?.forEach((text, index) => inputs.push([text, testCase.text_pairs?.[index]]));
    }
  }
  return inputs;
}

function fields(encoding: FastTokenizerEncoding): unknown {
  const { inputIds, tokenTypeIds, attentionMask, specialTokensMask, offsets, tokens, wordIds, sequenceIds } = encoding;
  return { inputIds, tokenTypeIds, attentionMask, specialTokensMask, offsets, tokens, wordIds, sequenceIds };
}

/** Encodes every input with both tokenizers; returns [compared, identical, first differences]. */
function compareEncodings(
  left: AlbertTokenizerFast,
  right: AlbertTokenizerFast,
  inputs: ReadonlyArray<[string, string | undefined]>,
): [number, number, string[]] {
  let identical = 0;
  const differences: string[] = [];
  for (const [text, pair] of inputs) {
    const options = pair === undefined ? {} : { textPair: pair };
    const a = JSON.stringify(fields(left.encode(text, options)));
    const b = JSON.stringify(fields(right.encode(text, options)));
    if (a === b) identical++;
    else if (differences.length < 5)
      differences.push(`${JSON.stringify(text).slice(0, 80)}: ${a.slice(0, 300)} vs ${b.slice(0, 300)}`);
  }
  return [inputs.length, identical, differences];
}

describe('convertSentencePieceToTokenizerJson on the demo vocabulary (16k)', () => {
  const spiece = new Uint8Array(readFileSync(`${demoDirectory}spiece.model`));
  const expectedJson = JSON.parse(readFileSync(`${demoDirectory}tokenizer.json`, 'utf8')) as Record<string, unknown>;

  it("writes the converter's tokenizer.json (fixtures/pipelines/tokenizer/tokenizer.json)", () => {
    expect(convertSentencePieceToTokenizerJson(spiece)).toEqual(expectedJson);
    expect(AlbertTokenizerFast.fromSentencePiece(spiece).toJSON()).toEqual(expectedJson);
  });

  it('encodes every pipeline text and every tokenizer-case text as the fixture tokenizer.json does', () => {
    const converted = AlbertTokenizerFast.fromSentencePiece(spiece);
    const reference = AlbertTokenizerFast.fromJSON(expectedJson);
    const [pipelineCompared, pipelineIdentical, pipelineDifferences] = compareEncodings(
      converted,
      reference,
      pipelineInputs(),
    );
    const [casesCompared, casesIdentical, casesDifferences] = compareEncodings(converted, reference, caseFileInputs());
    console.log(
      `demo vocabulary: pipeline texts ${pipelineIdentical}/${pipelineCompared} identical; tokenizer-case texts ${casesIdentical}/${casesCompared} identical`,
    );
    expect([...pipelineDifferences, ...casesDifferences]).toEqual([]);
    expect(pipelineCompared).toBeGreaterThan(60);
    expect(casesCompared).toBeGreaterThan(1000);
  });
});

describe('convertSentencePieceToTokenizerJson on albert-base-v2 (30k, third-party)', () => {
  it.skipIf(!haveThirdParty)(
    'writes the converter layout of tokenizer.converted.json and encodes every case identically',
    () => {
      const spiece = new Uint8Array(readFileSync(`${thirdParty}spiece.model`));
      const expectedJson = JSON.parse(readFileSync(`${thirdParty}tokenizer.converted.json`, 'utf8')) as Record<
        string,
        unknown
      >;
      expect(convertSentencePieceToTokenizerJson(spiece)).toEqual(expectedJson);
      const converted = AlbertTokenizerFast.fromSentencePiece(spiece, { modelMaxLength: 512 });
      const reference = AlbertTokenizerFast.fromJSON(expectedJson, { modelMaxLength: 512 });
      const caseFile = caseFiles[0]![1];
      let compared = 0;
      let identical = 0;
      const failures: string[] = [];
      for (const testCase of caseFile.cases) {
        compared++;
        const ours = runFastTokenizerCase(converted, testCase, {});
        const theirs = runFastTokenizerCase(reference, testCase, {});
        if (JSON.stringify(ours.actual) === JSON.stringify(theirs.actual)) identical++;
        else if (failures.length < 5)
          failures.push(
            `${testCase.id}: ${JSON.stringify(ours.actual).slice(0, 300)} vs ${JSON.stringify(theirs.actual).slice(0, 300)}`,
          );
        const expected = testCase.fast_converted;
        if (expected !== undefined) {
          const result = runFastTokenizerCase(converted, testCase, expected);
          for (const [field, passed] of Object.entries(result.fields))
            if (!passed && failures.length < 10) failures.push(`${testCase.id} ${field} differs from Python`);
        }
      }
      console.log(
        `albert-base-v2: ${identical}/${compared} cases identical to tokenizer.converted.json (every field, every case)`,
      );
      expect(failures).toEqual([]);
      expect(compared).toBe(caseFile.cases.length);
    },
  );
});

describe('convertSentencePieceToTokenizerJson options', () => {
  const spiece = new Uint8Array(readFileSync(`${demoDirectory}spiece.model`));

  it("matches transformers' converter under every option of converter-variants-demo.json", () => {
    interface Variant {
      readonly name: string;
      readonly options: Record<string, unknown>;
      readonly expected: Record<string, unknown>;
    }
    const variants = JSON.parse(readFileSync(`${fixtures}tokenizers/converter-variants-demo.json`, 'utf8')) as {
      cases: Variant[];
    };
    const camel = (name: string): string => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    for (const variant of variants.cases) {
      const options = Object.fromEntries(Object.entries(variant.options).map(([key, value]) => [camel(key), value]));
      const json = convertSentencePieceToTokenizerJson(spiece, options) as unknown as Record<string, unknown>;
      const model = { ...(json['model'] as Record<string, unknown>) };
      delete model['vocab'];
      const normalizer = json['normalizer'] as { normalizers: Array<Record<string, unknown>> };
      const steps = normalizer.normalizers.map((step) =>
        step['type'] === 'Precompiled' ? { ...step, precompiled_charsmap: '(omitted)' } : step,
      );
      expect({ ...json, model, normalizer: { ...normalizer, normalizers: steps } }, variant.name).toEqual(
        variant.expected,
      );
    }
    expect(variants.cases.length).toBe(5);
  });

  it('follows doLowerCase and keepAccents as the converter does', () => {
    const json = convertSentencePieceToTokenizerJson(spiece, { doLowerCase: false, keepAccents: true });
    const types = (json.normalizer?.['normalizers'] as Array<{ type: string }>).map((step) => step.type);
    expect(types).toEqual(['Replace', 'Replace', 'Precompiled', 'Replace']);
    const tokenizer = AlbertTokenizerFast.fromSentencePiece(spiece, { doLowerCase: false, keepAccents: true });
    expect(tokenizer.tokenize('Café')).not.toEqual(AlbertTokenizerFast.fromSentencePiece(spiece).tokenize('Café'));
  });

  it('adds a special token that is not in the vocabulary after it, and applies the configured flags', () => {
    const json = convertSentencePieceToTokenizerJson(spiece, {
      additionalSpecialTokens: ['<new>'],
      maskToken: { content: '[MASK]', lstrip: false },
    });
    const added = json.added_tokens;
    expect(added.at(-1)).toEqual({
      id: 16000,
      content: '<new>',
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    expect(added.find((token) => token.content === '[MASK]')?.lstrip).toBe(false);
  });

  it('refuses unknown options naming the right spelling, and corrupt models with typed errors', () => {
    const error = (action: () => unknown): AlbertError => {
      try {
        action();
      } catch (caught) {
        if (caught instanceof AlbertError) return caught;
        throw caught;
      }
      throw new Error('expected a TokenizerError');
    };
    expect(error(() => convertSentencePieceToTokenizerJson(spiece, { do_lower_case: false } as never)).message).toMatch(
      /do_lower_case is spelled doLowerCase/,
    );
    expect(error(() => AlbertTokenizerFast.fromSentencePiece(spiece, { keep_accents: true } as never)).code).toBe(
      'OPTIONS_UNKNOWN_KEY',
    );
    expect(error(() => convertSentencePieceToTokenizerJson(new Uint8Array([1, 2, 3]))).code).toBe(
      'TOKENIZER_MODEL_CORRUPT',
    );
  });
});

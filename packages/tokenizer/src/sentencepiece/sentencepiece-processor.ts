import { TokenizerError } from '../tokenizer-error.js';
import { parseModelProto, type SentencePieceModelProto, type SentencePieceModelType } from './model-proto.js';
import { SentencePieceNormalizer } from './normalizer.js';
import { PrecompiledCharsmap } from './precompiled-charsmap.js';
import { BpeModel, CharModel, WordModel } from './bpe-model.js';
import {
  PieceTypeCode,
  SegmentList,
  SentencePieceVocabulary,
  type SentencePieceModel,
} from './sentencepiece-vocabulary.js';
import { UnigramModel } from './unigram-model.js';
import { byteToCharOffsets, decodeUtf8, validUtf8CharLength } from './utf8.js';

/** Unit of character offsets. */
export type OffsetUnit = 'codePoint' | 'utf16';

/** Result of {@link SentencePieceProcessor.encode}. */
export interface SentencePieceEncoding {
  /** Pieces (unknown characters as their surface, consecutive unknowns merged; `<0xNN>` with byte fallback). */
  readonly pieces: string[];
  /** Vocabulary ids. */
  readonly ids: number[];
  /** `[start, end)` of each piece in the input text (code points by default, as sentencepiece reports them). */
  readonly offsets: Array<[number, number]>;
}

/** Options of {@link SentencePieceProcessor.encode}. */
export interface SentencePieceEncodeOptions {
  /** Unit of `offsets`: `codePoint` (default) or `utf16` (JavaScript string indices). */
  readonly offsetUnit?: OffsetUnit;
}

const byteHex = Array.from({ length: 256 }, (_, byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
const decoder = new TextDecoder('utf-8');

/**
 * A SentencePiece model ready to encode and decode — the TypeScript counterpart of the C++
 * `SentencePieceProcessor` (unigram, BPE, word and char models; byte fallback; user-defined symbols).
 *
 * ```ts
 * const processor = SentencePieceProcessor.fromBytes(bytes, { file: 'spiece.model' });
 * processor.encode('Hello world'); // { pieces: ['▁hello', '▁world'], ids: [...], offsets: [[0, 5], [5, 11]] }
 * ```
 */
export class SentencePieceProcessor {
  /** The parsed model. */
  readonly modelProto: SentencePieceModelProto;
  /** The model's vocabulary in lookup form. */
  readonly vocabulary: SentencePieceVocabulary;
  /** The normalizer (charsmap, whitespace rules) with its alignment. */
  readonly normalizer: SentencePieceNormalizer;
  /** File name used in messages. */
  readonly file: string;
  private readonly model: SentencePieceModel;
  private readonly denormalizer: SentencePieceNormalizer | null;
  private readonly segments = new SegmentList();
  private offsetScratch = new Int32Array(1024);

  /**
   * @param modelProto - a parsed model (see {@link parseModelProto}).
   * @param options - `file`: name used in error messages.
   */
  constructor(modelProto: SentencePieceModelProto, options: { file?: string } = {}) {
    this.file = options.file ?? 'spiece.model';
    this.modelProto = modelProto;
    this.vocabulary = new SentencePieceVocabulary(modelProto);
    const trainer = modelProto.trainerSpec;
    this.normalizer = new SentencePieceNormalizer(modelProto.normalizerSpec, {
      charsmap: PrecompiledCharsmap.fromBytes(modelProto.normalizerSpec.precompiledCharsmap, { file: this.file }),
      userDefinedSymbols: this.vocabulary.userDefinedTrie,
      treatWhitespaceAsSuffix: trainer.treatWhitespaceAsSuffix,
      file: this.file,
    });
    this.denormalizer =
      modelProto.denormalizerSpec === null
        ? null
        : new SentencePieceNormalizer(modelProto.denormalizerSpec, { file: this.file });
    switch (trainer.modelType) {
      case 'unigram':
        this.model = new UnigramModel(this.vocabulary);
        break;
      case 'bpe':
        this.model = new BpeModel(this.vocabulary);
        break;
      case 'char':
        this.model = new CharModel(this.vocabulary);
        break;
      case 'word':
        this.model = new WordModel(this.vocabulary, trainer);
        break;
      default:
        throw new TokenizerError(
          'TOKENIZER_UNSUPPORTED_MODEL',
          `${this.file}: unsupported model type ${String(trainer.modelType)}`,
          {
            file: this.file,
            field: 'trainer_spec.model_type',
            value: trainer.modelType,
          },
        );
    }
  }

  /**
   * Parses the bytes of a `.model` file.
   * @throws TokenizerError for corrupt bytes or an unsupported model type.
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer, options: { file?: string } = {}): SentencePieceProcessor {
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
    return new SentencePieceProcessor(parseModelProto(view, options), options);
  }

  /** Segmentation algorithm. */
  get modelType(): SentencePieceModelType {
    return this.modelProto.trainerSpec.modelType;
  }

  /** Number of pieces (`GetPieceSize`). */
  get vocabSize(): number {
    return this.vocabulary.size;
  }

  /** Id of the unknown piece. */
  get unkId(): number {
    return this.vocabulary.unkId;
  }

  /** Id of the BOS piece, or -1 when the model has none. */
  get bosId(): number {
    return this.reservedId(this.modelProto.trainerSpec.bosPiece);
  }

  /** Id of the EOS piece, or -1 when the model has none. */
  get eosId(): number {
    return this.reservedId(this.modelProto.trainerSpec.eosPiece);
  }

  /** Id of the padding piece, or -1 when the model has none. */
  get padId(): number {
    return this.reservedId(this.modelProto.trainerSpec.padPiece);
  }

  private reservedId(piece: string): number {
    const id = this.vocabulary.pieceToId(piece);
    return id === this.vocabulary.unkId && piece !== this.vocabulary.pieces[id] ? -1 : id;
  }

  /** Id of `piece`, or the unknown id when it is not in the vocabulary (`PieceToId`). */
  pieceToId(piece: string): number {
    return this.vocabulary.pieceToId(piece);
  }

  /**
   * Piece of `id` (`IdToPiece`).
   * @throws TokenizerError when `id` is out of range.
   */
  idToPiece(id: number): string {
    const piece = this.vocabulary.pieces[id];
    if (piece === undefined) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `${this.file}: piece id ${id} is out of range [0, ${this.vocabSize})`,
        {
          file: this.file,
          value: id,
        },
      );
    }
    return piece;
  }

  /** Score of `id`. */
  getScore(id: number): number {
    return this.vocabulary.scores[id] ?? 0;
  }

  /** True for the unknown piece. */
  isUnknown(id: number): boolean {
    return this.vocabulary.types[id] === PieceTypeCode.unknown;
  }

  /** True for control pieces (`<s>`, `</s>`, ...). */
  isControl(id: number): boolean {
    return this.vocabulary.types[id] === PieceTypeCode.control;
  }

  /** True for unused pieces. */
  isUnused(id: number): boolean {
    return this.vocabulary.types[id] === PieceTypeCode.unused;
  }

  /** True for byte pieces `<0xNN>`. */
  isByte(id: number): boolean {
    return this.vocabulary.types[id] === PieceTypeCode.byte;
  }

  /** True for user-defined pieces. */
  isUserDefined(id: number): boolean {
    return this.vocabulary.types[id] === PieceTypeCode.userDefined;
  }

  /** Normalizes `text` as the model does before segmentation. */
  normalize(text: string): string {
    this.checkText(text);
    return this.normalizer.normalize(text);
  }

  private checkText(text: unknown): asserts text is string {
    if (typeof text !== 'string') {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `text to encode must be a string, got ${text === null ? 'null' : typeof text}`,
        {
          file: this.file,
          value: typeof text,
        },
      );
    }
  }

  /**
   * Encodes `text`: normalization, segmentation, then SentencePiece's post-processing (consecutive
   * unknown pieces merged, or byte fallback), with offsets into `text`.
   * @throws TokenizerError when `text` is not a string.
   */
  encode(text: string, options: SentencePieceEncodeOptions = {}): SentencePieceEncoding {
    this.checkText(text);
    const pieces: string[] = [];
    const ids: number[] = [];
    const byteOffsets: number[] = [];
    const normalized = this.normalizer.normalizeBytes(text);
    this.encodeNormalized(normalized.normalized, normalized.length, normalized.normToOrig, pieces, ids, byteOffsets);
    if (this.offsetScratch.length < normalized.inputLength + 1)
      this.offsetScratch = new Int32Array(Math.max(normalized.inputLength + 1, this.offsetScratch.length * 2));
    const map = byteToCharOffsets(
      normalized.input,
      normalized.inputLength,
      options.offsetUnit ?? 'codePoint',
      this.offsetScratch,
    );
    const offsets: Array<[number, number]> = new Array<[number, number]>(ids.length);
    for (let index = 0; index < ids.length; index += 1) {
      offsets[index] = [map[byteOffsets[2 * index]!]!, map[byteOffsets[2 * index + 1]!]!];
    }
    return { pieces, ids, offsets };
  }

  /** Encodes `text` to pieces only. */
  encodeAsPieces(text: string): string[] {
    this.checkText(text);
    const pieces: string[] = [];
    const ids: number[] = [];
    const normalized = this.normalizer.normalizeBytes(text);
    this.encodeNormalized(normalized.normalized, normalized.length, normalized.normToOrig, pieces, ids, null);
    return pieces;
  }

  /** Encodes `text` to ids only. */
  encodeAsIds(text: string): number[] {
    this.checkText(text);
    const pieces: string[] = [];
    const ids: number[] = [];
    const normalized = this.normalizer.normalizeBytes(text);
    this.encodeNormalized(normalized.normalized, normalized.length, normalized.normToOrig, pieces, ids, null);
    return ids;
  }

  /**
   * Segments normalized UTF-8 and appends pieces, ids and (when `byteOffsets` is given) the input
   * byte span `[begin, end)` of each piece, as `PopulateSentencePieceText` does.
   */
  private encodeNormalized(
    normalized: Uint8Array,
    length: number,
    normToOrig: Int32Array,
    pieces: string[],
    ids: number[],
    byteOffsets: number[] | null,
  ): void {
    const segments = this.segments;
    this.model.encode(normalized, length, segments);
    const vocabulary = this.vocabulary;
    const types = vocabulary.types;
    const pieceStrings = vocabulary.pieces;
    const byteFallback = vocabulary.byteFallback;
    let previousUnknown = false;
    for (let index = 0; index < segments.count; index += 1) {
      const start = segments.starts[index]!;
      const end = segments.ends[index]!;
      const id = segments.ids[index]!;
      const type = types[id]!;
      const unknown = type === PieceTypeCode.unknown;
      if (type === PieceTypeCode.control) {
        pieces.push(pieceStrings[id]!);
        ids.push(id);
        byteOffsets?.push(normToOrig[start]!, normToOrig[start]!);
      } else if (unknown && byteFallback) {
        const begin = normToOrig[start]!;
        const finish = normToOrig[end]!;
        for (let position = start; position < end; position += 1) {
          const byte = normalized[position]!;
          pieces.push(byteHex[byte]!);
          ids.push(vocabulary.byteIds[byte]! >= 0 ? vocabulary.byteIds[byte]! : vocabulary.unkId);
          byteOffsets?.push(begin, position === end - 1 ? finish : begin);
        }
      } else if (unknown && previousUnknown) {
        const last = pieces.length - 1;
        pieces[last] = pieces[last]! + decodeUtf8(normalized, start, end);
        if (byteOffsets !== null) byteOffsets[2 * last + 1] = normToOrig[end]!;
      } else {
        pieces.push(unknown ? decodeUtf8(normalized, start, end) : pieceStrings[id]!);
        ids.push(id);
        byteOffsets?.push(normToOrig[start]!, normToOrig[end]!);
      }
      previousUnknown = unknown;
    }
  }

  /**
   * Decodes ids or pieces back to text (`DecodeIds` / `DecodePieces`): control pieces vanish, `<unk>`
   * becomes the unknown surface (` ⁇ `), runs of byte pieces are decoded as UTF-8 (bad bytes → U+FFFD),
   * `▁` becomes a space and the leading space of the first piece(s) is dropped.
   * @throws TokenizerError for an id out of range or a non-array input.
   */
  decode(input: readonly number[] | readonly string[]): string {
    if (!Array.isArray(input)) {
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', 'decode expects an array of ids or pieces', {
        file: this.file,
        value: typeof input,
      });
    }
    const pieces: string[] = input.map((item: number | string) =>
      typeof item === 'number' ? this.idToPiece(item) : String(item),
    );
    return this.decodePieces(pieces);
  }

  /** Decodes pieces (see {@link decode}). */
  decodePieces(pieces: readonly string[]): string {
    const vocabulary = this.vocabulary;
    const normalizerSpec = this.modelProto.normalizerSpec;
    const stripBos = normalizerSpec.addDummyPrefix || normalizerSpec.removeExtraWhitespaces;
    const unkSurface = this.modelProto.trainerSpec.unkSurface;
    let text = '';
    let isBosWhitespace = true;
    let bosWhitespaceSeen = false;
    let byteRun: number[] = [];
    const flushBytes = (): void => {
      if (byteRun.length === 0) return;
      text += decodeByteRun(byteRun);
      byteRun = [];
    };
    for (const piece of pieces) {
      const id = vocabulary.pieceToId(piece);
      const type = vocabulary.types[id];
      if (type === PieceTypeCode.byte) {
        byteRun.push(Number.parseInt(piece.slice(3, 5), 16));
        continue;
      }
      flushBytes();
      if (bosWhitespaceSeen || text.length > 0) isBosWhitespace = false;
      let surface: string;
      bosWhitespaceSeen = false;
      if (type === PieceTypeCode.control) {
        surface = '';
      } else if (type === PieceTypeCode.unknown) {
        surface = vocabulary.pieces[id] === piece ? unkSurface : piece;
      } else {
        let body = piece;
        if (isBosWhitespace && stripBos && body.startsWith('\u2581')) {
          body = body.slice(1);
          bosWhitespaceSeen = !normalizerSpec.removeExtraWhitespaces;
        }
        surface = body.replaceAll('\u2581', ' ');
      }
      text += surface;
    }
    flushBytes();
    if (this.denormalizer !== null) text = this.denormalizer.normalize(text);
    return text;
  }
}

/** Decodes a run of byte-piece values as SentencePiece does: valid UTF-8 characters, else U+FFFD per bad byte. */
function decodeByteRun(bytes: readonly number[]): string {
  const array = Uint8Array.from(bytes);
  // One U+FFFD per bad byte, as SentencePiece does (TextDecoder would use maximal subparts).
  let text = '';
  let offset = 0;
  while (offset < array.length) {
    const length = validUtf8CharLength(array, offset, array.length);
    if (length === 0) {
      text += '\ufffd';
      offset += 1;
    } else {
      text += decoder.decode(array.subarray(offset, offset + length));
      offset += length;
    }
  }
  return text;
}

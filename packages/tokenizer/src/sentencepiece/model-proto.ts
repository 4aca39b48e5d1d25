import { TokenizerError } from '../tokenizer-error.js';
import { ProtobufReader, WireType } from './protobuf-reader.js';

/** Type of a SentencePiece vocabulary entry (`ModelProto.SentencePiece.Type`). */
export type SentencePieceType = 'normal' | 'unknown' | 'control' | 'userDefined' | 'unused' | 'byte';

/** Segmentation algorithm of a SentencePiece model (`TrainerSpec.ModelType`). */
export type SentencePieceModelType = 'unigram' | 'bpe' | 'word' | 'char';

/** One vocabulary entry: the piece, its score (log probability for unigram) and its type. */
export interface SentencePieceEntry {
  readonly piece: string;
  readonly score: number;
  readonly type: SentencePieceType;
}

/** The `TrainerSpec` fields that matter when encoding and decoding (others are kept in `raw`-free form). */
export interface SentencePieceTrainerSpec {
  readonly modelType: SentencePieceModelType;
  readonly vocabSize: number;
  readonly unkId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly unkPiece: string;
  readonly bosPiece: string;
  readonly eosPiece: string;
  readonly padPiece: string;
  /** Surface of `<unk>` when decoding (default `" ⁇ "`). */
  readonly unkSurface: string;
  readonly byteFallback: boolean;
  readonly treatWhitespaceAsSuffix: boolean;
  readonly allowWhitespaceOnlyPieces: boolean;
  readonly splitByUnicodeScript: boolean;
  readonly splitByNumber: boolean;
  readonly splitByWhitespace: boolean;
  readonly splitDigits: boolean;
  readonly maxSentencepieceLength: number;
  readonly controlSymbols: readonly string[];
  readonly userDefinedSymbols: readonly string[];
}

/** `NormalizerSpec`: the normalization rules stored in the model. */
export interface SentencePieceNormalizerSpec {
  /** Rule name (`nmt_nfkc`, `identity`, ...); informational. */
  readonly name: string;
  /** The compiled character map (darts-clone trie + replacement blob); empty for identity. */
  readonly precompiledCharsmap: Uint8Array;
  readonly addDummyPrefix: boolean;
  readonly removeExtraWhitespaces: boolean;
  readonly escapeWhitespaces: boolean;
  readonly normalizationRuleTsv: string;
}

/** A parsed SentencePiece `ModelProto` (`*.model` file). */
export interface SentencePieceModelProto {
  readonly pieces: readonly SentencePieceEntry[];
  readonly trainerSpec: SentencePieceTrainerSpec;
  readonly normalizerSpec: SentencePieceNormalizerSpec;
  /** Present only when the model has a denormalizer with a non-empty charsmap. */
  readonly denormalizerSpec: SentencePieceNormalizerSpec | null;
}

const pieceTypes: Record<number, SentencePieceType> = {
  1: 'normal',
  2: 'unknown',
  3: 'control',
  4: 'userDefined',
  5: 'unused',
  6: 'byte',
};

const modelTypes: Record<number, SentencePieceModelType> = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' };

function parsePiece(reader: ProtobufReader): SentencePieceEntry {
  let piece = '';
  let score = 0;
  let type: SentencePieceType = 'normal';
  while (!reader.done) {
    const [field, wire] = reader.readTag();
    if (field === 1) {
      reader.expect('piece', wire, WireType.lengthDelimited);
      piece = reader.readString();
    } else if (field === 2) {
      reader.expect('score', wire, WireType.fixed32);
      score = reader.readFloat();
    } else if (field === 3) {
      reader.expect('type', wire, WireType.varint);
      const code = reader.readInt32();
      const name = pieceTypes[code];
      if (name === undefined) reader.fail(`unknown piece type ${code} for piece ${JSON.stringify(piece)}`);
      type = name;
    } else {
      reader.skip(wire);
    }
  }
  return { piece, score, type };
}

function parseTrainerSpec(reader: ProtobufReader): SentencePieceTrainerSpec {
  let modelTypeCode = 1;
  const spec = {
    vocabSize: 8000,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    unkPiece: '<unk>',
    bosPiece: '<s>',
    eosPiece: '</s>',
    padPiece: '<pad>',
    unkSurface: ' \u2047 ',
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    allowWhitespaceOnlyPieces: false,
    splitByUnicodeScript: true,
    splitByNumber: true,
    splitByWhitespace: true,
    splitDigits: false,
    maxSentencepieceLength: 16,
    controlSymbols: [] as string[],
    userDefinedSymbols: [] as string[],
  };
  while (!reader.done) {
    const [field, wire] = reader.readTag();
    const varint = wire === WireType.varint;
    const text = wire === WireType.lengthDelimited;
    switch (field) {
      case 3:
        reader.expect('model_type', wire, WireType.varint);
        modelTypeCode = reader.readInt32();
        break;
      case 4: if (varint) spec.vocabSize = reader.readInt32(); else reader.skip(wire); break;
      case 40: if (varint) spec.unkId = reader.readInt32(); else reader.skip(wire); break;
      case 41: if (varint) spec.bosId = reader.readInt32(); else reader.skip(wire); break;
      case 42: if (varint) spec.eosId = reader.readInt32(); else reader.skip(wire); break;
      case 43: if (varint) spec.padId = reader.readInt32(); else reader.skip(wire); break;
      case 45: if (text) spec.unkPiece = reader.readString(); else reader.skip(wire); break;
      case 46: if (text) spec.bosPiece = reader.readString(); else reader.skip(wire); break;
      case 47: if (text) spec.eosPiece = reader.readString(); else reader.skip(wire); break;
      case 48: if (text) spec.padPiece = reader.readString(); else reader.skip(wire); break;
      case 44: if (text) spec.unkSurface = reader.readString(); else reader.skip(wire); break;
      case 35: if (varint) spec.byteFallback = reader.readBool(); else reader.skip(wire); break;
      case 24: if (varint) spec.treatWhitespaceAsSuffix = reader.readBool(); else reader.skip(wire); break;
      case 26: if (varint) spec.allowWhitespaceOnlyPieces = reader.readBool(); else reader.skip(wire); break;
      case 21: if (varint) spec.splitByUnicodeScript = reader.readBool(); else reader.skip(wire); break;
      case 23: if (varint) spec.splitByNumber = reader.readBool(); else reader.skip(wire); break;
      case 22: if (varint) spec.splitByWhitespace = reader.readBool(); else reader.skip(wire); break;
      case 25: if (varint) spec.splitDigits = reader.readBool(); else reader.skip(wire); break;
      case 20: if (varint) spec.maxSentencepieceLength = reader.readInt32(); else reader.skip(wire); break;
      case 30: if (text) spec.controlSymbols.push(reader.readString()); else reader.skip(wire); break;
      case 31: if (text) spec.userDefinedSymbols.push(reader.readString()); else reader.skip(wire); break;
      default:
        reader.skip(wire);
    }
  }
  const modelType = modelTypes[modelTypeCode];
  if (modelType === undefined) {
    throw new TokenizerError(
      'TOKENIZER_UNSUPPORTED_MODEL',
      `${reader.file}: unsupported SentencePiece model type ${modelTypeCode} (supported: 1 unigram, 2 bpe, 3 word, 4 char)`,
      { file: reader.file, field: 'trainer_spec.model_type', value: modelTypeCode },
    );
  }
  return { ...spec, modelType };
}

function parseNormalizerSpec(reader: ProtobufReader): SentencePieceNormalizerSpec {
  let name = '';
  let precompiledCharsmap: Uint8Array = new Uint8Array(0);
  let addDummyPrefix = true;
  let removeExtraWhitespaces = true;
  let escapeWhitespaces = true;
  let normalizationRuleTsv = '';
  while (!reader.done) {
    const [field, wire] = reader.readTag();
    if (field === 1 && wire === WireType.lengthDelimited) name = reader.readString();
    else if (field === 2 && wire === WireType.lengthDelimited) precompiledCharsmap = reader.readBytes();
    else if (field === 3 && wire === WireType.varint) addDummyPrefix = reader.readBool();
    else if (field === 4 && wire === WireType.varint) removeExtraWhitespaces = reader.readBool();
    else if (field === 5 && wire === WireType.varint) escapeWhitespaces = reader.readBool();
    else if (field === 6 && wire === WireType.lengthDelimited) normalizationRuleTsv = reader.readString();
    else reader.skip(wire);
  }
  return { name, precompiledCharsmap, addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces, normalizationRuleTsv };
}

function modelError(file: string, problem: string, details: Record<string, unknown> = {}): TokenizerError {
  return new TokenizerError('TOKENIZER_MODEL_CORRUPT', `${file}: invalid SentencePiece model: ${problem}`, { file, problem, ...details });
}

/**
 * Parses a SentencePiece `ModelProto` (the bytes of a `*.model` file such as ALBERT's
 * `spiece.model`) with a minimal protobuf reader, then checks it as SentencePiece does when it loads
 * a model (non-empty unique pieces, exactly one unknown piece, 256 byte pieces when byte fallback is on).
 *
 * @param bytes - the file contents.
 * @param options - `file`: name used in error messages (default `spiece.model`).
 * @throws TokenizerError `TOKENIZER_MODEL_CORRUPT` for truncated/corrupt bytes or an inconsistent
 *   model, `TOKENIZER_UNSUPPORTED_MODEL` for an unknown model type.
 */
export function parseModelProto(bytes: Uint8Array, options: { file?: string } = {}): SentencePieceModelProto {
  const file = options.file ?? 'spiece.model';
  if (!(bytes instanceof Uint8Array)) {
    throw new TokenizerError('TOKENIZER_INVALID_INPUT', `${file}: model bytes must be a Uint8Array`, { file, value: typeof bytes });
  }
  const reader = new ProtobufReader(bytes, 0, bytes.length, file, 'ModelProto');
  const pieces: SentencePieceEntry[] = [];
  let trainerSpec: SentencePieceTrainerSpec | null = null;
  let normalizerSpec: SentencePieceNormalizerSpec | null = null;
  let denormalizerSpec: SentencePieceNormalizerSpec | null = null;
  while (!reader.done) {
    const [field, wire] = reader.readTag();
    if (field === 1) {
      reader.expect('pieces', wire, WireType.lengthDelimited);
      pieces.push(parsePiece(reader.readMessage('ModelProto.SentencePiece')));
    } else if (field === 2) {
      reader.expect('trainer_spec', wire, WireType.lengthDelimited);
      trainerSpec = parseTrainerSpec(reader.readMessage('TrainerSpec'));
    } else if (field === 3) {
      reader.expect('normalizer_spec', wire, WireType.lengthDelimited);
      normalizerSpec = parseNormalizerSpec(reader.readMessage('NormalizerSpec'));
    } else if (field === 5) {
      reader.expect('denormalizer_spec', wire, WireType.lengthDelimited);
      denormalizerSpec = parseNormalizerSpec(reader.readMessage('DenormalizerSpec'));
    } else {
      reader.skip(wire);
    }
  }
  if (pieces.length === 0) throw modelError(file, 'the model has no pieces (not a SentencePiece model?)');
  trainerSpec ??= parseTrainerSpec(new ProtobufReader(new Uint8Array(0), 0, 0, file, 'TrainerSpec'));
  normalizerSpec ??= parseNormalizerSpec(new ProtobufReader(new Uint8Array(0), 0, 0, file, 'NormalizerSpec'));
  if (denormalizerSpec !== null && denormalizerSpec.precompiledCharsmap.length === 0) denormalizerSpec = null;

  const seenNormal = new Set<string>();
  const seenReserved = new Set<string>();
  let unkCount = 0;
  const bytesFound = new Uint8Array(256);
  for (let id = 0; id < pieces.length; id += 1) {
    const entry = pieces[id]!;
    if (entry.piece.length === 0) throw modelError(file, `piece ${id} is empty`, { id });
    const normal = entry.type === 'normal' || entry.type === 'userDefined' || entry.type === 'unused';
    const seen = normal ? seenNormal : seenReserved;
    if (seen.has(entry.piece)) throw modelError(file, `piece ${JSON.stringify(entry.piece)} (id ${id}) is already defined`, { id, value: entry.piece });
    seen.add(entry.piece);
    if (entry.type === 'unknown') unkCount += 1;
    if (entry.type === 'byte') {
      if (!trainerSpec.byteFallback) throw modelError(file, `byte piece ${entry.piece} found although byte_fallback is false`, { id, value: entry.piece });
      const match = /^<0x([0-9A-F]{2})>$/.exec(entry.piece);
      if (match === null) throw modelError(file, `byte piece ${JSON.stringify(entry.piece)} is invalid`, { id, value: entry.piece });
      bytesFound[Number.parseInt(match[1]!, 16)] = 1;
    }
  }
  if (unkCount === 0) throw modelError(file, 'no unknown piece (<unk>) is defined', { field: 'pieces' });
  if (unkCount > 1) throw modelError(file, 'more than one unknown piece is defined', { field: 'pieces' });
  if (trainerSpec.byteFallback && bytesFound.includes(0)) throw modelError(file, 'byte_fallback is true but there are not 256 byte pieces', { field: 'pieces' });
  return { pieces, trainerSpec, normalizerSpec, denormalizerSpec };
}

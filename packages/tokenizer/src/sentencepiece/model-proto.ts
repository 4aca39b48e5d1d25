import { TokenizerError } from '../tokenizer-error.js';
import { ProtobufReader, WireType } from './protobuf-reader.js';

/** Type of a SentencePiece vocabulary entry (`ModelProto.SentencePiece.Type`). */
export type SentencePieceType = 'normal' | 'unknown' | 'control' | 'userDefined' | 'unused' | 'byte';

/** Segmentation algorithm of a SentencePiece model (`TrainerSpec.ModelType`). */
export type SentencePieceModelType = 'unigram' | 'bpe' | 'word' | 'char';

/** One vocabulary entry: the piece, its score (log probability for unigram) and its type. */
export interface SentencePieceEntry {
  /** The piece text, with `▁` (U+2581) standing for a space (`SentencePiece.piece`). */
  readonly piece: string;
  /** Score (`SentencePiece.score`): log probability for unigram models, merge priority for BPE; 0 when absent. */
  readonly score: number;
  /** Entry type (`SentencePiece.type`); `normal` when absent. */
  readonly type: SentencePieceType;
}

/** The `TrainerSpec` fields that matter when encoding and decoding (others are kept in `raw`-free form). */
export interface SentencePieceTrainerSpec {
  /** Segmentation algorithm (`model_type`, default `unigram`). */
  readonly modelType: SentencePieceModelType;
  /** Vocabulary size the model was trained for (`vocab_size`, default 8000); ALBERT's `spiece.model` has 30000. */
  readonly vocabSize: number;
  /** Id of the unknown piece (`unk_id`, default 0). */
  readonly unkId: number;
  /** Id of the begin-of-sentence piece (`bos_id`, default 1; -1 when disabled). */
  readonly bosId: number;
  /** Id of the end-of-sentence piece (`eos_id`, default 2; -1 when disabled). */
  readonly eosId: number;
  /** Id of the padding piece (`pad_id`, default -1: disabled). */
  readonly padId: number;
  /** Text of the unknown piece (`unk_piece`, default `<unk>`). */
  readonly unkPiece: string;
  /** Text of the begin-of-sentence piece (`bos_piece`, default `<s>`). */
  readonly bosPiece: string;
  /** Text of the end-of-sentence piece (`eos_piece`, default `</s>`). */
  readonly eosPiece: string;
  /** Text of the padding piece (`pad_piece`, default `<pad>`). */
  readonly padPiece: string;
  /** Surface of `<unk>` when decoding (default `" ⁇ "`). */
  readonly unkSurface: string;
  /** Unknown text is encoded as UTF-8 byte pieces `<0xNN>` instead of `<unk>` (`byte_fallback`, default false). */
  readonly byteFallback: boolean;
  /** The whitespace marker `▁` ends a piece instead of starting it (`treat_whitespace_as_suffix`, default false). */
  readonly treatWhitespaceAsSuffix: boolean;
  /** Runs of whitespace may form pieces of their own (`allow_whitespace_only_pieces`, default false). */
  readonly allowWhitespaceOnlyPieces: boolean;
  /** Training option: pieces do not cross Unicode script boundaries (`split_by_unicode_script`, default true). */
  readonly splitByUnicodeScript: boolean;
  /** Training option: pieces do not cross number/non-number boundaries (`split_by_number`, default true). */
  readonly splitByNumber: boolean;
  /** Training option: pieces do not cross whitespace (`split_by_whitespace`, default true). */
  readonly splitByWhitespace: boolean;
  /** Training option: every digit is a piece of its own (`split_digits`, default false). */
  readonly splitDigits: boolean;
  /** Training option: longest piece, in Unicode characters (`max_sentencepiece_length`, default 16). */
  readonly maxSentencepieceLength: number;
  /** Control symbols declared at training (`control_symbols`), e.g. `[CLS]`, `[SEP]`, `[MASK]` in ALBERT's model. */
  readonly controlSymbols: readonly string[];
  /** User-defined symbols (`user_defined_symbols`): always kept as one piece when found in the text. */
  readonly userDefinedSymbols: readonly string[];
}

/** `NormalizerSpec`: the normalization rules stored in the model. */
export interface SentencePieceNormalizerSpec {
  /** Rule name (`nmt_nfkc`, `identity`, ...); informational. */
  readonly name: string;
  /** The compiled character map (darts-clone trie + replacement blob); empty for identity. */
  readonly precompiledCharsmap: Uint8Array;
  /** Prepend a space (`▁`) to the text, so the first word is encoded like the others (`add_dummy_prefix`, default true). */
  readonly addDummyPrefix: boolean;
  /** Drop leading and trailing whitespace and collapse inner runs to one space (`remove_extra_whitespaces`, default true). */
  readonly removeExtraWhitespaces: boolean;
  /** Replace spaces with the meta symbol `▁` (U+2581) (`escape_whitespaces`, default true). */
  readonly escapeWhitespaces: boolean;
  /** Custom normalization rules as TSV (`normalization_rule_tsv`); a training input, not read when encoding (empty when absent). */
  readonly normalizationRuleTsv: string;
}

/** A parsed SentencePiece `ModelProto` (`*.model` file). */
export interface SentencePieceModelProto {
  /** The vocabulary, in id order: entry `i` has id `i` (`pieces`). */
  readonly pieces: readonly SentencePieceEntry[];
  /** The training settings that encoding and decoding depend on (`trainer_spec`). */
  readonly trainerSpec: SentencePieceTrainerSpec;
  /** How input text is normalized before segmentation (`normalizer_spec`). */
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
      case 4:
        if (varint) spec.vocabSize = reader.readInt32();
        else reader.skip(wire);
        break;
      case 40:
        if (varint) spec.unkId = reader.readInt32();
        else reader.skip(wire);
        break;
      case 41:
        if (varint) spec.bosId = reader.readInt32();
        else reader.skip(wire);
        break;
      case 42:
        if (varint) spec.eosId = reader.readInt32();
        else reader.skip(wire);
        break;
      case 43:
        if (varint) spec.padId = reader.readInt32();
        else reader.skip(wire);
        break;
      case 45:
        if (text) spec.unkPiece = reader.readString();
        else reader.skip(wire);
        break;
      case 46:
        if (text) spec.bosPiece = reader.readString();
        else reader.skip(wire);
        break;
      case 47:
        if (text) spec.eosPiece = reader.readString();
        else reader.skip(wire);
        break;
      case 48:
        if (text) spec.padPiece = reader.readString();
        else reader.skip(wire);
        break;
      case 44:
        if (text) spec.unkSurface = reader.readString();
        else reader.skip(wire);
        break;
      case 35:
        if (varint) spec.byteFallback = reader.readBool();
        else reader.skip(wire);
        break;
      case 24:
        if (varint) spec.treatWhitespaceAsSuffix = reader.readBool();
        else reader.skip(wire);
        break;
      case 26:
        if (varint) spec.allowWhitespaceOnlyPieces = reader.readBool();
        else reader.skip(wire);
        break;
      case 21:
        if (varint) spec.splitByUnicodeScript = reader.readBool();
        else reader.skip(wire);
        break;
      case 23:
        if (varint) spec.splitByNumber = reader.readBool();
        else reader.skip(wire);
        break;
      case 22:
        if (varint) spec.splitByWhitespace = reader.readBool();
        else reader.skip(wire);
        break;
      case 25:
        if (varint) spec.splitDigits = reader.readBool();
        else reader.skip(wire);
        break;
      case 20:
        if (varint) spec.maxSentencepieceLength = reader.readInt32();
        else reader.skip(wire);
        break;
      case 30:
        if (text) spec.controlSymbols.push(reader.readString());
        else reader.skip(wire);
        break;
      case 31:
        if (text) spec.userDefinedSymbols.push(reader.readString());
        else reader.skip(wire);
        break;
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
  return new TokenizerError('TOKENIZER_MODEL_CORRUPT', `${file}: invalid SentencePiece model: ${problem}`, {
    file,
    problem,
    ...details,
  });
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
    throw new TokenizerError('TOKENIZER_INVALID_INPUT', `${file}: model bytes must be a Uint8Array`, {
      file,
      value: typeof bytes,
    });
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
    if (seen.has(entry.piece))
      throw modelError(file, `piece ${JSON.stringify(entry.piece)} (id ${id}) is already defined`, {
        id,
        value: entry.piece,
      });
    seen.add(entry.piece);
    if (entry.type === 'unknown') unkCount += 1;
    if (entry.type === 'byte') {
      if (!trainerSpec.byteFallback)
        throw modelError(file, `byte piece ${entry.piece} found although byte_fallback is false`, {
          id,
          value: entry.piece,
        });
      const match = /^<0x([0-9A-F]{2})>$/.exec(entry.piece);
      if (match === null)
        throw modelError(file, `byte piece ${JSON.stringify(entry.piece)} is invalid`, { id, value: entry.piece });
      bytesFound[Number.parseInt(match[1]!, 16)] = 1;
    }
  }
  if (unkCount === 0) throw modelError(file, 'no unknown piece (<unk>) is defined', { field: 'pieces' });
  if (unkCount > 1) throw modelError(file, 'more than one unknown piece is defined', { field: 'pieces' });
  if (trainerSpec.byteFallback && bytesFound.includes(0))
    throw modelError(file, 'byte_fallback is true but there are not 256 byte pieces', { field: 'pieces' });
  return { pieces, trainerSpec, normalizerSpec, denormalizerSpec };
}

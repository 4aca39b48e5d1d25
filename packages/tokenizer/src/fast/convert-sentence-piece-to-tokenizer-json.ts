import { AddedToken, type AddedTokenInit } from '../added-token.js';
import { checkOptionKeys } from '@albert-ts/config';
import { isPythonDigit } from '../python-text.js';
import { parseModelProto, type SentencePieceModelProto } from '../sentencepiece/model-proto.js';
import { TokenizerError } from '../tokenizer-error.js';

/** Options of {@link convertSentencePieceToTokenizerJson}: the slow tokenizer's settings the converter reads. */
export interface SentencePieceConversionOptions {
  /** Add a `Lowercase` normalizer (`do_lower_case`, default true). */
  readonly doLowerCase?: boolean;
  /** Keep accents; when false (default) `NFKD` + `StripAccents` normalizers are added (`keep_accents`). */
  readonly keepAccents?: boolean;
  /** Default `[CLS]`. */
  readonly bosToken?: string | AddedTokenInit;
  /** Default `[SEP]`. */
  readonly eosToken?: string | AddedTokenInit;
  /** Default `<unk>`. */
  readonly unkToken?: string | AddedTokenInit;
  /** Default `[SEP]`. */
  readonly sepToken?: string | AddedTokenInit;
  /** Default `<pad>`. */
  readonly padToken?: string | AddedTokenInit;
  /** Default `[CLS]`. */
  readonly clsToken?: string | AddedTokenInit;
  /** Default `[MASK]`, stripping the whitespace on its left. */
  readonly maskToken?: string | AddedTokenInit;
  /** More special tokens (`additional_special_tokens`). */
  readonly additionalSpecialTokens?: ReadonlyArray<string | AddedTokenInit>;
  /** Added tokens by id (`added_tokens_decoder` of `tokenizer_config.json`). */
  readonly addedTokens?: ReadonlyMap<number, AddedTokenInit> | Readonly<Record<number, AddedTokenInit>>;
  /** Name of the model file, for messages (default `spiece.model`). */
  readonly file?: string;
}

/** One `added_tokens` entry of a `tokenizer.json`, as the library writes it. */
export interface TokenizerJsonAddedTokenEntry {
  /** Vocabulary id. */
  id: number;
  /** The token text. */
  content: string;
  /** Matches only as a whole word. */
  single_word: boolean;
  /** Takes the whitespace on its left. */
  lstrip: boolean;
  /** Takes the whitespace on its right. */
  rstrip: boolean;
  /** Matched in the normalized text. */
  normalized: boolean;
  /** A special token. */
  special: boolean;
}

/** A `tokenizer.json` document (the fields the ALBERT converter writes). */
export interface TokenizerJsonDocument {
  /** Format version (`1.0`). */
  version: string;
  /** Truncation settings saved with the file (`null`: none). */
  truncation: null | Record<string, unknown>;
  /** Padding settings saved with the file (`null`: none). */
  padding: null | Record<string, unknown>;
  /** Added tokens, by increasing id. */
  added_tokens: TokenizerJsonAddedTokenEntry[];
  /** Normalizer. */
  normalizer: Record<string, unknown> | null;
  /** Pre-tokenizer. */
  pre_tokenizer: Record<string, unknown> | null;
  /** Post-processor. */
  post_processor: Record<string, unknown> | null;
  /** Decoder. */
  decoder: Record<string, unknown> | null;
  /** The model (`Unigram`: `unk_id`, `vocab` as `[piece, score]`, `byte_fallback`). */
  model: Record<string, unknown>;
}

const OPTION_KEYS = [
  'doLowerCase',
  'keepAccents',
  'bosToken',
  'eosToken',
  'unkToken',
  'sepToken',
  'padToken',
  'clsToken',
  'maskToken',
  'additionalSpecialTokens',
  'addedTokens',
  'file',
] as const;

const METASPACE = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true } as const;

/** transformers' `check_number_comma`: false for a piece that ends in a digit followed by a comma. */
function keepsScore(piece: string): boolean {
  const characters = [...piece];
  if (characters.length < 2 || characters[characters.length - 1] !== ',') return true;
  return !isPythonDigit(characters[characters.length - 2]!.codePointAt(0)!);
}

function toAddedToken(value: string | AddedTokenInit, defaults: Partial<AddedTokenInit>): AddedToken {
  return typeof value === 'string'
    ? new AddedToken({ ...defaults, content: value })
    : new AddedToken({ ...defaults, ...value });
}

/** Standard base64 of `bytes` (browser-safe). */
function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

/**
 * What transformers' slow→fast converter (`AlbertConverter` in `convert_slow_tokenizer.py`, run by
 * `AlbertTokenizerFast(vocab_file=...)`) writes for an ALBERT `spiece.model`: normalizers
 * ``` `` ```→`"`, `''`→`"`, NFKD + StripAccents (unless `keepAccents`), Lowercase (when
 * `doLowerCase`), the model's precompiled charsmap, runs of spaces → one space; a `Metaspace`
 * pre-tokenizer and decoder (`▁`, prepend `always`, split); a `Unigram` model with the pieces and
 * scores (a piece ending in digit + comma loses 100, as the slow tokenizer's digit-comma rule wants)
 * and the model's `unk_id`; the `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B:1 [SEP]:1` template; the
 * control pieces (special) and user-defined pieces as added tokens, then the special tokens of the
 * tokenizer (`[MASK]` strips whitespace on its left).
 *
 * ```ts
 * const json = convertSentencePieceToTokenizerJson(spieceModelBytes);
 * const tokenizer = AlbertTokenizerFast.fromJSON(json);
 * ```
 * @throws TokenizerError `TOKENIZER_MODEL_CORRUPT` for a corrupt model, `TOKENIZER_UNSUPPORTED_MODEL`
 *   for a model that is not unigram, `OptionsError` for an unknown option.
 */
export function convertSentencePieceToTokenizerJson(
  model: Uint8Array | ArrayBuffer | SentencePieceModelProto,
  options: SentencePieceConversionOptions = {},
): TokenizerJsonDocument {
  checkOptionKeys(options, OPTION_KEYS, 'convertSentencePieceToTokenizerJson options');
  const file = options.file ?? 'spiece.model';
  const proto =
    'pieces' in model ? model : parseModelProto(model instanceof ArrayBuffer ? new Uint8Array(model) : model, { file });
  if (proto.trainerSpec.modelType !== 'unigram') {
    throw new TokenizerError(
      'TOKENIZER_UNSUPPORTED_MODEL',
      `${file}: a ${proto.trainerSpec.modelType} SentencePiece model cannot be converted to ALBERT's fast tokenizer (only unigram models are)`,
      { file, field: 'trainer_spec.model_type', value: proto.trainerSpec.modelType },
    );
  }
  const pieceCount = proto.pieces.length;
  const unkId = proto.trainerSpec.unkId;
  if (pieceCount === 0 || unkId < 0 || unkId >= pieceCount) {
    throw new TokenizerError(
      'TOKENIZER_MODEL_CORRUPT',
      `${file}: unk_id ${unkId} is not in the vocabulary of ${pieceCount} pieces`,
      {
        file,
        field: 'trainer_spec.unk_id',
        value: unkId,
      },
    );
  }
  const vocab: Array<[string, number]> = proto.pieces.map((entry) => [
    entry.piece,
    keepsScore(entry.piece) ? entry.score : entry.score - 100,
  ]);
  const pieceIds = new Map<string, number>();
  proto.pieces.forEach((entry, id) => {
    if (!pieceIds.has(entry.piece)) pieceIds.set(entry.piece, id);
  });

  // Added tokens: control pieces (special) and user-defined pieces, then the tokenizer's own.
  const added = new Map<number, AddedToken>();
  const addedIds = new Map<string, number>();
  const put = (id: number, token: AddedToken): void => {
    const previous = addedIds.get(token.content);
    if (previous !== undefined && previous !== id) added.delete(previous);
    added.set(id, token);
    addedIds.set(token.content, id);
  };
  proto.pieces.forEach((entry, id) => {
    if (entry.type === 'control' || entry.type === 'userDefined') {
      put(id, new AddedToken({ content: entry.piece, normalized: false, special: entry.type === 'control' }));
    }
  });
  const configured = options.addedTokens;
  if (configured !== undefined) {
    const entries: Array<[number, AddedTokenInit]> =
      configured instanceof Map
        ? [...configured.entries()]
        : Object.entries(configured).map(([id, token]) => [Number(id), token as AddedTokenInit]);
    for (const [id, init] of entries) put(id, init instanceof AddedToken ? init : new AddedToken(init));
  }
  const nextId = (): number => Math.max(pieceCount, ...[...added.keys()].map((id) => id + 1));
  const plain: Partial<AddedTokenInit> = { normalized: false, special: true };
  const specials = [
    toAddedToken(options.bosToken ?? '[CLS]', plain),
    toAddedToken(options.eosToken ?? '[SEP]', plain),
    toAddedToken(options.unkToken ?? '<unk>', plain),
    toAddedToken(options.sepToken ?? '[SEP]', plain),
    toAddedToken(options.padToken ?? '<pad>', plain),
    toAddedToken(options.clsToken ?? '[CLS]', plain),
    toAddedToken(options.maskToken ?? '[MASK]', { ...plain, lstrip: true }),
    ...(options.additionalSpecialTokens ?? []).map((token) => toAddedToken(token, plain)),
  ];
  for (const token of specials) {
    if (token.content === '') continue;
    const special = token.with({ special: true });
    const id = addedIds.get(special.content) ?? pieceIds.get(special.content) ?? nextId();
    put(id, special);
  }
  const idOf = (content: string): number => addedIds.get(content) ?? pieceIds.get(content) ?? unkId;

  const normalizers: Array<Record<string, unknown>> = [
    { type: 'Replace', pattern: { String: '``' }, content: '"' },
    { type: 'Replace', pattern: { String: "''" }, content: '"' },
  ];
  if (!(options.keepAccents ?? false)) normalizers.push({ type: 'NFKD' }, { type: 'StripAccents' });
  if (options.doLowerCase ?? true) normalizers.push({ type: 'Lowercase' });
  const charsmap = proto.normalizerSpec.precompiledCharsmap;
  if (charsmap.length > 0) normalizers.push({ type: 'Precompiled', precompiled_charsmap: encodeBase64(charsmap) });
  normalizers.push({ type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' });

  const special = (name: string, typeId: number): Record<string, unknown> => ({
    SpecialToken: { id: name, type_id: typeId },
  });
  const sequence = (name: 'A' | 'B', typeId: number): Record<string, unknown> => ({
    Sequence: { id: name, type_id: typeId },
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...added.entries()]
      .sort(([left], [right]) => left - right)
      .map(([id, token]) => ({
        id,
        content: token.content,
        single_word: token.singleWord,
        lstrip: token.lstrip,
        rstrip: token.rstrip,
        normalized: token.normalized,
        special: token.special,
      })),
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: { ...METASPACE },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [idOf('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [idOf('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { ...METASPACE },
    model: { type: 'Unigram', unk_id: unkId, vocab, byte_fallback: false },
  };
}

import { decodeUtf8Text } from '@albert-ts/config';
import { AddedToken, type AddedTokenInit } from './added-token.js';
import { AddedTokensTrie } from './added-tokens-trie.js';
import {
  alignedConcat,
  alignedIdentity,
  alignedSlice,
  collapseWhitespace,
  lowercaseAligned,
  lowercaseExcept,
  originalSpan,
  replaceAligned,
  stripAccents,
  type AlignedText,
} from './aligned-text.js';
import type { BatchEncoding, EncodeOptions, Encoding, PaddingStrategy, TruncationStrategy } from './encoding.js';
import { isPythonDigit, isPythonWhitespace } from './python-text.js';
import { SentencePieceProcessor } from './sentencepiece/sentencepiece-processor.js';
import { TokenizerError } from './tokenizer-error.js';
import { checkOptionKeys } from '@albert-ts/config';
import { cleanUpTokenization } from './clean-up-tokenization.js';

/** The SentencePiece word-boundary marker `▁` (U+2581). */
export const SPIECE_UNDERLINE = '\u2581';

/** Receives the messages transformers logs (`logger.error` / `logger.warning`). */
export interface TokenizerLogger {
  /** `logger.error` (e.g. a truncation that cannot be done). */
  error(message: string): void;
  /** `logger.warning` (e.g. a sequence longer than the model's maximum). */
  warn(message: string): void;
}

/** Options of {@link AlbertTokenizer} (transformers' constructor arguments, camelCased). */
export interface AlbertTokenizerOptions {
  /** Lowercase the text (default true). */
  readonly doLowerCase?: boolean;
  /** Strip and collapse whitespace before SentencePiece (default true). */
  readonly removeSpace?: boolean;
  /** Keep accents; when false (default) the text is NFKD-decomposed and combining marks are removed. */
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
  /** Default `[MASK]`, stripping whitespace on its left. */
  readonly maskToken?: string | AddedTokenInit;
  /** More special tokens (`additional_special_tokens`). */
  readonly additionalSpecialTokens?: ReadonlyArray<string | AddedTokenInit>;
  /** Added tokens by id (`added_tokens_decoder` of `tokenizer_config.json`). */
  readonly addedTokens?: ReadonlyMap<number, AddedTokenInit> | Readonly<Record<number, AddedTokenInit>>;
  /** Maximum sequence length of the model (default 512). */
  readonly modelMaxLength?: number;
  /** Padding side (default `right`). */
  readonly paddingSide?: 'left' | 'right';
  /** Truncation side (default `right`). */
  readonly truncationSide?: 'left' | 'right';
  /** Apply transformers' space clean-up in `decode` (default true). */
  readonly cleanUpTokenizationSpaces?: boolean;
  /** Treat special tokens in the text as plain text (default false). */
  readonly splitSpecialTokens?: boolean;
  /** Where transformers' log messages go (default: `console`). */
  readonly logger?: TokenizerLogger;
  /** Vocabulary file name for messages. */
  readonly file?: string;
}

/** Inputs of {@link AlbertTokenizer.fromBytes}: the constructor options plus the JSON files of a model directory. */
export interface AlbertTokenizerLoadOptions extends AlbertTokenizerOptions {
  /** Contents of `tokenizer_config.json` (text or parsed). */
  readonly tokenizerConfig?: string | Readonly<Record<string, unknown>>;
  /** Contents of `special_tokens_map.json` (text or parsed). */
  readonly specialTokensMap?: string | Readonly<Record<string, unknown>>;
}

/** A source of model files (structurally the same as core's `ModelFileSource`). */
export interface TokenizerFileSource {
  /** Where the files come from (a directory path, a URL), for messages. */
  readonly description: string;
  /** Whether the file exists. */
  has(name: string): Promise<boolean>;
  /** The file's bytes. */
  read(name: string): Promise<Uint8Array>;
  /** The file as UTF-8 text. */
  readText(name: string): Promise<string>;
}

/** One encoded sequence or pair with the extra information the Python tokenizer can return. */
export interface AlbertEncoding extends Encoding {
  /** 1 for `[CLS]`, `[SEP]` and padding. */
  specialTokensMask: number[];
  /**
   * `[start, end)` of each token in the original text (code points by default). A word-initial `▁`
   * token covers the whole run of whitespace before its word (`"is  the"` → `▁the` spans `"  the"`):
   * the slow tokenizer aligns through SentencePiece, whose `▁` stands for the collapsed whitespace.
   * `AlbertTokenizerFast` differs (one space with the converter's layout, none with the older hub
   * layout); Python's pipelines use the fast offsets.
   */
  offsets: Array<[number, number]>;
  /** Token strings (SentencePiece pieces and added tokens). */
  tokens: string[];
  /** Ids removed by truncation (`overflowing_tokens`). */
  overflowingTokens: number[];
  /** Set when a truncation could not be done (transformers logs an error and returns the input untruncated). */
  truncationError?: string;
}

/** A batch with the extra information of {@link AlbertEncoding}. */
export interface AlbertBatchEncoding extends BatchEncoding {
  specialTokensMask: number[][];
  offsets: Array<Array<[number, number]>>;
  tokens: string[][];
  /** Per item: the truncation error message, or null. */
  truncationErrors: Array<string | null>;
}

/** Options of {@link AlbertTokenizer.decode}. */
export interface DecodeOptions {
  /** Leave out special tokens (default false). */
  readonly skipSpecialTokens?: boolean;
  /** Apply the space clean-up; default the tokenizer's `cleanUpTokenizationSpaces`. */
  readonly cleanUpTokenizationSpaces?: boolean;
  /** Put spaces between added tokens (default true). */
  readonly spacesBetweenSpecialTokens?: boolean;
}

/** Input of one batch item: a text or a `[text, textPair]`. */
export type BatchInput = string | readonly [string, string];

/**
 * Role of a special token: transformers' `bos_token`, `eos_token`, ... attributes without the `_token`
 * suffix. ALBERT's defaults: `bos` `[CLS]`, `eos` `[SEP]`, `unk` `<unk>`, `sep` `[SEP]`, `pad` `<pad>`,
 * `cls` `[CLS]`, `mask` `[MASK]` (each can be changed with the matching `...Token` option).
 */
export type SpecialTokenName = 'bos' | 'eos' | 'unk' | 'sep' | 'pad' | 'cls' | 'mask';
const specialTokenNames: readonly SpecialTokenName[] = ['bos', 'eos', 'unk', 'sep', 'pad', 'cls', 'mask'];

interface Part {
  ids: number[];
  tokens: string[];
  offsets: Array<[number, number]>;
}

interface Prepared extends Part {
  tokenTypeIds: number[];
  specialTokensMask: number[];
  overflowingTokens: number[];
  truncationError?: string;
}

interface Strategies {
  padding: PaddingStrategy;
  truncation: TruncationStrategy;
  maxLength: number | undefined;
}

const veryLargeInteger = 1e30;
/** The keys of {@link EncodeOptions} (options objects are strict). */
const ENCODE_OPTION_KEYS = [
  'addSpecialTokens',
  'truncation',
  'maxLength',
  'stride',
  'padding',
  'padToMultipleOf',
  'paddingSide',
  'offsetUnit',
];
/** The keys of {@link AlbertTokenizerOptions}. */
const CONSTRUCTOR_OPTION_KEYS = [
  'doLowerCase',
  'removeSpace',
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
  'modelMaxLength',
  'paddingSide',
  'truncationSide',
  'cleanUpTokenizationSpaces',
  'splitSpecialTokens',
  'logger',
  'file',
];
/** The keys of {@link DecodeOptions}. */
const DECODE_OPTION_KEYS = ['skipSpecialTokens', 'cleanUpTokenizationSpaces', 'spacesBetweenSpecialTokens'];
const defaultLogger: TokenizerLogger = {
  error: (message) => console.error(message),
  warn: (message) => console.warn(message),
};

function pythonStrip(text: string, left: boolean, right: boolean): [number, number] {
  let start = 0;
  let end = text.length;
  if (left) while (start < end && isPythonWhitespace(text.charCodeAt(start))) start += 1;
  if (right) while (end > start && isPythonWhitespace(text.charCodeAt(end - 1))) end -= 1;
  return [start, end];
}

/**
 * ALBERT's SentencePiece tokenizer, token for token identical to transformers' slow
 * `AlbertTokenizer`: Python-side preprocessing (whitespace collapsing, ``` `` ```/`''` → `"`,
 * NFKD without combining marks, lowercasing), special and added tokens split out first (`[MASK]`
 * eats the whitespace on its left), SentencePiece, the digit-comma rule, `[CLS] A [SEP] B [SEP]`,
 * truncation and padding as `prepare_for_model` does them — plus offsets into the original text.
 *
 * ```ts
 * const tokenizer = AlbertTokenizer.fromBytes(spieceModelBytes);
 * const encoding = tokenizer.encode('Paris is the [MASK] of France.');
 * // encoding.inputIds → [2, 1162, 25, 14, 4, 16, 714, 9, 3]
 * ```
 *
 * @example
 * ```ts
 * import { AlbertTokenizer } from '@albert-ts/tokenizer';
 *
 * const tokenizer = await AlbertTokenizer.fromDirectory('./albert-base-v2'); // spiece.model + tokenizer_config.json
 * const encoding = tokenizer.encode('Hello world!');
 * console.log(encoding.inputIds, tokenizer.tokenize('Hello world!')); // [2, ..., 3] ['▁hello', '▁world', '!']
 * console.log(tokenizer.decode(encoding.inputIds, { skipSpecialTokens: true })); // 'hello world!'
 * ```
 */
export class AlbertTokenizer {
  /** The SentencePiece model. */
  readonly sentencePiece: SentencePieceProcessor;
  /** Lowercase the text (`do_lower_case`). */
  readonly doLowerCase: boolean;
  /** Strip and collapse whitespace (`remove_space`). */
  readonly removeSpace: boolean;
  /** Keep accents (`keep_accents`); when false, NFKD and combining marks removed. */
  readonly keepAccents: boolean;
  /** Maximum sequence length (`model_max_length`), the default `maxLength` of truncation / `max_length` padding. */
  readonly modelMaxLength: number;
  /** Default padding side. */
  readonly paddingSide: 'left' | 'right';
  /** Side that truncation removes tokens from. */
  readonly truncationSide: 'left' | 'right';
  /** Default of `decode`'s space clean-up. */
  readonly cleanUpTokenizationSpaces: boolean;
  /** Treat special tokens written in the text as plain text. */
  readonly splitSpecialTokens: boolean;
  /** Vocabulary file name used in messages. */
  readonly file: string;
  private readonly modelBytes: Uint8Array | null;
  private readonly logger: TokenizerLogger;
  private readonly specialTokens = new Map<SpecialTokenName, AddedToken>();
  private readonly additionalSpecial: AddedToken[] = [];
  private readonly addedDecoder = new Map<number, AddedToken>();
  private readonly addedEncoder = new Map<string, number>();
  private readonly trie = new AddedTokensTrie();
  private allSpecialTokensCache: string[] | null = null;
  private allSpecialIdsCache: Set<number> | null = null;
  private lowercaseKeepCache: string[] | null = null;
  private warnedTooLong = false;
  /** `addedFirstUnits[u]` is 1 when some added token starts with UTF-16 unit `u`. */
  private readonly addedFirstUnits = new Uint8Array(65536);
  private readonly specialIdCache = new Map<SpecialTokenName, number>();

  /**
   * @param sentencePiece - the SentencePiece model (see {@link SentencePieceProcessor.fromBytes}).
   * @param options - constructor options; `modelBytes` lets {@link saveVocabulary} return the original file.
   */
  constructor(
    sentencePiece: SentencePieceProcessor,
    options: AlbertTokenizerOptions & { modelBytes?: Uint8Array } = {},
  ) {
    checkOptionKeys(options, [...CONSTRUCTOR_OPTION_KEYS, 'modelBytes'], 'AlbertTokenizer options');
    this.sentencePiece = sentencePiece;
    this.file = options.file ?? sentencePiece.file;
    this.doLowerCase = options.doLowerCase ?? true;
    this.removeSpace = options.removeSpace ?? true;
    this.keepAccents = options.keepAccents ?? false;
    this.modelMaxLength = options.modelMaxLength ?? 512;
    this.paddingSide = options.paddingSide ?? 'right';
    this.truncationSide = options.truncationSide ?? 'right';
    this.cleanUpTokenizationSpaces = options.cleanUpTokenizationSpaces ?? true;
    this.splitSpecialTokens = options.splitSpecialTokens ?? false;
    this.logger = options.logger ?? defaultLogger;
    this.modelBytes = options.modelBytes ?? null;
    for (const [name, value] of [
      ['paddingSide', this.paddingSide],
      ['truncationSide', this.truncationSide],
    ] as const) {
      if (value !== 'left' && value !== 'right') this.invalidOption(name, value, `'left' or 'right'`);
    }
    if (!(this.modelMaxLength > 0)) this.invalidOption('modelMaxLength', this.modelMaxLength, 'a positive number');

    const defaults: Record<SpecialTokenName, string | AddedTokenInit> = {
      bos: '[CLS]',
      eos: '[SEP]',
      unk: '<unk>',
      sep: '[SEP]',
      pad: '<pad>',
      cls: '[CLS]',
      mask: { content: '[MASK]', lstrip: true, rstrip: false, normalized: false },
    };
    const given: Record<SpecialTokenName, string | AddedTokenInit | undefined> = {
      bos: options.bosToken,
      eos: options.eosToken,
      unk: options.unkToken,
      sep: options.sepToken,
      pad: options.padToken,
      cls: options.clsToken,
      mask: options.maskToken,
    };
    for (const name of specialTokenNames) {
      const value = given[name] ?? defaults[name];
      const token =
        typeof value === 'string'
          ? name === 'mask'
            ? new AddedToken({ content: value, lstrip: true, rstrip: false, normalized: false, special: true })
            : new AddedToken({ content: value, normalized: false, special: true })
          : new AddedToken({ normalized: false, ...value, special: true });
      this.specialTokens.set(name, token);
    }
    for (const value of options.additionalSpecialTokens ?? []) {
      this.additionalSpecial.push(
        typeof value === 'string'
          ? new AddedToken({ content: value, normalized: false, special: true })
          : new AddedToken({ ...value, special: true }),
      );
    }
    const addedTokens = options.addedTokens;
    if (addedTokens !== undefined) {
      const entries: Array<[number, AddedTokenInit]> =
        addedTokens instanceof Map
          ? [...addedTokens.entries()]
          : Object.entries(addedTokens).map(([id, token]) => [Number(id), token as AddedTokenInit]);
      for (const [id, init] of entries) {
        const token = init instanceof AddedToken ? init : new AddedToken(init);
        this.addedDecoder.set(id, token);
        this.addedEncoder.set(token.content, id);
      }
    }
    this.addTokensInternal(
      this.allSpecialTokensExtended().filter((token) => !this.addedEncoder.has(token.content)),
      true,
    );
  }

  /**
   * Builds a tokenizer from the bytes of `spiece.model` and, optionally, the contents of
   * `tokenizer_config.json` / `special_tokens_map.json` (browser-safe: no file access).
   * @throws TokenizerError for a corrupt model or invalid JSON.
   */
  static fromBytes(modelBytes: Uint8Array | ArrayBuffer, options: AlbertTokenizerLoadOptions = {}): AlbertTokenizer {
    checkOptionKeys(
      options,
      [...CONSTRUCTOR_OPTION_KEYS, 'tokenizerConfig', 'specialTokensMap'],
      'AlbertTokenizer.fromBytes options',
    );
    const bytes = modelBytes instanceof ArrayBuffer ? new Uint8Array(modelBytes) : modelBytes;
    const file = options.file ?? 'spiece.model';
    const processor = SentencePieceProcessor.fromBytes(bytes, { file });
    const fromConfig = tokenizerOptionsFromConfig(options.tokenizerConfig, options.specialTokensMap);
    const explicit = Object.fromEntries(
      Object.entries(options).filter(
        ([key, value]) => value !== undefined && key !== 'tokenizerConfig' && key !== 'specialTokensMap',
      ),
    );
    return new AlbertTokenizer(processor, { ...fromConfig, ...explicit, file, modelBytes: bytes });
  }

  /**
   * Loads `spiece.model` (and `tokenizer_config.json` / `special_tokens_map.json` when present) from
   * a file source (a directory, memory, URLs: core's `ModelFileSource`).
   */
  static async fromFiles(source: TokenizerFileSource, options: AlbertTokenizerOptions = {}): Promise<AlbertTokenizer> {
    checkOptionKeys(options, CONSTRUCTOR_OPTION_KEYS, 'AlbertTokenizer.fromFiles options');
    if (!(await source.has('spiece.model'))) {
      throw new TokenizerError('TOKENIZER_FILE_NOT_FOUND', `${source.description}: no spiece.model`, {
        file: `${source.description}/spiece.model`,
      });
    }
    const modelBytes = await source.read('spiece.model');
    const tokenizerConfig = (await source.has('tokenizer_config.json'))
      ? await source.readText('tokenizer_config.json')
      : undefined;
    const specialTokensMap = (await source.has('special_tokens_map.json'))
      ? await source.readText('special_tokens_map.json')
      : undefined;
    return AlbertTokenizer.fromBytes(modelBytes, {
      ...options,
      file: options.file ?? `${source.description}/spiece.model`,
      ...(tokenizerConfig === undefined ? {} : { tokenizerConfig }),
      ...(specialTokensMap === undefined ? {} : { specialTokensMap }),
    });
  }

  /** Node only: loads a model directory (`spiece.model` + optional JSON files). */
  static async fromDirectory(directory: string, options: AlbertTokenizerOptions = {}): Promise<AlbertTokenizer> {
    const { fsPromises: fs, path } = await import('#node-builtins');
    const source: TokenizerFileSource = {
      description: directory,
      has: async (name) => {
        try {
          await fs.access(path.join(directory, name));
          return true;
        } catch {
          return false;
        }
      },
      read: async (name) => new Uint8Array(await fs.readFile(path.join(directory, name))),
      // the one decoding rule of model text files (BOM dropped, invalid UTF-8 a typed error naming the file)
      readText: async (name) =>
        decodeUtf8Text(await fs.readFile(path.join(directory, name)), path.join(directory, name)),
    };
    return AlbertTokenizer.fromFiles(source, options);
  }

  private invalidOption(name: string, value: unknown, expected: string): never {
    throw new TokenizerError(
      'TOKENIZER_INVALID_OPTION',
      `${this.file ?? 'tokenizer'}: option ${name} must be ${expected}, got ${JSON.stringify(value)}`,
      {
        file: this.file,
        field: name,
        value,
      },
    );
  }

  // ---------------------------------------------------------------- vocabulary and special tokens

  /** Number of SentencePiece pieces (transformers' `vocab_size`; added tokens not included). */
  get vocabSize(): number {
    return this.sentencePiece.vocabSize;
  }

  /** Size of the full vocabulary, added tokens included (`len(tokenizer)`). */
  get length(): number {
    const ids = new Set<number>(this.addedDecoder.keys());
    for (let id = 0; id < this.vocabSize; id += 1) ids.add(id);
    return ids.size;
  }

  /** Token → id for the whole vocabulary (`get_vocab`). */
  getVocab(): Map<string, number> {
    const vocabulary = new Map<string, number>();
    for (let id = 0; id < this.vocabSize; id += 1) vocabulary.set(this.sentencePiece.idToPiece(id), id);
    for (const [content, id] of this.addedEncoder) vocabulary.set(content, id);
    return vocabulary;
  }

  /** Added tokens by id (`added_tokens_decoder`). */
  get addedTokensDecoder(): ReadonlyMap<number, AddedToken> {
    return this.addedDecoder;
  }

  /** The special token of a role (`bos`, `eos`, `unk`, `sep`, `pad`, `cls`, `mask`). */
  specialToken(name: SpecialTokenName): string {
    return this.specialTokens.get(name)!.content;
  }

  /** Id of the special token of a role. */
  specialTokenId(name: SpecialTokenName): number {
    let id = this.specialIdCache.get(name);
    if (id === undefined) {
      id = this.convertTokenToId(this.specialToken(name));
      this.specialIdCache.set(name, id);
    }
    return id;
  }

  /** Id of `[CLS]`. */
  get clsTokenId(): number {
    return this.specialTokenId('cls');
  }

  /** Id of `[SEP]`. */
  get sepTokenId(): number {
    return this.specialTokenId('sep');
  }

  /** Id of `<pad>`. */
  get padTokenId(): number {
    return this.specialTokenId('pad');
  }

  /** Id of `<unk>`. */
  get unkTokenId(): number {
    return this.specialTokenId('unk');
  }

  /** Id of `[MASK]`. */
  get maskTokenId(): number {
    return this.specialTokenId('mask');
  }

  private allSpecialTokensExtended(): AddedToken[] {
    const seen = new Set<string>();
    const tokens: AddedToken[] = [];
    for (const token of [
      ...specialTokenNames.map((name) => this.specialTokens.get(name)!),
      ...this.additionalSpecial,
    ]) {
      if (seen.has(token.content)) continue;
      seen.add(token.content);
      tokens.push(token);
    }
    return tokens;
  }

  /** Every special token string (`all_special_tokens`). */
  get allSpecialTokens(): readonly string[] {
    this.allSpecialTokensCache ??= this.allSpecialTokensExtended().map((token) => token.content);
    return this.allSpecialTokensCache;
  }

  /** Every special token id (`all_special_ids`). */
  get allSpecialIds(): readonly number[] {
    return [...this.specialIdSet()];
  }

  private specialIdSet(): Set<number> {
    this.allSpecialIdsCache ??= new Set(this.allSpecialTokens.map((token) => this.convertTokenToId(token)));
    return this.allSpecialIdsCache;
  }

  /**
   * Adds tokens to the vocabulary (transformers' `add_tokens`); returns how many new ids were created.
   */
  addTokens(tokens: ReadonlyArray<string | AddedTokenInit>, options: { special?: boolean } = {}): number {
    const special = options.special ?? false;
    const list = tokens.map((token) =>
      typeof token === 'string'
        ? new AddedToken({
            content: token,
            special: special || this.allSpecialTokens.includes(token),
            normalized: !(special || this.allSpecialTokens.includes(token)),
          })
        : token instanceof AddedToken
          ? token
          : new AddedToken(token),
    );
    return this.addTokensInternal(list, special);
  }

  private addTokensInternal(tokens: readonly AddedToken[], special: boolean): number {
    const vocabulary = this.getVocab();
    const nextId = vocabulary.size;
    let added = 0;
    for (let token of tokens) {
      if (token.content === '') continue;
      if (special) token = token.with({ special: true });
      if (!token.special && token.normalized && this.doLowerCase)
        token = token.with({ content: token.content.toLowerCase() });
      let id = vocabulary.get(token.content);
      if (id === undefined) {
        id = nextId + added;
        vocabulary.set(token.content, id);
        added += 1;
      }
      if (token.special && !this.allSpecialTokens.includes(token.content)) this.additionalSpecial.push(token);
      this.addedDecoder.set(id, token);
      this.addedEncoder.set(token.content, id);
      this.allSpecialTokensCache = null;
      this.allSpecialIdsCache = null;
      this.lowercaseKeepCache = null;
    }
    for (const token of this.addedDecoder.values()) {
      this.trie.add(token.content);
      this.addedFirstUnits[token.content.charCodeAt(0)] = 1;
    }
    this.specialIdCache.clear();
    return added;
  }

  /** Id of a token: added tokens first, then SentencePiece (unknown pieces → the unknown id). */
  convertTokenToId(token: string): number {
    return this.addedEncoder.get(token) ?? this.sentencePiece.pieceToId(token);
  }

  /** Ids of tokens (`convert_tokens_to_ids`). */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((token) => this.convertTokenToId(token));
  }

  /**
   * Tokens of ids (`convert_ids_to_tokens`).
   * @throws TokenizerError for an id outside the vocabulary.
   */
  convertIdsToTokens(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string[] {
    checkOptionKeys(options, ['skipSpecialTokens'], 'convertIdsToTokens options');
    const special = this.specialIdSet();
    const tokens: string[] = [];
    for (const id of ids) {
      if (!Number.isInteger(id)) {
        throw new TokenizerError(
          'TOKENIZER_INVALID_INPUT',
          `${this.file}: token id must be an integer, got ${String(id)}`,
          { file: this.file, value: id },
        );
      }
      if (options.skipSpecialTokens === true && special.has(id)) continue;
      const added = this.addedDecoder.get(id);
      if (added !== undefined) tokens.push(added.content);
      else if (id >= 0 && id < this.vocabSize) tokens.push(this.sentencePiece.idToPiece(id));
      else {
        throw new TokenizerError(
          'TOKENIZER_INVALID_INPUT',
          `${this.file}: token id ${id} is outside the vocabulary (size ${this.length})`,
          {
            file: this.file,
            value: id,
          },
        );
      }
    }
    return tokens;
  }

  // ---------------------------------------------------------------- tokenization

  private checkText(text: unknown, field: string): asserts text is string {
    if (typeof text !== 'string') {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `${field} must be a string, got ${text === null ? 'null' : Array.isArray(text) ? 'an array' : typeof text}`,
        {
          file: this.file,
          field,
          value: typeof text,
        },
      );
    }
  }

  /** transformers' `preprocess_text`, keeping the alignment. */
  private preprocess(segment: AlignedText): AlignedText {
    let text = this.removeSpace ? collapseWhitespace(segment) : segment;
    text = replaceAligned(text, '``', '"');
    text = replaceAligned(text, "''", '"');
    if (!this.keepAccents) text = stripAccents(text);
    if (this.doLowerCase) text = lowercaseAligned(text);
    return text;
  }

  /** The text after the Python-side preprocessing (what SentencePiece sees; `sentencepiece.input` in the fixtures). */
  preprocessText(text: string): string {
    this.checkText(text, 'text');
    return this.preprocess(alignedIdentity(text)).text;
  }

  /** transformers' `_tokenize` on one segment: SentencePiece plus the digit-comma rule. */
  private tokenizeSegment(
    segment: AlignedText,
    tokens: string[],
    ids: number[],
    offsets: Array<[number, number]>,
  ): void {
    const fallback = originalSpan(segment, 0, 0, 0)[0];
    const preprocessed = this.preprocess(segment);
    const encoded = this.sentencePiece.encode(preprocessed.text, { offsetUnit: 'utf16' });
    const unkId = this.sentencePiece.unkId;
    for (let index = 0; index < encoded.pieces.length; index += 1) {
      const piece = encoded.pieces[index]!;
      const [pieceStart, pieceEnd] = encoded.offsets[index]!;
      const codePoints = piece.charCodeAt(piece.length - 1) === 0x2c && piece.length > 1 ? Array.from(piece) : null;
      if (
        codePoints !== null &&
        codePoints.length > 1 &&
        isPythonDigit(codePoints[codePoints.length - 2]!.codePointAt(0)!)
      ) {
        const body = codePoints.slice(0, -1).join('');
        const stripped = body.replaceAll(SPIECE_UNDERLINE, '');
        const sub = this.sentencePiece.encode(stripped, { offsetUnit: 'utf16' });
        let subPieces = sub.pieces;
        let subOffsets = sub.offsets;
        if (piece[0] !== SPIECE_UNDERLINE && subPieces[0]![0] === SPIECE_UNDERLINE) {
          if (Array.from(subPieces[0]!).length === 1) {
            subPieces = subPieces.slice(1);
            subOffsets = subOffsets.slice(1);
          } else {
            subPieces = [subPieces[0]!.slice(1), ...subPieces.slice(1)];
          }
        }
        // The digits end right before the comma, the last character of the piece's surface.
        const commaStart = Math.max(pieceStart, pieceEnd - 1);
        const shift = commaStart - stripped.length;
        for (let subIndex = 0; subIndex < subPieces.length; subIndex += 1) {
          const [subStart, subEnd] = subOffsets[subIndex]!;
          tokens.push(subPieces[subIndex]!);
          ids.push(this.convertTokenToId(subPieces[subIndex]!));
          offsets.push(
            originalSpan(
              preprocessed,
              Math.max(pieceStart, shift + subStart),
              Math.max(pieceStart, shift + subEnd),
              fallback,
            ),
          );
        }
        tokens.push(',');
        ids.push(this.convertTokenToId(','));
        offsets.push(originalSpan(preprocessed, commaStart, pieceEnd, fallback));
      } else {
        tokens.push(piece);
        // Same as convert_tokens_to_ids(piece): added tokens first, then the piece's own id (an
        // unknown surface is looked up, as Python does with the string).
        const id = encoded.ids[index]!;
        const added = this.addedFirstUnits[piece.charCodeAt(0)] === 1 ? this.addedEncoder.get(piece) : undefined;
        ids.push(added ?? (id === unkId ? this.sentencePiece.pieceToId(piece) : id));
        offsets.push(originalSpan(preprocessed, pieceStart, pieceEnd, fallback));
      }
    }
  }

  private lowercaseKeep(): string[] {
    this.lowercaseKeepCache ??= [
      ...this.allSpecialTokens,
      ...[...this.addedDecoder.values()]
        .filter((token) => !token.special && token.normalized)
        .map((token) => token.content),
    ];
    return this.lowercaseKeepCache;
  }

  /**
   * Tokens with their `[start, end)` offsets (UTF-16 units) in `text` — transformers' `tokenize`.
   */
  private tokenizeWithOffsets(text: string): Part {
    let aligned = alignedIdentity(text);
    if (this.doLowerCase) aligned = lowercaseExcept(aligned, this.lowercaseKeep());
    const pieces: AlignedText[] =
      this.splitSpecialTokens || this.trie.empty
        ? [aligned]
        : this.trie.split(aligned.text).map(([from, to]) => alignedSlice(aligned, from, to));
    const isAdded = (piece: AlignedText): boolean => !this.splitSpecialTokens && this.addedEncoder.has(piece.text);
    for (let index = 0; index < pieces.length; index += 1) {
      const piece = pieces[index]!;
      if (!isAdded(piece)) continue;
      const token = this.addedDecoder.get(this.addedEncoder.get(piece.text)!);
      if (token === undefined) continue;
      const left = index > 0 ? pieces[index - 1] : undefined;
      const right = index < pieces.length - 1 ? pieces[index + 1] : undefined;
      if (token.rstrip && right !== undefined && right.text.length > 0) {
        const [from, to] = pythonStrip(right.text, true, false);
        pieces[index + 1] = alignedSlice(right, from, to);
      }
      if (token.lstrip && left !== undefined && left.text.length > 0) {
        const [from, to] = pythonStrip(left.text, false, true);
        pieces[index - 1] = alignedSlice(left, from, to);
      }
      const newLeft = index > 0 ? pieces[index - 1] : undefined;
      const newRight = index < pieces.length - 1 ? pieces[index + 1] : undefined;
      if (
        token.singleWord &&
        newLeft !== undefined &&
        newLeft.text.length > 0 &&
        newLeft.text[newLeft.text.length - 1] !== ' '
      ) {
        pieces[index - 1] = alignedConcat(newLeft, piece);
        pieces[index] = alignedSlice(piece, 0, 0);
      } else if (token.singleWord && newRight !== undefined && newRight.text.length > 0 && newRight.text[0] !== ' ') {
        pieces[index] = alignedConcat(piece, newRight);
        pieces[index + 1] = alignedSlice(newRight, 0, 0);
      }
    }
    const tokens: string[] = [];
    const ids: number[] = [];
    const offsets: Array<[number, number]> = [];
    for (const piece of pieces) {
      if (piece.text.length === 0) continue;
      if (isAdded(piece)) {
        tokens.push(piece.text);
        ids.push(this.addedEncoder.get(piece.text)!);
        offsets.push(originalSpan(piece, 0, piece.text.length, 0));
      } else {
        this.tokenizeSegment(piece, tokens, ids, offsets);
      }
    }
    return { tokens, offsets, ids };
  }

  /**
   * Splits `text` into tokens (transformers' `tokenize`).
   * @throws TokenizerError when `text` is not a string.
   */
  tokenize(text: string): string[] {
    this.checkText(text, 'text');
    return this.tokenizeWithOffsets(text).tokens;
  }

  // ---------------------------------------------------------------- special tokens around sequences

  /** `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` (`build_inputs_with_special_tokens`). */
  buildInputsWithSpecialTokens(tokenIds0: readonly number[], tokenIds1?: readonly number[] | null): number[] {
    const cls = this.clsTokenId;
    const sep = this.sepTokenId;
    if (tokenIds1 === undefined || tokenIds1 === null) return [cls, ...tokenIds0, sep];
    return [cls, ...tokenIds0, sep, ...tokenIds1, sep];
  }

  /**
   * 1 for special tokens, 0 for sequence tokens (`get_special_tokens_mask`); with
   * `alreadyHasSpecialTokens`, marks the special ids found in `tokenIds0`.
   */
  getSpecialTokensMask(
    tokenIds0: readonly number[],
    tokenIds1?: readonly number[] | null,
    alreadyHasSpecialTokens = false,
  ): number[] {
    if (alreadyHasSpecialTokens) {
      if (tokenIds1 !== undefined && tokenIds1 !== null) {
        throw new TokenizerError(
          'TOKENIZER_INVALID_OPTION',
          'You should not supply a second sequence if the provided sequence of ids is already formatted with special tokens for the model.',
          { file: this.file, field: 'tokenIds1' },
        );
      }
      const special = this.specialIdSet();
      return tokenIds0.map((id) => (special.has(id) ? 1 : 0));
    }
    const first = [1, ...tokenIds0.map(() => 0), 1];
    if (tokenIds1 === undefined || tokenIds1 === null) return first;
    return [...first, ...tokenIds1.map(() => 0), 1];
  }

  /** 0 for `[CLS] A [SEP]`, 1 for `B [SEP]` (`create_token_type_ids_from_sequences`). */
  createTokenTypeIdsFromSequences(tokenIds0: readonly number[], tokenIds1?: readonly number[] | null): number[] {
    const first = new Array<number>(tokenIds0.length + 2).fill(0);
    if (tokenIds1 === undefined || tokenIds1 === null) return first;
    return [...first, ...new Array<number>(tokenIds1.length + 1).fill(1)];
  }

  /** Number of special tokens added around one sequence (2) or a pair (3). */
  numSpecialTokensToAdd(pair = false): number {
    return pair ? 3 : 2;
  }

  // ---------------------------------------------------------------- encoding

  private resolveStrategies(options: EncodeOptions): Strategies {
    const padding: PaddingStrategy =
      options.padding === true
        ? 'longest'
        : options.padding === false || options.padding === undefined
          ? 'do_not_pad'
          : options.padding;
    if (!['longest', 'max_length', 'do_not_pad'].includes(padding))
      this.invalidOption('padding', options.padding, "true, false, 'longest', 'max_length' or 'do_not_pad'");
    let truncation: TruncationStrategy;
    if (options.truncation === true) truncation = 'longest_first';
    else if (options.truncation === false) truncation = 'do_not_truncate';
    else if (options.truncation === undefined) {
      if (options.maxLength !== undefined && padding === 'do_not_pad') {
        this.logger.warn(
          "Truncation was not explicitly activated but `max_length` is provided a specific value, please use `truncation=True` to explicitly truncate examples to max length. Defaulting to 'longest_first' truncation strategy.",
        );
        truncation = 'longest_first';
      } else truncation = 'do_not_truncate';
    } else truncation = options.truncation;
    if (!['longest_first', 'only_first', 'only_second', 'do_not_truncate'].includes(truncation)) {
      this.invalidOption(
        'truncation',
        options.truncation,
        "true, false, 'longest_first', 'only_first', 'only_second' or 'do_not_truncate'",
      );
    }
    let maxLength = options.maxLength;
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0))
      this.invalidOption('maxLength', maxLength, 'a non-negative integer');
    let resolvedPadding = padding;
    if (maxLength === undefined) {
      if (resolvedPadding === 'max_length') {
        if (this.modelMaxLength > veryLargeInteger) resolvedPadding = 'do_not_pad';
        else maxLength = this.modelMaxLength;
      }
      if (truncation !== 'do_not_truncate') {
        if (this.modelMaxLength > veryLargeInteger) truncation = 'do_not_truncate';
        else maxLength = this.modelMaxLength;
      }
    }
    if (resolvedPadding !== 'do_not_pad' && this.padTokenId < 0) {
      this.invalidOption('padding', options.padding, 'disabled: the tokenizer has no padding token');
    }
    const multiple = options.padToMultipleOf;
    if (multiple !== undefined && (!Number.isInteger(multiple) || multiple <= 0))
      this.invalidOption('padToMultipleOf', multiple, 'a positive integer');
    if (
      truncation !== 'do_not_truncate' &&
      resolvedPadding !== 'do_not_pad' &&
      multiple !== undefined &&
      maxLength !== undefined &&
      maxLength % multiple !== 0
    ) {
      this.invalidOption(
        'padToMultipleOf',
        multiple,
        `a divisor of maxLength (${maxLength}) when truncating and padding`,
      );
    }
    return { padding: resolvedPadding, truncation, maxLength };
  }

  private truncateSequences(
    first: Part,
    second: Part | null,
    toRemove: number,
    strategy: TruncationStrategy,
    stride: number,
  ): { overflowing: number[]; error?: string } {
    if (toRemove <= 0) return { overflowing: [] };
    const fromRight = this.truncationSide === 'right';
    const cut = (part: Part, count: number): void => {
      if (count <= 0) return;
      const keep = Math.max(0, part.ids.length - count);
      if (fromRight) {
        part.ids.length = keep;
        part.tokens.length = keep;
        part.offsets.length = keep;
      } else {
        const drop = Math.min(count, part.ids.length);
        part.ids.splice(0, drop);
        part.tokens.splice(0, drop);
        part.offsets.splice(0, drop);
      }
    };
    if (strategy === 'only_first' || (strategy === 'longest_first' && second === null)) {
      if (first.ids.length > toRemove) {
        const window = Math.min(first.ids.length, stride + toRemove);
        const overflowing = fromRight ? first.ids.slice(first.ids.length - window) : first.ids.slice(0, window);
        cut(first, toRemove);
        return { overflowing };
      }
      let message = `We need to remove ${toRemove} to truncate the input but the first sequence has a length ${first.ids.length}. `;
      if (strategy === 'only_first') {
        message += `Please select another truncation strategy than ${strategy}, for instance 'longest_first' or 'only_second'.`;
      }
      this.logger.error(message);
      return { overflowing: [], error: message };
    }
    if (strategy === 'longest_first') {
      const secondPart = second!;
      const lengthFirst = first.ids.length;
      const lengthSecond = secondPart.ids.length;
      const firstRemove = Math.min(Math.abs(lengthSecond - lengthFirst), toRemove);
      const secondRemove = toRemove - firstRemove;
      let idsToMove: number;
      let pairIdsToMove: number;
      if (lengthFirst > lengthSecond) {
        idsToMove = firstRemove + Math.floor(secondRemove / 2);
        pairIdsToMove = secondRemove - Math.floor(secondRemove / 2);
      } else {
        idsToMove = Math.floor(secondRemove / 2);
        pairIdsToMove = firstRemove + secondRemove - Math.floor(secondRemove / 2);
      }
      cut(first, idsToMove);
      cut(secondPart, pairIdsToMove);
      return { overflowing: [] };
    }
    if (strategy === 'only_second' && second !== null) {
      if (second.ids.length > toRemove) {
        const window = Math.min(second.ids.length, stride + toRemove);
        const overflowing = fromRight ? second.ids.slice(second.ids.length - window) : second.ids.slice(0, window);
        cut(second, toRemove);
        return { overflowing };
      }
      const message =
        `We need to remove ${toRemove} to truncate the input but the second sequence has a length ${second.ids.length}. ` +
        `Please select another truncation strategy than ${strategy}, for instance 'longest_first' or 'only_first'.`;
      this.logger.error(message);
      return { overflowing: [], error: message };
    }
    return { overflowing: [] };
  }

  /** transformers' `prepare_for_model` without padding. */
  private prepare(
    first: Part,
    second: Part | null,
    strategies: Strategies,
    addSpecialTokens: boolean,
    stride: number,
  ): Prepared {
    const total =
      first.ids.length +
      (second?.ids.length ?? 0) +
      (addSpecialTokens ? this.numSpecialTokensToAdd(second !== null) : 0);
    let overflowing: number[] = [];
    let truncationError: string | undefined;
    if (
      strategies.truncation !== 'do_not_truncate' &&
      strategies.maxLength !== undefined &&
      strategies.maxLength > 0 &&
      total > strategies.maxLength
    ) {
      const result = this.truncateSequences(first, second, total - strategies.maxLength, strategies.truncation, stride);
      overflowing = result.overflowing;
      truncationError = result.error;
    }
    let prepared: Prepared;
    if (addSpecialTokens) {
      const cls = this.specialToken('cls');
      const sep = this.specialToken('sep');
      const none: [number, number] = [0, 0];
      prepared = {
        ids: this.buildInputsWithSpecialTokens(first.ids, second?.ids),
        tokenTypeIds: this.createTokenTypeIdsFromSequences(first.ids, second?.ids),
        specialTokensMask: this.getSpecialTokensMask(first.ids, second?.ids),
        tokens: second === null ? [cls, ...first.tokens, sep] : [cls, ...first.tokens, sep, ...second.tokens, sep],
        offsets:
          second === null ? [none, ...first.offsets, none] : [none, ...first.offsets, none, ...second.offsets, none],
        overflowingTokens: overflowing,
      };
    } else {
      prepared = {
        ids: [...first.ids, ...(second?.ids ?? [])],
        tokenTypeIds: new Array<number>(first.ids.length + (second?.ids.length ?? 0)).fill(0),
        specialTokensMask: new Array<number>(first.ids.length + (second?.ids.length ?? 0)).fill(0),
        tokens: [...first.tokens, ...(second?.tokens ?? [])],
        offsets: [...first.offsets, ...(second?.offsets ?? [])],
        overflowingTokens: overflowing,
      };
    }
    if (truncationError !== undefined) prepared.truncationError = truncationError;
    if (strategies.maxLength === undefined && prepared.ids.length > this.modelMaxLength && !this.warnedTooLong) {
      this.warnedTooLong = true;
      this.logger.warn(
        `Token indices sequence length is longer than the specified maximum sequence length for this model (${prepared.ids.length} > ${this.modelMaxLength}). Running this sequence through the model will result in indexing errors`,
      );
    }
    return prepared;
  }

  /** transformers' `_pad` to `length` (already rounded), on the configured side. */
  private pad(prepared: Prepared, length: number, side: 'left' | 'right'): AlbertEncoding {
    const difference = length - prepared.ids.length;
    const attentionMask = new Array<number>(prepared.ids.length).fill(1);
    const encoding: AlbertEncoding = {
      inputIds: prepared.ids,
      tokenTypeIds: prepared.tokenTypeIds,
      attentionMask,
      specialTokensMask: prepared.specialTokensMask,
      offsets: prepared.offsets,
      tokens: prepared.tokens,
      overflowingTokens: prepared.overflowingTokens,
    };
    if (prepared.truncationError !== undefined) encoding.truncationError = prepared.truncationError;
    if (difference <= 0) return encoding;
    const padId = this.padTokenId;
    const padToken = this.specialToken('pad');
    const fill = <T>(value: T): T[] => new Array<T>(difference).fill(value);
    const join = <T>(values: T[], padding: T[]): T[] =>
      side === 'right' ? [...values, ...padding] : [...padding, ...values];
    encoding.inputIds = join(encoding.inputIds, fill(padId));
    encoding.tokenTypeIds = join(encoding.tokenTypeIds, fill(0));
    encoding.attentionMask = join(encoding.attentionMask, fill(0));
    encoding.specialTokensMask = join(encoding.specialTokensMask, fill(1));
    encoding.tokens = join(encoding.tokens, fill(padToken));
    encoding.offsets = join(
      encoding.offsets,
      Array.from({ length: difference }, (): [number, number] => [0, 0]),
    );
    return encoding;
  }

  private paddedLength(length: number, options: EncodeOptions): number {
    const multiple = options.padToMultipleOf;
    if (multiple !== undefined && length % multiple !== 0) return (Math.floor(length / multiple) + 1) * multiple;
    return length;
  }

  private toCodePointOffsets(text: string, offsets: Array<[number, number]>): void {
    if (!/[\ud800-\udfff]/.test(text)) return;
    const map = new Int32Array(text.length + 1);
    let count = 0;
    for (let index = 0; index < text.length; index += 1) {
      map[index] = count;
      const code = text.charCodeAt(index);
      if (!(
        code >= 0xdc00 &&
        code <= 0xdfff &&
        index > 0 &&
        text.charCodeAt(index - 1) >= 0xd800 &&
        text.charCodeAt(index - 1) <= 0xdbff
      ))
        count += 1;
    }
    map[text.length] = count;
    for (const offset of offsets) {
      offset[0] = map[offset[0]]!;
      offset[1] = map[offset[1]]!;
    }
  }

  private encodePart(text: string, field: string, options: EncodeOptions): Part {
    this.checkText(text, field);
    const part = this.tokenizeWithOffsets(text);
    if ((options.offsetUnit ?? 'codePoint') === 'codePoint') this.toCodePointOffsets(text, part.offsets);
    return part;
  }

  /**
   * Encodes a text, or a pair when `textPair` is given (transformers' `__call__` / `encode_plus`).
   * @throws TokenizerError when an input is not a string or an option is invalid.
   */
  encode(text: string, options: EncodeOptions & { textPair?: string } = {}): AlbertEncoding {
    checkOptionKeys(options, [...ENCODE_OPTION_KEYS, 'textPair'], 'encode options');
    const strategies = this.resolveStrategies(options);
    const first = this.encodePart(text, 'text', options);
    const second = options.textPair === undefined ? null : this.encodePart(options.textPair, 'textPair', options);
    const prepared = this.prepare(first, second, strategies, options.addSpecialTokens ?? true, options.stride ?? 0);
    let length = prepared.ids.length;
    if (strategies.padding === 'max_length' && strategies.maxLength !== undefined) length = strategies.maxLength;
    if (strategies.padding === 'do_not_pad') return this.pad(prepared, 0, options.paddingSide ?? this.paddingSide);
    return this.pad(prepared, this.paddedLength(length, options), options.paddingSide ?? this.paddingSide);
  }

  /** Encodes a pair of texts (`[CLS] A [SEP] B [SEP]`). */
  encodePair(text: string, textPair: string, options: EncodeOptions = {}): AlbertEncoding {
    return this.encode(text, { ...options, textPair });
  }

  /**
   * Encodes token ids of one text without special tokens (transformers' `encode(text, add_special_tokens=False)`
   * is `encodeIds(text, { addSpecialTokens: false })`).
   */
  encodeIds(text: string, options: EncodeOptions & { textPair?: string } = {}): number[] {
    return this.encode(text, options).inputIds;
  }

  /**
   * Encodes a batch of texts or `[text, textPair]` pairs (or texts with `textPairs`), then pads them
   * together (transformers' batch `__call__`).
   */
  encodeBatch(
    inputs: readonly BatchInput[],
    options: EncodeOptions & { textPairs?: readonly string[] } = {},
  ): AlbertBatchEncoding {
    if (!Array.isArray(inputs)) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        'encodeBatch expects an array of texts or [text, textPair] pairs',
        { file: this.file, value: typeof inputs },
      );
    }
    checkOptionKeys(options, [...ENCODE_OPTION_KEYS, 'textPairs'], 'encodeBatch options');
    if (options.textPairs !== undefined && options.textPairs.length !== inputs.length) {
      this.invalidOption('textPairs', options.textPairs.length, `an array of ${inputs.length} texts (one per input)`);
    }
    const strategies = this.resolveStrategies(options);
    const prepared = inputs.map((input, index) => {
      const [text, pair] = typeof input === 'string' ? [input, options.textPairs?.[index]] : [input[0], input[1]];
      const first = this.encodePart(text, `texts[${index}]`, options);
      const second = pair === undefined ? null : this.encodePart(pair, `textPairs[${index}]`, options);
      return this.prepare(first, second, strategies, options.addSpecialTokens ?? true, options.stride ?? 0);
    });
    let length = 0;
    if (strategies.padding === 'longest') length = Math.max(0, ...prepared.map((item) => item.ids.length));
    else if (strategies.padding === 'max_length') length = strategies.maxLength ?? 0;
    const side = options.paddingSide ?? this.paddingSide;
    const encodings = prepared.map((item) =>
      this.pad(item, strategies.padding === 'do_not_pad' ? 0 : this.paddedLength(length, options), side),
    );
    return {
      inputIds: encodings.map((encoding) => encoding.inputIds),
      tokenTypeIds: encodings.map((encoding) => encoding.tokenTypeIds),
      attentionMask: encodings.map((encoding) => encoding.attentionMask),
      specialTokensMask: encodings.map((encoding) => encoding.specialTokensMask),
      offsets: encodings.map((encoding) => encoding.offsets),
      tokens: encodings.map((encoding) => encoding.tokens),
      truncationErrors: encodings.map((encoding) => encoding.truncationError ?? null),
    };
  }

  // ---------------------------------------------------------------- decoding

  /** Joins tokens back into text (ALBERT's `convert_tokens_to_string`). */
  convertTokensToString(tokens: readonly string[]): string {
    const special = new Set(this.allSpecialTokens);
    let current: string[] = [];
    let output = '';
    let previousIsSpecial = false;
    for (const token of tokens) {
      if (special.has(token)) {
        if (!previousIsSpecial) output += ' ';
        output += this.sentencePiece.decodePieces(current) + token;
        previousIsSpecial = true;
        current = [];
      } else {
        current.push(token);
        previousIsSpecial = false;
      }
    }
    output += this.sentencePiece.decodePieces(current);
    const [start, end] = pythonStrip(output, true, true);
    return output.slice(start, end);
  }

  /**
   * Decodes ids to text (transformers' `decode`).
   * @throws TokenizerError for ids outside the vocabulary.
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    checkOptionKeys(options, DECODE_OPTION_KEYS, 'decode options');
    if (!Array.isArray(ids)) {
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', 'decode expects an array of token ids', {
        file: this.file,
        value: typeof ids,
      });
    }
    const skip = options.skipSpecialTokens ?? false;
    const filtered = this.convertIdsToTokens(ids, { skipSpecialTokens: skip });
    const specialTokens = new Set(this.allSpecialTokens);
    const legacyAdded = new Set<string>([...this.addedEncoder.keys()].filter((token) => !specialTokens.has(token)));
    for (const token of this.additionalSpecial)
      if (this.convertTokenToId(token.content) >= this.vocabSize) legacyAdded.add(token.content);
    const subTexts: string[] = [];
    let current: string[] = [];
    for (const token of filtered) {
      if (skip && specialTokens.has(token)) continue;
      if (legacyAdded.has(token)) {
        if (current.length > 0) {
          const text = this.convertTokensToString(current);
          if (text.length > 0) subTexts.push(text);
          current = [];
        }
        subTexts.push(token);
      } else current.push(token);
    }
    if (current.length > 0) subTexts.push(this.convertTokensToString(current));
    const text = subTexts.join((options.spacesBetweenSpecialTokens ?? true) ? ' ' : '');
    return (options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces) ? cleanUpTokenization(text) : text;
  }

  /** Decodes every sequence of a batch. */
  batchDecode(sequences: ReadonlyArray<readonly number[]>, options: DecodeOptions = {}): string[] {
    return sequences.map((ids) => this.decode(ids, options));
  }

  // ---------------------------------------------------------------- saving

  /**
   * The vocabulary file exactly as it was loaded (`save_vocabulary` writes these bytes).
   * @throws TokenizerError when the tokenizer was built without the original bytes.
   */
  saveVocabulary(): {
    /** File name transformers gives the vocabulary (`spiece.model`, its `VOCAB_FILES_NAMES`). */
    fileName: string;
    /** A copy of the original SentencePiece model bytes. */
    bytes: Uint8Array;
  } {
    if (this.modelBytes === null) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_OPTION',
        `${this.file}: the original model bytes are not available to save`,
        { file: this.file },
      );
    }
    return { fileName: 'spiece.model', bytes: this.modelBytes.slice() };
  }

  /** Node only: writes `[prefix-]spiece.model` into `directory`; returns the paths written. */
  async saveVocabularyToDirectory(directory: string, filenamePrefix?: string): Promise<string[]> {
    const { fsPromises: fs, path } = await import('#node-builtins');
    const { fileName, bytes } = this.saveVocabulary();
    const target = path.join(
      directory,
      (filenamePrefix !== undefined && filenamePrefix !== '' ? `${filenamePrefix}-` : '') + fileName,
    );
    await fs.writeFile(target, bytes);
    return [target];
  }
}

function parseJsonOption(
  value: string | Readonly<Record<string, unknown>> | undefined,
  file: string,
): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new TokenizerError(
      'TOKENIZER_INVALID_CONFIG',
      `${file}: invalid JSON (${(error as Error).message})`,
      { file },
      { cause: error },
    );
  }
}

/**
 * Maps the contents of `tokenizer_config.json` (+ `special_tokens_map.json`) to {@link AlbertTokenizerOptions},
 * as transformers' `from_pretrained` reads them (snake_case keys such as `do_lower_case`, `keep_accents`,
 * `mask_token`, `added_tokens_decoder`).
 * @throws TokenizerError `TOKENIZER_INVALID_CONFIG` for invalid JSON or field types.
 */
export function tokenizerOptionsFromConfig(
  tokenizerConfigInput: string | Readonly<Record<string, unknown>> | undefined,
  specialTokensMapInput: string | Readonly<Record<string, unknown>> | undefined,
): AlbertTokenizerOptions {
  const config: Record<string, unknown> = { ...parseJsonOption(tokenizerConfigInput, 'tokenizer_config.json') };
  const specialMap = parseJsonOption(specialTokensMapInput, 'special_tokens_map.json');
  const added = new Map<number, AddedTokenInit>();
  const addedByContent = new Map<string, AddedToken>();
  const decoder = config['added_tokens_decoder'];
  if (decoder !== undefined && decoder !== null && typeof decoder === 'object') {
    for (const [id, value] of Object.entries(decoder as Record<string, unknown>)) {
      const token = AddedToken.fromJSON(value);
      if (token === null || !Number.isInteger(Number(id))) {
        throw new TokenizerError(
          'TOKENIZER_INVALID_CONFIG',
          `tokenizer_config.json: added_tokens_decoder[${id}] is not a token`,
          {
            file: 'tokenizer_config.json',
            field: `added_tokens_decoder.${id}`,
            value,
          },
        );
      }
      added.set(Number(id), token);
      addedByContent.set(token.content, token);
    }
  } else {
    for (const [key, value] of Object.entries(specialMap)) config[key] = value;
  }
  const options: Record<string, unknown> = {};
  const booleanField = (json: string, name: string): void => {
    const value = config[json];
    if (value === undefined || value === null) return;
    if (typeof value !== 'boolean') {
      throw new TokenizerError(
        'TOKENIZER_INVALID_CONFIG',
        `tokenizer_config.json: ${json} must be a boolean, got ${JSON.stringify(value)}`,
        {
          file: 'tokenizer_config.json',
          field: json,
          value,
        },
      );
    }
    options[name] = value;
  };
  booleanField('do_lower_case', 'doLowerCase');
  booleanField('remove_space', 'removeSpace');
  booleanField('keep_accents', 'keepAccents');
  booleanField('clean_up_tokenization_spaces', 'cleanUpTokenizationSpaces');
  booleanField('split_special_tokens', 'splitSpecialTokens');
  const maxLength = config['model_max_length'];
  if (typeof maxLength === 'number') options['modelMaxLength'] = maxLength;
  for (const [json, name] of [
    ['padding_side', 'paddingSide'],
    ['truncation_side', 'truncationSide'],
  ] as const) {
    if (config[json] === 'left' || config[json] === 'right') options[name] = config[json];
  }
  const tokenFields = [
    ['bos_token', 'bosToken'],
    ['eos_token', 'eosToken'],
    ['unk_token', 'unkToken'],
    ['sep_token', 'sepToken'],
    ['pad_token', 'padToken'],
    ['cls_token', 'clsToken'],
    ['mask_token', 'maskToken'],
  ] as const;
  for (const [json, name] of tokenFields) {
    const value = config[json];
    if (value === undefined || value === null) continue;
    const token = AddedToken.fromJSON(value);
    if (token === null) {
      throw new TokenizerError('TOKENIZER_INVALID_CONFIG', `tokenizer_config.json: ${json} is not a token`, {
        file: 'tokenizer_config.json',
        field: json,
        value,
      });
    }
    options[name] = addedByContent.get(token.content) ?? token;
  }
  const additional = config['additional_special_tokens'];
  if (Array.isArray(additional)) {
    options['additionalSpecialTokens'] = additional
      .map((value) => AddedToken.fromJSON(value))
      .filter((token): token is AddedToken => token !== null)
      .map((token) => addedByContent.get(token.content) ?? token);
  }
  if (added.size > 0) options['addedTokens'] = added;
  return options as AlbertTokenizerOptions;
}

import { decodeUtf8Text } from '@albert-ts/config';
import { cleanUpTokenization } from '../clean-up-tokenization.js';
import type { BatchInput, DecodeOptions, TokenizerFileSource } from '../albert-tokenizer.js';
import type { AddedTokenInit } from '../added-token.js';
import { checkOptionKeys } from '@albert-ts/config';
import type { BatchEncoding, EncodeOptions, Encoding } from '../encoding.js';
import { TokenizerError } from '../tokenizer-error.js';
import { AddedVocabulary } from './added-vocabulary.js';
import { emptyEncoding, mergeEncodings, padEncoding, type FastEncoding } from './fast-encoding.js';
import { fastJsonOptionsFromConfig, fastTokenizerOptionsFromConfig } from './fast-tokenizer-config.js';
import {
  convertSentencePieceToTokenizerJson,
  type SentencePieceConversionOptions,
} from './convert-sentence-piece-to-tokenizer-json.js';
import type { FastModel } from './fast-model.js';
import type { FastDecoder } from './metaspace-decoder.js';
import type { FastNormalizer } from './normalizer.js';
import type { FastPreTokenizer } from './pre-tokenizer.js';
import type { TemplateProcessing } from './template-processing.js';
import { MetaspacePreTokenizer } from './metaspace-pre-tokenizer.js';
import type { NormalizedString } from './normalized-string.js';
import { PreTokenizedString } from './pre-tokenized-string.js';
import { SequencePreTokenizer } from './sequence-pre-tokenizer.js';
import { parseTokenizerJson, type TokenizerJsonLimits } from './tokenizer-json.js';
import { isUnicodeWhitespace } from '../python-text.js';
import { WhitespaceSplitPreTokenizer } from './whitespace-split-pre-tokenizer.js';
import { truncateEncodings, type FastTruncationStrategy } from './truncate-encodings.js';

/** Options of {@link AlbertTokenizerFast.fromJSON} (the settings `tokenizer_config.json` holds, camelCased). */
export interface AlbertTokenizerFastOptions {
  /** Name of the file the JSON came from, used in error messages (default `tokenizer.json`). */
  readonly file?: string;
  /**
   * Maximum input length of the model (default 512): the `maxLength` of truncation/padding when none is
   * given. Above 1e20 (transformers' "no limit", e.g. `1e30`), such calls neither truncate nor pad to it.
   */
  readonly modelMaxLength?: number;
  /** Padding token (default `<pad>`). */
  readonly padToken?: string;
  /** Unknown token (default `<unk>`). */
  readonly unkToken?: string;
  /** Classifier token, first of every input (default `[CLS]`). */
  readonly clsToken?: string;
  /** Separator token (default `[SEP]`). */
  readonly sepToken?: string;
  /** Mask token (default `[MASK]`). */
  readonly maskToken?: string;
  /** Beginning-of-sequence token (default `[CLS]`). */
  readonly bosToken?: string;
  /** End-of-sequence token (default `[SEP]`). */
  readonly eosToken?: string;
  /** More special tokens (`additional_special_tokens`). */
  readonly additionalSpecialTokens?: readonly string[];
  /** Default of `decode`'s `cleanUpTokenizationSpaces` (default true, as ALBERT's tokenizer config). */
  readonly cleanUpTokenizationSpaces?: boolean;
  /** Side padding goes to (default `right`). */
  readonly paddingSide?: 'right' | 'left';
  /** Side truncation removes tokens from (default `right`). */
  readonly truncationSide?: 'right' | 'left';
  /** `do_lower_case` recorded in a saved `tokenizer_config.json` (default true; the pipeline itself is in the JSON). */
  readonly doLowerCase?: boolean;
  /** `keep_accents` recorded in a saved `tokenizer_config.json` (default false). */
  readonly keepAccents?: boolean;
  /** `remove_space` recorded in a saved `tokenizer_config.json` (default true). */
  readonly removeSpace?: boolean;
  /** The bytes of the `spiece.model` this tokenizer comes from, if known: what `saveVocabulary` writes. */
  readonly sentencePieceModel?: Uint8Array;
  /** Bounds on the `tokenizer.json`'s nesting and normalization growth, passed to `parseTokenizerJson`. */
  readonly limits?: TokenizerJsonLimits;
}

const FAST_OPTION_KEYS = [
  'file',
  'modelMaxLength',
  'padToken',
  'unkToken',
  'clsToken',
  'sepToken',
  'maskToken',
  'bosToken',
  'eosToken',
  'additionalSpecialTokens',
  'cleanUpTokenizationSpaces',
  'paddingSide',
  'truncationSide',
  'doLowerCase',
  'keepAccents',
  'removeSpace',
  'sentencePieceModel',
  'limits',
] as const;

type SpecialTokenOption =
  'padToken' | 'unkToken' | 'clsToken' | 'sepToken' | 'maskToken' | 'bosToken' | 'eosToken' | 'additionalSpecialTokens';

/**
 * Options of {@link AlbertTokenizerFast.fromSentencePiece}: the tokenizer's settings, with special
 * tokens as strings or with their flags (`{ content: '[MASK]', lstrip: true }`), and the added tokens
 * of `tokenizer_config.json`, all of which the converter turns into `added_tokens`.
 */
export interface AlbertTokenizerFastFromSentencePieceOptions
  extends
    Omit<AlbertTokenizerFastOptions, 'sentencePieceModel' | SpecialTokenOption>,
    Pick<SentencePieceConversionOptions, SpecialTokenOption | 'addedTokens'> {}

/** One input sequence: a text, or (with `isSplitIntoWords`) a list of words. */
export type FastSequenceInput = string | readonly string[];

/**
 * Options of {@link AlbertTokenizerFast.encode} (transformers' `__call__` keyword arguments,
 * camelCased). Strict: an unknown key is an `OptionsError` (`OPTIONS_UNKNOWN_KEY`) naming the right spelling.
 */
export interface FastEncodeOptions extends EncodeOptions {
  /** The second sequence of a pair (words with `isSplitIntoWords`). */
  textPair?: FastSequenceInput;
  /**
   * Also return the windows truncation cut off (`return_overflowing_tokens`): consecutive windows of
   * the truncated sequence that overlap by `stride` tokens, each laid out with the special tokens and
   * the other sequence as the main encoding is (the question stays whole with `only_second`).
   */
  returnOverflowingTokens?: boolean;
  /**
   * The input is already split into words (`is_split_into_words`): each word is encoded on its own
   * (a `▁` is prepended to each), `wordIds` are indices into the word list, and offsets are relative
   * to each word, as the library gives them.
   */
  isSplitIntoWords?: boolean;
}

/** Options of {@link AlbertTokenizerFast.encodeBatch}. */
export interface FastEncodeBatchOptions extends Omit<FastEncodeOptions, 'textPair'> {
  /** Second sequences, one per input. */
  textPairs?: readonly FastSequenceInput[];
}

/** An item of {@link AlbertTokenizerFast.encodeBatch}: a text, a `[text, textPair]` pair, or (with `isSplitIntoWords`) a list of words. */
export type FastBatchInput = BatchInput | readonly string[];

const ENCODE_OPTION_KEYS = [
  'addSpecialTokens',
  'truncation',
  'maxLength',
  'stride',
  'padding',
  'padToMultipleOf',
  'paddingSide',
  'offsetUnit',
  'returnOverflowingTokens',
  'isSplitIntoWords',
] as const;

/** One encoded input: every field of the core `Encoding`, all present. */
export interface FastTokenizerEncoding extends Encoding {
  /** 1 for `[CLS]`, `[SEP]` and padding. */
  specialTokensMask: number[];
  /**
   * `[start, end)` into the original text of the sequence the token comes from (code points, or UTF-16
   * units with `offsetUnit: 'utf16'`; per word with `isSplitIntoWords`); `[0, 0]` for `[CLS]`, `[SEP]`
   * and padding. What a word-initial `▁` token covers depends on the `tokenizer.json` layout, exactly
   * as in the Rust library: with the converter's layout (`Metaspace` pre-tokenizer, what
   * {@link AlbertTokenizerFast.fromSentencePiece} and transformers write) it includes ONE space
   * before the word (`"is  the"` → `▁the` spans `" the"`, the last space of the run); with the older
   * hub layout (`WhitespaceSplit` first) it covers the word only. The slow `AlbertTokenizer`
   * includes the whole run of whitespace before the word (`"  the"`). Python's pipelines use these
   * fast offsets (`answer` = `context[start:end]`, leading space included).
   */
  offsets: Array<[number, number]>;
  /** Token strings as the fast tokenizer reports them (an added token keeps the spaces it stripped; unknown pieces their text). */
  tokens: string[];
  /** Word (pre-token) index of each token (`word_ids()`); `null` for special tokens and padding. */
  wordIds: Array<number | null>;
  /** Sequence (0 the text, 1 the pair) of each token (`sequence_ids()`); `null` for special tokens and padding. */
  sequenceIds: Array<number | null>;
  /** With `returnOverflowingTokens`: the further windows, in the library's order (empty when none). */
  overflowing?: FastTokenizerEncoding[];
}

/** A batch of encoded inputs, every field present. */
export interface FastTokenizerBatchEncoding extends BatchEncoding {
  /** Special-tokens masks per row. */
  specialTokensMask: number[][];
  /** Offsets per row. */
  offsets: Array<Array<[number, number]>>;
  /** Token strings per row. */
  tokens: string[][];
  /** Word ids per row (`word_ids(row)`). */
  wordIds: Array<Array<number | null>>;
  /** Sequence ids per row (`sequence_ids(row)`). */
  sequenceIds: Array<Array<number | null>>;
  /**
   * With `returnOverflowingTokens` (rows are then every window of every input, in order): the input
   * each row comes from (`overflow_to_sample_mapping`).
   */
  overflowToSampleMapping?: number[];
}

interface ResolvedCall {
  addSpecialTokens: boolean;
  offsetUnit: 'codePoint' | 'utf16';
  truncation:
    { maxLength: number; strategy: FastTruncationStrategy; direction: 'right' | 'left'; stride: number } | undefined;
  padding: { length: number | undefined; multiple: number | undefined; side: 'right' | 'left' } | undefined;
  overflow: boolean;
  words: boolean;
}

/** transformers' `LARGE_INTEGER`: a `model_max_length` above it means "no limit". */
const LARGE_INTEGER = 1e20;

/**
 * ALBERT's fast tokenizer: the `tokenizer.json` pipeline of the Hugging Face `tokenizers` library
 * (added tokens → normalizer → pre-tokenizer → Unigram → template → truncation/padding), token for
 * token and offset for offset, in pure TypeScript (browser-safe; build it from the JSON text or
 * object, or from a `spiece.model` through transformers' converter). Where the slow tokenizer logs
 * and returns an untruncated result, this one throws the library's truncation error, as
 * `AlbertTokenizerFast` does. Adds what question answering and token classification need:
 * overflowing windows with `stride`, word and sequence ids, pre-tokenized input.
 *
 * ```ts
 * const tokenizer = await loadTokenizer('./my-albert');          // tokenizer.json, or spiece.model converted
 * const batch = tokenizer.encodeBatch([[question, context]], {
 *   truncation: 'only_second', maxLength: 384, stride: 128, returnOverflowingTokens: true, padding: 'longest',
 * });
 * batch.overflowToSampleMapping; // [0, 0, 0]: three windows of the one input
 * batch.sequenceIds[1];          // [null, 0, ..., 0, null, 1, ..., 1, null, null]
 * ```
 *
 * @example
 * ```ts
 * import { AlbertTokenizerFast } from '@albert-ts/tokenizer';
 *
 * const tokenizer = await AlbertTokenizerFast.fromFile('./albert-base-v2/tokenizer.json');
 * const encoding = tokenizer.encode('Hello world!');
 * console.log(encoding.tokens, encoding.offsets); // ['[CLS]', '▁hello', '▁world', '!', '[SEP]'], character spans
 * ```
 */
export class AlbertTokenizerFast {
  /** Name of the `tokenizer.json` (for messages). */
  readonly file: string;
  /** The model's maximum input length. */
  readonly modelMaxLength: number;
  /** Default of `decode`'s space clean-up. */
  readonly cleanUpTokenizationSpaces: boolean;
  /** Default padding side. */
  readonly paddingSide: 'right' | 'left';
  /** Default truncation side. */
  readonly truncationSide: 'right' | 'left';
  /** Padding token. */
  readonly padToken: string;
  /** Padding id. */
  readonly padTokenId: number;
  /** Unknown token. */
  readonly unkToken: string;
  /** Classifier token. */
  readonly clsToken: string;
  /** Separator token. */
  readonly sepToken: string;
  /** Mask token. */
  readonly maskToken: string;
  /** Beginning-of-sequence token. */
  readonly bosToken: string;
  /** End-of-sequence token. */
  readonly eosToken: string;
  /** Additional special tokens. */
  readonly additionalSpecialTokens: readonly string[];
  /** `do_lower_case` of the tokenizer's configuration (informational: the pipeline is in the JSON). */
  readonly doLowerCase: boolean;
  /** `keep_accents` of the tokenizer's configuration (informational). */
  readonly keepAccents: boolean;
  /** `remove_space` of the tokenizer's configuration (informational). */
  readonly removeSpace: boolean;
  private readonly normalizer: FastNormalizer | undefined;
  private readonly preTokenizer: FastPreTokenizer | undefined;
  private readonly model: FastModel;
  private readonly postProcessor: TemplateProcessing | undefined;
  private readonly decoder: FastDecoder | undefined;
  private readonly addedVocabulary: AddedVocabulary;
  private readonly document: string | object;
  private readonly sentencePieceModel: Uint8Array | undefined;
  /** The Metaspace step of a `WhitespaceSplit` → `Metaspace` pre-tokenizer (ALBERT's layout), run word by word without intermediate objects. */
  private readonly wordMetaspace: MetaspacePreTokenizer | undefined;

  private constructor(json: string | object, options: AlbertTokenizerFastOptions) {
    checkOptionKeys(options, FAST_OPTION_KEYS, 'AlbertTokenizerFast options');
    const pipeline = parseTokenizerJson(json, {
      file: options.file ?? 'tokenizer.json',
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    });
    this.document = json;
    this.file = pipeline.file;
    this.normalizer = pipeline.normalizer;
    this.preTokenizer = pipeline.preTokenizer;
    this.model = pipeline.model;
    this.postProcessor = pipeline.postProcessor;
    this.decoder = pipeline.decoder;
    this.addedVocabulary = new AddedVocabulary(pipeline.addedTokens, pipeline.normalizer);
    const steps = pipeline.preTokenizer instanceof SequencePreTokenizer ? pipeline.preTokenizer.preTokenizers : [];
    const metaspace = steps[1];
    this.wordMetaspace =
      steps.length === 2 &&
      steps[0] instanceof WhitespaceSplitPreTokenizer &&
      metaspace instanceof MetaspacePreTokenizer &&
      metaspace.splitPieces &&
      metaspace.prependScheme !== 'never'
        ? metaspace
        : undefined;
    this.modelMaxLength = options.modelMaxLength ?? 512;
    if (!(this.modelMaxLength > 0)) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_OPTION',
        `${this.file}: modelMaxLength must be a positive number, got ${String(this.modelMaxLength)}`,
        {
          file: this.file,
          field: 'modelMaxLength',
          value: this.modelMaxLength,
        },
      );
    }
    this.cleanUpTokenizationSpaces = options.cleanUpTokenizationSpaces ?? true;
    this.paddingSide = options.paddingSide ?? 'right';
    this.truncationSide = options.truncationSide ?? 'right';
    for (const [name, value] of [
      ['paddingSide', this.paddingSide],
      ['truncationSide', this.truncationSide],
    ] as const) {
      if (value !== 'left' && value !== 'right') {
        throw new TokenizerError(
          'TOKENIZER_INVALID_OPTION',
          `${this.file}: ${name} must be "left" or "right", got ${JSON.stringify(value)}`,
          {
            file: this.file,
            field: name,
            value,
          },
        );
      }
    }
    this.padToken = options.padToken ?? '<pad>';
    this.unkToken = options.unkToken ?? '<unk>';
    this.clsToken = options.clsToken ?? '[CLS]';
    this.sepToken = options.sepToken ?? '[SEP]';
    this.maskToken = options.maskToken ?? '[MASK]';
    this.bosToken = options.bosToken ?? '[CLS]';
    this.eosToken = options.eosToken ?? '[SEP]';
    this.additionalSpecialTokens = [...(options.additionalSpecialTokens ?? [])];
    this.doLowerCase = options.doLowerCase ?? true;
    this.keepAccents = options.keepAccents ?? false;
    this.removeSpace = options.removeSpace ?? true;
    this.sentencePieceModel = options.sentencePieceModel;
    const padId = this.tokenToId(this.padToken);
    if (padId === undefined) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_CONFIG',
        `${this.file}: padding token ${JSON.stringify(this.padToken)} is not in the vocabulary`,
        {
          file: this.file,
          field: 'padToken',
          value: this.padToken,
        },
      );
    }
    this.padTokenId = padId;
  }

  /**
   * Builds the fast tokenizer from a `spiece.model` alone, as `AlbertTokenizerFast(vocab_file=...)`
   * does in Python: the model goes through transformers' slow→fast converter
   * ({@link convertSentencePieceToTokenizerJson}; `doLowerCase`, `keepAccents` and the special tokens
   * shape it), and the bytes are kept for {@link saveVocabulary}.
   *
   * ```ts
   * const tokenizer = AlbertTokenizerFast.fromSentencePiece(await readFile('spiece.model'));
   * tokenizer.encode('Paris is the [MASK] of France.').offsets; // [[0, 0], [0, 5], [6, 8], ...]
   * ```
   * @throws TokenizerError for a corrupt or non-unigram model, or an unknown option.
   */
  static fromSentencePiece(
    modelBytes: Uint8Array | ArrayBuffer,
    options: AlbertTokenizerFastFromSentencePieceOptions = {},
  ): AlbertTokenizerFast {
    checkOptionKeys(
      options,
      [...FAST_OPTION_KEYS.filter((key) => key !== 'sentencePieceModel'), 'addedTokens'],
      'AlbertTokenizerFast.fromSentencePiece options',
    );
    const bytes = modelBytes instanceof ArrayBuffer ? new Uint8Array(modelBytes) : modelBytes;
    const file = options.file ?? 'spiece.model';
    const conversion: Record<string, unknown> = { file };
    const tokenizerOptions: Record<string, unknown> = { file, sentencePieceModel: bytes };
    const content = (token: string | AddedTokenInit): string => (typeof token === 'string' ? token : token.content);
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined || key === 'file') continue;
      if (key === 'addedTokens') conversion[key] = value;
      else if (key === 'additionalSpecialTokens') {
        conversion[key] = value;
        tokenizerOptions[key] = (value as ReadonlyArray<string | AddedTokenInit>).map(content);
      } else if (key.endsWith('Token')) {
        conversion[key] = value;
        tokenizerOptions[key] = content(value as string | AddedTokenInit);
      } else {
        if (key === 'doLowerCase' || key === 'keepAccents') conversion[key] = value;
        tokenizerOptions[key] = value;
      }
    }
    const json = convertSentencePieceToTokenizerJson(bytes, conversion as SentencePieceConversionOptions);
    return new AlbertTokenizerFast(json, tokenizerOptions as AlbertTokenizerFastOptions);
  }

  /**
   * The tokenizer's `tokenizer.json` document (for one built with {@link fromSentencePiece}: what
   * transformers' converter writes), ready for `JSON.stringify`. A fresh copy each call.
   */
  toJSON(): Record<string, unknown> {
    const document = this.document;
    return (typeof document === 'string' ? JSON.parse(document) : structuredClone(document)) as Record<string, unknown>;
  }

  /** The `spiece.model` bytes this tokenizer was built from or loaded with, if known. */
  get hasSentencePieceModel(): boolean {
    return this.sentencePieceModel !== undefined;
  }

  /**
   * Builds the tokenizer from the contents of a `tokenizer.json` (text or parsed object).
   * @throws TokenizerError `TOKENIZER_MODEL_CORRUPT` (malformed file) or `TOKENIZER_UNSUPPORTED_MODEL`
   *   (a component this implementation does not provide), naming the file and the component.
   */
  static fromJSON(json: string | object, options: AlbertTokenizerFastOptions = {}): AlbertTokenizerFast {
    return new AlbertTokenizerFast(json, options);
  }

  /**
   * Loads `tokenizer.json` from a model's files, with the settings and special tokens of
   * `tokenizer_config.json` / `special_tokens_map.json` when present (explicit `options` win) and the
   * `spiece.model` bytes when there is one (for {@link saveVocabulary}). See `loadTokenizer` for the
   * loader that also converts a directory holding only `spiece.model`.
   * @throws TokenizerError `TOKENIZER_FILE_NOT_FOUND` without a tokenizer.json; `TOKENIZER_INVALID_CONFIG`
   *   for a tokenizer_config.json that is not a JSON object.
   */
  static async fromFiles(
    source: TokenizerFileSource,
    options: AlbertTokenizerFastOptions = {},
  ): Promise<AlbertTokenizerFast> {
    checkOptionKeys(options, FAST_OPTION_KEYS, 'AlbertTokenizerFast.fromFiles options');
    if (!(await source.has('tokenizer.json'))) {
      throw new TokenizerError('TOKENIZER_FILE_NOT_FOUND', `${source.description}: no tokenizer.json`, {
        file: `${source.description}/tokenizer.json`,
      });
    }
    const json = await source.readText('tokenizer.json');
    const tokenizerConfig = (await source.has('tokenizer_config.json'))
      ? await source.readText('tokenizer_config.json')
      : undefined;
    const specialTokensMap = (await source.has('special_tokens_map.json'))
      ? await source.readText('special_tokens_map.json')
      : undefined;
    const fromConfig = fastJsonOptionsFromConfig(fastTokenizerOptionsFromConfig(tokenizerConfig, specialTokensMap));
    const sentencePieceModel = (await source.has('spiece.model')) ? await source.read('spiece.model') : undefined;
    const explicit = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    return new AlbertTokenizerFast(json, {
      file: `${source.description}/tokenizer.json`,
      ...fromConfig,
      ...(sentencePieceModel === undefined ? {} : { sentencePieceModel }),
      ...explicit,
    });
  }

  /**
   * Reads a `tokenizer.json` from disk (Node only), decoded by `decodeUtf8Text` (a byte order mark is
   * dropped; invalid UTF-8 is `CHECKPOINT_INVALID_TEXT` naming the file).
   */
  static async fromFile(path: string, options: AlbertTokenizerFastOptions = {}): Promise<AlbertTokenizerFast> {
    const { readFile } = (await import('#node-builtins')).fsPromises;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      throw new TokenizerError(
        'TOKENIZER_FILE_NOT_FOUND',
        `${path}: cannot read the tokenizer file (${(cause as Error).message})`,
        { file: path },
        { cause },
      );
    }
    return new AlbertTokenizerFast(decodeUtf8Text(bytes, path), { ...options, file: options.file ?? path });
  }

  /** Size of the model's vocabulary (added tokens that are not in it excluded). */
  get vocabSize(): number {
    return this.model.vocabSize;
  }

  /** Number of entries including added tokens that are not in the model (`len(tokenizer)`). */
  get length(): number {
    return this.getVocab().size;
  }

  /** Every token and its id (model vocabulary and added tokens). */
  getVocab(): Map<string, number> {
    const vocab = new Map<string, number>();
    for (let id = 0; id < this.model.vocabSize; id++) {
      const token = this.model.idToToken(id);
      if (token !== undefined && !vocab.has(token)) vocab.set(token, id);
    }
    for (const [content, id] of this.addedVocabulary.idsByContent) vocab.set(content, id);
    return vocab;
  }

  /** Id of `[CLS]`. */
  get clsTokenId(): number {
    return this.convertTokenToId(this.clsToken);
  }

  /** Id of `[SEP]`. */
  get sepTokenId(): number {
    return this.convertTokenToId(this.sepToken);
  }

  /** Id of `[MASK]`. */
  get maskTokenId(): number {
    return this.convertTokenToId(this.maskToken);
  }

  /** Id of `<unk>`. */
  get unkTokenId(): number {
    return this.convertTokenToId(this.unkToken);
  }

  /** Every special token (`all_special_tokens`): bos, eos, unk, sep, pad, cls, mask, then the additional ones, without repeats. */
  get allSpecialTokens(): readonly string[] {
    const tokens = [
      this.bosToken,
      this.eosToken,
      this.unkToken,
      this.sepToken,
      this.padToken,
      this.clsToken,
      this.maskToken,
      ...this.additionalSpecialTokens,
    ];
    return [...new Set(tokens)];
  }

  /** Ids of {@link allSpecialTokens} (`all_special_ids`). */
  get allSpecialIds(): readonly number[] {
    return this.allSpecialTokens.map((token) => this.convertTokenToId(token));
  }

  /**
   * 1 where a special token goes, 0 for the sequence tokens (`get_special_tokens_mask`). Without
   * `alreadyHasSpecialTokens`, the mask of `buildInputsWithSpecialTokens(tokenIds0, tokenIds1)`
   * (as the slow tokenizer computes it; Python's fast one only supports the other form); with it,
   * 1 for every id of {@link allSpecialIds} in `tokenIds0`.
   * @throws TokenizerError `TOKENIZER_INVALID_INPUT` for ids that are not integers, or a second
   *   sequence with `alreadyHasSpecialTokens` (Python's message).
   */
  getSpecialTokensMask(
    tokenIds0: readonly number[],
    tokenIds1?: readonly number[] | null,
    alreadyHasSpecialTokens = false,
  ): number[] {
    for (const [field, ids] of [
      ['tokenIds0', tokenIds0],
      ['tokenIds1', tokenIds1 ?? []],
    ] as const) {
      if (!Array.isArray(ids) || ids.some((id) => !Number.isInteger(id))) {
        throw new TokenizerError(
          'TOKENIZER_INVALID_INPUT',
          `getSpecialTokensMask: ${field} must be an array of integer ids, got ${describe(ids)}`,
          {
            field,
            value: describe(ids),
          },
        );
      }
    }
    if (alreadyHasSpecialTokens) {
      if (tokenIds1 != null) {
        throw new TokenizerError(
          'TOKENIZER_INVALID_INPUT',
          'You should not supply a second sequence if the provided sequence of ids is already formatted with special tokens for the model.',
          { field: 'tokenIds1' },
        );
      }
      const special = new Set(this.allSpecialIds);
      return tokenIds0.map((id) => (special.has(id) ? 1 : 0));
    }
    const zeros = (count: number): number[] => new Array<number>(count).fill(0);
    return tokenIds1 == null
      ? [1, ...zeros(tokenIds0.length), 1]
      : [1, ...zeros(tokenIds0.length), 1, ...zeros(tokenIds1.length), 1];
  }

  /**
   * The vocabulary file transformers' `save_vocabulary` writes for ALBERT: a copy of the
   * `spiece.model` the tokenizer was built from (or loaded beside its `tokenizer.json`).
   * @throws TokenizerError `TOKENIZER_INVALID_OPTION` when the tokenizer has no `spiece.model` (Python
   *   refuses the same: a fast tokenizer without it cannot save a slow vocabulary).
   */
  saveVocabulary(): {
    /** File name transformers gives the vocabulary (`spiece.model`). */
    fileName: string;
    /** A copy of the model's bytes. */
    bytes: Uint8Array;
  } {
    if (this.sentencePieceModel === undefined) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_OPTION',
        `${this.file}: this fast tokenizer has no spiece.model (it was loaded from a tokenizer.json alone), so it cannot save the vocabulary for a slow tokenizer`,
        { file: this.file },
      );
    }
    return { fileName: 'spiece.model', bytes: this.sentencePieceModel.slice() };
  }

  /** Node only: writes `[prefix-]spiece.model` into `directory`; returns the paths written. */
  async saveVocabularyToDirectory(directory: string, filenamePrefix?: string): Promise<string[]> {
    const { fileName, bytes } = this.saveVocabulary();
    const { writeFiles } = await import('./write-files.js');
    const name = (filenamePrefix !== undefined && filenamePrefix !== '' ? `${filenamePrefix}-` : '') + fileName;
    return writeFiles(directory, [[name, bytes]]);
  }

  /**
   * The files of a saved tokenizer, as Python's `save_pretrained` writes them and
   * `AutoTokenizer.from_pretrained` reads them back: `tokenizer.json`, `tokenizer_config.json`,
   * `special_tokens_map.json`, and `spiece.model` when known. Browser-safe (nothing is written).
   */
  pretrainedFiles(): Map<string, Uint8Array> {
    const encoder = new TextEncoder();
    const json = (value: unknown): Uint8Array => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
    const files = new Map<string, Uint8Array>();
    files.set('tokenizer.json', json(this.toJSON()));
    if (this.sentencePieceModel !== undefined) files.set('spiece.model', this.sentencePieceModel.slice());
    const addedTokensDecoder: Record<string, unknown> = {};
    for (const [id, token] of [...this.addedVocabulary.tokensById].sort(([left], [right]) => left - right)) {
      addedTokensDecoder[String(id)] = {
        content: token.content,
        lstrip: token.lstrip,
        normalized: token.normalized,
        rstrip: token.rstrip,
        single_word: token.singleWord,
        special: token.special,
      };
    }
    const tokenEntry = (content: string, alwaysObject: boolean): unknown => {
      const id = this.addedVocabulary.idsByContent.get(content);
      const token = id === undefined ? undefined : this.addedVocabulary.tokensById.get(id);
      if (token === undefined) return content;
      if (!alwaysObject && !token.lstrip && !token.rstrip && !token.singleWord && !token.normalized) return content;
      return {
        content,
        lstrip: token.lstrip,
        normalized: token.normalized,
        rstrip: token.rstrip,
        single_word: token.singleWord,
      };
    };
    const specialTokensMap: Record<string, unknown> = {
      bos_token: tokenEntry(this.bosToken, false),
      cls_token: tokenEntry(this.clsToken, false),
      eos_token: tokenEntry(this.eosToken, false),
      mask_token: tokenEntry(this.maskToken, true),
      pad_token: tokenEntry(this.padToken, false),
      sep_token: tokenEntry(this.sepToken, false),
      unk_token: tokenEntry(this.unkToken, false),
    };
    if (this.additionalSpecialTokens.length > 0)
      specialTokensMap['additional_special_tokens'] = this.additionalSpecialTokens.map((token) =>
        tokenEntry(token, false),
      );
    const config: Record<string, unknown> = {
      added_tokens_decoder: addedTokensDecoder,
      ...(this.additionalSpecialTokens.length > 0
        ? { additional_special_tokens: [...this.additionalSpecialTokens] }
        : {}),
      bos_token: this.bosToken,
      clean_up_tokenization_spaces: this.cleanUpTokenizationSpaces,
      cls_token: this.clsToken,
      do_lower_case: this.doLowerCase,
      eos_token: this.eosToken,
      extra_special_tokens: {},
      keep_accents: this.keepAccents,
      mask_token: this.maskToken,
      model_max_length: this.modelMaxLength,
      pad_token: this.padToken,
      padding_side: this.paddingSide,
      remove_space: this.removeSpace,
      sep_token: this.sepToken,
      tokenizer_class: 'AlbertTokenizer',
      truncation_side: this.truncationSide,
      unk_token: this.unkToken,
    };
    files.set('tokenizer_config.json', json(config));
    files.set('special_tokens_map.json', json(specialTokensMap));
    return files;
  }

  /**
   * Node only: writes {@link pretrainedFiles} into `directory` (created when missing), each file
   * through a temporary name and a rename, so a failure leaves no half-written file. Python's
   * `AutoTokenizer.from_pretrained(directory)` loads the result and encodes identically.
   * @returns the paths written.
   */
  async savePretrained(directory: string): Promise<string[]> {
    const { writeFiles } = await import('./write-files.js');
    return writeFiles(directory, [...this.pretrainedFiles()]);
  }

  /** `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` over ids (`build_inputs_with_special_tokens`). */
  buildInputsWithSpecialTokens(tokenIds0: readonly number[], tokenIds1?: readonly number[] | null): number[] {
    const cls = this.clsTokenId;
    const sep = this.sepTokenId;
    return tokenIds1 == null ? [cls, ...tokenIds0, sep] : [cls, ...tokenIds0, sep, ...tokenIds1, sep];
  }

  /** Segment ids of `buildInputsWithSpecialTokens` (`create_token_type_ids_from_sequences`). */
  createTokenTypeIdsFromSequences(tokenIds0: readonly number[], tokenIds1?: readonly number[] | null): number[] {
    const first = new Array<number>(tokenIds0.length + 2).fill(0);
    return tokenIds1 == null ? first : [...first, ...new Array<number>(tokenIds1.length + 1).fill(1)];
  }

  /** Id of a token (added tokens first), or `undefined`. */
  tokenToId(token: string): number | undefined {
    return this.addedVocabulary.idsByContent.get(token) ?? this.model.tokenToId(token);
  }

  /** Token of an id (added tokens first), or `undefined`. */
  idToToken(id: number): string | undefined {
    return this.addedVocabulary.tokensById.get(id)?.content ?? this.model.idToToken(id);
  }

  /** Ids of tokens (unknown tokens map to the unknown id, as `convert_tokens_to_ids`). */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((token) => this.convertTokenToId(token));
  }

  /** Tokens of ids (optionally without special tokens). */
  convertIdsToTokens(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string[] {
    checkOptionKeys(options, ['skipSpecialTokens'], 'convertIdsToTokens options');
    const result: string[] = [];
    for (const id of ids) {
      const token = this.idToToken(id);
      if (token === undefined) continue;
      if (options.skipSpecialTokens === true && this.addedVocabulary.specialContents.has(token)) continue;
      result.push(token);
    }
    return result;
  }

  /** Tokens of `text` without special tokens (`tokenize`). */
  tokenize(text: string): string[] {
    return this.encodeSequence(this.checkText(text, 'text'), 0).tokens;
  }

  /** Id of a token, the unknown id when absent (transformers' `convert_tokens_to_ids` for one token). */
  convertTokenToId(token: string): number {
    return this.tokenToId(token) ?? this.tokenToId(this.unkToken) ?? 0;
  }

  /**
   * Encodes a text, or a pair when `textPair` is given (transformers' `__call__`). With
   * `returnOverflowingTokens`, the windows cut off by truncation come back in `overflowing` (use
   * {@link encodeBatch} for the flat rows and `overflowToSampleMapping` of Python's output).
   *
   * ```ts
   * const encoding = tokenizer.encode('Who lives in Paris?', {
   *   textPair: longContext, truncation: 'only_second', maxLength: 384, stride: 128, returnOverflowingTokens: true,
   * });
   * encoding.sequenceIds; // [null, 0, 0, 0, 0, 0, null, 1, 1, ..., null]
   * ```
   * @throws TokenizerError for a non-string input, an unknown or invalid option, or
   *   (`TOKENIZER_TRUNCATION_ERROR`) a truncation that cannot be done — with the library's message.
   */
  encode(text: FastSequenceInput, options: FastEncodeOptions = {}): FastTokenizerEncoding {
    checkOptionKeys(options, [...ENCODE_OPTION_KEYS, 'textPair'], 'encode options');
    const call = this.resolveCall(options);
    const checked = this.checkSequence(text, 'text', call.words);
    const pair =
      options.textPair === undefined ? undefined : this.checkSequence(options.textPair, 'textPair', call.words);
    return this.toPublic(this.encodeRaw(checked, pair, call), checked, pair, call, true);
  }

  /** Encodes a pair of texts (`[CLS] A [SEP] B [SEP]`). */
  encodePair(
    text: FastSequenceInput,
    textPair: FastSequenceInput,
    options: Omit<FastEncodeOptions, 'textPair'> = {},
  ): FastTokenizerEncoding {
    return this.encode(text, { ...options, textPair });
  }

  /** Token ids of one text or pair (`encodeIds(text, { addSpecialTokens: false })` is transformers' `encode(text, add_special_tokens=False)`). */
  encodeIds(text: FastSequenceInput, options: FastEncodeOptions = {}): number[] {
    return this.encode(text, options).inputIds;
  }

  /**
   * Encodes a batch of texts or `[text, textPair]` pairs (or texts with `textPairs`; word lists with
   * `isSplitIntoWords`); padding `longest` pads to the longest of the batch. With
   * `returnOverflowingTokens` the rows are every window of every input, in order, and
   * `overflowToSampleMapping` tells which input each row comes from. With `isSplitIntoWords` each
   * item is a list of words (give pairs with `textPairs`). One failing item fails the batch, as in
   * the library.
   * @throws TokenizerError for an empty batch, a malformed item, an unknown or invalid option.
   */
  encodeBatch(inputs: readonly FastBatchInput[], options: FastEncodeBatchOptions = {}): FastTokenizerBatchEncoding {
    checkOptionKeys(options, [...ENCODE_OPTION_KEYS, 'textPairs'], 'encodeBatch options');
    if (!Array.isArray(inputs) || inputs.length === 0) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `encodeBatch expects a non-empty array of texts or [text, textPair] pairs, got ${Array.isArray(inputs) ? 'an empty array' : describe(inputs)}`,
        { file: this.file, field: 'inputs', value: describe(inputs) },
      );
    }
    if (
      options.textPairs !== undefined &&
      (!Array.isArray(options.textPairs) || options.textPairs.length !== inputs.length)
    ) {
      const count = Array.isArray(options.textPairs) ? options.textPairs.length : describe(options.textPairs);
      throw new TokenizerError('TOKENIZER_INVALID_OPTION', `textPairs has ${count} texts for ${inputs.length} inputs`, {
        file: this.file,
        field: 'textPairs',
        value: count,
      });
    }
    const call = this.resolveCall(options);
    const items = inputs.map((input, index): [FastSequenceInput, FastSequenceInput | undefined] => {
      const pair = options.textPairs?.[index];
      if (!call.words && Array.isArray(input)) {
        if (input.length !== 2 || pair !== undefined) {
          throw new TokenizerError(
            'TOKENIZER_INVALID_INPUT',
            `inputs[${index}] must be a text or a [text, textPair] pair, got an array of ${input.length} items${pair !== undefined ? ' (with textPairs too)' : ''}`,
            { file: this.file, field: `inputs[${index}]`, value: input.length },
          );
        }
        return [this.checkText(input[0], `inputs[${index}][0]`), this.checkText(input[1], `inputs[${index}][1]`)];
      }
      return [
        this.checkSequence(input, `inputs[${index}]`, call.words),
        pair === undefined ? undefined : this.checkSequence(pair, `textPairs[${index}]`, call.words),
      ];
    });
    const encodings = items.map(([text, pair]) => this.encodeRaw(text, pair, call));
    if (call.padding !== undefined) {
      let length = call.padding.length ?? Math.max(0, ...encodings.map((encoding) => encoding.ids.length));
      const multiple = call.padding.multiple;
      if (multiple !== undefined && multiple > 0 && length % multiple > 0) length += multiple - (length % multiple);
      for (const encoding of encodings)
        padEncoding(encoding, length, {
          id: this.padTokenId,
          token: this.padToken,
          typeId: 0,
          side: call.padding.side,
        });
    }
    const rows: FastTokenizerEncoding[] = [];
    const mapping: number[] = [];
    encodings.forEach((encoding, index) => {
      const [text, pair] = items[index]!;
      const windows = call.overflow ? [encoding, ...encoding.overflowing] : [encoding];
      for (const window of windows) {
        rows.push(this.toPublic(window, text, pair, call, false));
        mapping.push(index);
      }
    });
    return {
      inputIds: rows.map((row) => row.inputIds),
      tokenTypeIds: rows.map((row) => row.tokenTypeIds),
      attentionMask: rows.map((row) => row.attentionMask),
      specialTokensMask: rows.map((row) => row.specialTokensMask),
      offsets: rows.map((row) => row.offsets),
      tokens: rows.map((row) => row.tokens),
      wordIds: rows.map((row) => row.wordIds),
      sequenceIds: rows.map((row) => row.sequenceIds),
      ...(call.overflow ? { overflowToSampleMapping: mapping } : {}),
    };
  }

  /**
   * Decodes ids to text: the library's decode (added tokens, then the Metaspace decoder), then, by
   * default, transformers' `clean_up_tokenization`.
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    checkOptionKeys(
      options,
      ['skipSpecialTokens', 'cleanUpTokenizationSpaces', 'spacesBetweenSpecialTokens'],
      'decode options',
    );
    if (!Array.isArray(ids) || ids.some((id) => !Number.isInteger(id))) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `decode expects an array of integer ids, got ${describe(ids)}`,
        { field: 'ids', value: describe(ids) },
      );
    }
    const skip = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (const id of ids) {
      const token = this.addedVocabulary.decodedContents.get(id) ?? this.model.idToToken(id);
      if (token === undefined) continue;
      if (skip && this.addedVocabulary.specialContents.has(token)) continue;
      tokens.push(token);
    }
    const text = this.decoder === undefined ? tokens.join(' ') : this.decoder.decode(tokens);
    return (options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces) ? cleanUpTokenization(text) : text;
  }

  /** Decodes every sequence of a batch. */
  batchDecode(sequences: ReadonlyArray<readonly number[]>, options: DecodeOptions = {}): string[] {
    return sequences.map((ids) => this.decode(ids, options));
  }

  /**
   * Joins tokens into text with the `tokenizer.json` decoder (transformers' fast
   * `convert_tokens_to_string`: ALBERT's `Metaspace` decoder turns `▁` into spaces and drops the first
   * token's leading one), without clean-up.
   *
   * ```ts
   * tokenizer.convertTokensToString(['▁alice', '▁smith']); // 'alice smith'
   * ```
   */
  convertTokensToString(tokens: readonly string[]): string {
    if (!Array.isArray(tokens) || tokens.some((token) => typeof token !== 'string')) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `convertTokensToString expects an array of strings, got ${describe(tokens)}`,
        { field: 'tokens', value: describe(tokens) },
      );
    }
    return this.decoder === undefined ? tokens.join(' ') : this.decoder.decode(tokens);
  }

  /** Number of special tokens the post-processor adds to one sequence or a pair. */
  numSpecialTokensToAdd(pair = false): number {
    return this.postProcessor?.addedTokens(pair) ?? 0;
  }

  private checkText(text: unknown, field: string): string {
    if (typeof text !== 'string') {
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', `${field} must be a string, got ${describe(text)}`, {
        file: this.file,
        field,
        value: describe(text),
      });
    }
    return text;
  }

  private checkSequence(value: unknown, field: string, words: boolean): FastSequenceInput {
    if (!words) return this.checkText(value, field);
    if (!Array.isArray(value) || value.some((word) => typeof word !== 'string')) {
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `${field} must be an array of words (strings) with isSplitIntoWords, got ${describe(value)}`,
        {
          file: this.file,
          field,
          value: describe(value),
        },
      );
    }
    return value as readonly string[];
  }

  private invalidOption(field: string, value: unknown, expected: string): never {
    throw new TokenizerError(
      'TOKENIZER_INVALID_OPTION',
      `${field} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
      {
        file: this.file,
        field,
        value,
      },
    );
  }

  private resolveCall(options: FastEncodeOptions): ResolvedCall {
    for (const name of ['addSpecialTokens', 'returnOverflowingTokens', 'isSplitIntoWords'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'boolean')
        this.invalidOption(name, options[name], 'a boolean');
    }
    const addSpecialTokens = options.addSpecialTokens ?? true;
    let padding = options.padding ?? false;
    if (padding === true) padding = 'longest';
    let truncation = options.truncation;
    if (truncation === undefined)
      truncation =
        options.maxLength !== undefined && (padding === false || padding === 'do_not_pad') ? 'longest_first' : false;
    if (truncation === true) truncation = 'longest_first';
    const maxLength = options.maxLength;
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0))
      this.invalidOption('maxLength', maxLength, 'a non-negative integer');
    const stride = options.stride ?? 0;
    if (!Number.isInteger(stride) || stride < 0) this.invalidOption('stride', options.stride, 'a non-negative integer');
    const multiple = options.padToMultipleOf;
    if (multiple !== undefined && (!Number.isInteger(multiple) || multiple <= 0))
      this.invalidOption('padToMultipleOf', multiple, 'a positive integer');
    const offsetUnit = options.offsetUnit ?? 'codePoint';
    if (offsetUnit !== 'codePoint' && offsetUnit !== 'utf16')
      this.invalidOption('offsetUnit', offsetUnit, '"codePoint" or "utf16"');
    const paddingSide = options.paddingSide ?? this.paddingSide;
    if (paddingSide !== 'left' && paddingSide !== 'right')
      this.invalidOption('paddingSide', paddingSide, '"left" or "right"');
    const unlimited = this.modelMaxLength > LARGE_INTEGER;
    const resolved: ResolvedCall = {
      addSpecialTokens,
      offsetUnit,
      truncation: undefined,
      padding: undefined,
      overflow: options.returnOverflowingTokens ?? false,
      words: options.isSplitIntoWords ?? false,
    };
    if (truncation !== false && truncation !== 'do_not_truncate') {
      if (truncation !== 'longest_first' && truncation !== 'only_first' && truncation !== 'only_second') {
        this.invalidOption(
          'truncation',
          truncation,
          'true, false, "longest_first", "only_first", "only_second" or "do_not_truncate"',
        );
      }
      if (maxLength !== undefined || !unlimited) {
        const length = maxLength ?? this.modelMaxLength;
        if (stride > 0 && stride >= length) {
          throw new TokenizerError(
            'TOKENIZER_INVALID_OPTION',
            `stride ${stride} must be smaller than maxLength ${length}`,
            {
              file: this.file,
              field: 'stride',
              value: stride,
              maxLength: length,
            },
          );
        }
        resolved.truncation = { maxLength: length, strategy: truncation, direction: this.truncationSide, stride };
      }
    }
    if (padding !== false && padding !== 'do_not_pad') {
      if (padding !== 'longest' && padding !== 'max_length') {
        this.invalidOption('padding', padding, 'true, false, "longest", "max_length" or "do_not_pad"');
      }
      if (padding === 'longest' || maxLength !== undefined || !unlimited) {
        resolved.padding = {
          length: padding === 'max_length' ? (maxLength ?? this.modelMaxLength) : undefined,
          multiple,
          side: paddingSide,
        };
      }
    }
    return resolved;
  }

  /** Public form of an encoding (offsets converted to UTF-16 units when asked; overflowing windows when asked). */
  private toPublic(
    encoding: FastEncoding,
    text: FastSequenceInput,
    textPair: FastSequenceInput | undefined,
    call: ResolvedCall,
    withOverflowing: boolean,
  ): FastTokenizerEncoding {
    let offsets = encoding.offsets;
    if (call.offsetUnit === 'utf16') {
      const maps = new Map<string, Int32Array>();
      const mapOf = (sequence: FastSequenceInput, word: number | null): Int32Array | undefined => {
        const source = typeof sequence === 'string' ? sequence : word === null ? undefined : sequence[word];
        if (source === undefined) return undefined;
        let map = maps.get(source);
        if (map === undefined) maps.set(source, (map = codePointToUtf16(source)));
        return map;
      };
      offsets = offsets.map(([start, end], index): [number, number] => {
        const sequenceId = encoding.sequenceIds[index];
        if (sequenceId === null || sequenceId === undefined) return [start, end];
        const sequence = sequenceId === 1 && textPair !== undefined ? textPair : text;
        const map = mapOf(sequence, encoding.wordIds[index] ?? null);
        return map === undefined ? [start, end] : [map[start] ?? start, map[end] ?? end];
      });
    }
    const result: FastTokenizerEncoding = {
      inputIds: encoding.ids,
      tokenTypeIds: encoding.typeIds,
      attentionMask: encoding.attentionMask,
      specialTokensMask: encoding.specialTokensMask,
      offsets,
      tokens: encoding.tokens,
      wordIds: encoding.wordIds,
      sequenceIds: encoding.sequenceIds,
    };
    if (withOverflowing && call.overflow)
      result.overflowing = encoding.overflowing.map((window) => this.toPublic(window, text, textPair, call, false));
    return result;
  }

  /** One input through the pipeline and the post-processing (truncation, template, fixed padding). */
  private encodeRaw(
    text: FastSequenceInput,
    textPair: FastSequenceInput | undefined,
    call: ResolvedCall,
  ): FastEncoding {
    // As the library does, a truncating call stops running the model once a sequence has
    // `maxLength` tokens (whole pre-tokens; the first sequence of `only_second` is not limited).
    // Overflowing windows need every token, so no limit then.
    const limit =
      call.truncation === undefined || call.overflow
        ? undefined
        : { maxTokens: call.truncation.maxLength, direction: call.truncation.direction };
    let first = this.encodeInput(text, 0, call.truncation?.strategy === 'only_second' ? undefined : limit);
    let second = textPair === undefined ? undefined : this.encodeInput(textPair, 1, limit);
    if (call.truncation !== undefined) {
      const added = this.numSpecialTokensToAdd(second !== undefined);
      let maxLength = call.truncation.maxLength;
      if (call.addSpecialTokens && added > 0) {
        if (maxLength < added) {
          throw new TokenizerError(
            'TOKENIZER_INVALID_OPTION',
            `maxLength ${maxLength} is smaller than the ${added} special tokens added`,
            {
              field: 'maxLength',
              value: maxLength,
            },
          );
        }
        maxLength -= added;
      }
      [first, second] = truncateEncodings(first, second, { ...call.truncation, maxLength });
    }
    let result: FastEncoding;
    if (this.postProcessor !== undefined) result = this.postProcessor.process(first, second, call.addSpecialTokens);
    else {
      first.sequenceIds = new Array<number | null>(first.ids.length).fill(0);
      if (second !== undefined) second.sequenceIds = new Array<number | null>(second.ids.length).fill(1);
      result = second === undefined ? first : mergeEncodings(first, second);
    }
    if (call.padding !== undefined) {
      let length = call.padding.length ?? result.ids.length;
      const multiple = call.padding.multiple;
      if (multiple !== undefined && multiple > 0 && length % multiple > 0) length += multiple - (length % multiple);
      padEncoding(result, length, { id: this.padTokenId, token: this.padToken, typeId: 0, side: call.padding.side });
    }
    return result;
  }

  /** A text, or each word of a pre-tokenized input (word ids = positions in the list, offsets per word), merged. */
  private encodeInput(
    input: FastSequenceInput,
    typeId: number,
    limit?: { maxTokens: number; direction: 'right' | 'left' },
  ): FastEncoding {
    if (typeof input === 'string') return this.encodeSequence(input, typeId, limit);
    // Words have no overflowing windows yet, so merging them is plain concatenation.
    const result = emptyEncoding();
    input.forEach((word, index) => {
      const encoding = this.encodeSequence(word, typeId, undefined, index);
      for (let position = 0; position < encoding.ids.length; position++) {
        result.ids.push(encoding.ids[position]!);
        result.tokens.push(encoding.tokens[position]!);
        result.offsets.push(encoding.offsets[position]!);
        result.typeIds.push(encoding.typeIds[position]!);
        result.specialTokensMask.push(encoding.specialTokensMask[position]!);
        result.attentionMask.push(encoding.attentionMask[position]!);
        result.wordIds.push(encoding.wordIds[position]!);
        result.sequenceIds.push(encoding.sequenceIds[position]!);
      }
    });
    return result;
  }

  /**
   * One sequence through added tokens, normalizer, pre-tokenizer and model (no special tokens).
   * Word ids are the pre-token indices, or `wordIndex` for every token when given.
   */
  private encodeSequence(
    text: string,
    typeId: number,
    limit?: { maxTokens: number; direction: 'right' | 'left' },
    wordIndex?: number,
  ): FastEncoding {
    const pretokenized = this.addedVocabulary.extractAndNormalize(text, this.normalizer);
    if (limit === undefined && this.wordMetaspace !== undefined)
      return this.encodeWords(pretokenized, typeId, this.wordMetaspace, wordIndex);
    this.preTokenizer?.preTokenize(pretokenized);
    const splits = pretokenized.splits;
    let kept: number[];
    if (limit === undefined) {
      for (const split of splits) split.tokens ??= this.model.tokenize(split.normalized.normalized);
      kept = splits.map((_, index) => index);
    } else {
      // The library's `tokenize_with_limit`: stop after the pre-token that reaches `maxTokens`.
      let total = 0;
      const order =
        limit.direction === 'right'
          ? splits.map((_, index) => index)
          : splits.map((_, index) => splits.length - 1 - index);
      kept = [];
      for (const index of order) {
        const split = splits[index]!;
        kept.push(index);
        if (split.tokens !== undefined) {
          total += split.tokens.length;
          continue;
        }
        split.tokens = this.model.tokenize(split.normalized.normalized);
        total += split.tokens.length;
        if (total >= limit.maxTokens) break;
      }
      if (limit.direction === 'left') kept.reverse();
    }
    const encoding = emptyEncoding();
    for (const index of kept) {
      const split = splits[index]!;
      const normalized = split.normalized;
      for (const token of split.tokens ?? []) {
        encoding.ids.push(token.id);
        encoding.tokens.push(token.value);
        encoding.offsets.push(normalized.originalRange(token.start, token.end));
        encoding.typeIds.push(typeId);
        encoding.specialTokensMask.push(0);
        encoding.attentionMask.push(1);
        encoding.wordIds.push(wordIndex ?? index);
        encoding.sequenceIds.push(typeId);
      }
    }
    return encoding;
  }

  /**
   * `WhitespaceSplit` → `Metaspace` (prepend, split) without materializing every word: the same
   * pieces, offsets and word ids as the step-by-step path (a word holding a `▁` takes that path).
   */
  private encodeWords(
    pretokenized: PreTokenizedString,
    typeId: number,
    metaspace: MetaspacePreTokenizer,
    wordIndex?: number,
  ): FastEncoding {
    const encoding = emptyEncoding();
    let word = 0;
    const push = (id: number, token: string, start: number, end: number): void => {
      encoding.ids.push(id);
      encoding.tokens.push(token);
      encoding.offsets.push([start, end]);
      encoding.typeIds.push(typeId);
      encoding.specialTokensMask.push(0);
      encoding.attentionMask.push(1);
      encoding.wordIds.push(wordIndex ?? word);
      encoding.sequenceIds.push(typeId);
    };
    const replacement = metaspace.replacement;
    const always = metaspace.prependScheme === 'always';
    for (const split of pretokenized.splits) {
      const normalized: NormalizedString = split.normalized;
      if (split.tokens !== undefined) {
        for (const token of split.tokens) {
          const [start, end] = normalized.originalRange(token.start, token.end);
          push(token.id, token.value, start, end);
        }
        word++;
        continue;
      }
      const text = normalized.normalized;
      const starts = normalized.starts;
      const ends = normalized.ends;
      const length = text.length;
      let index = 0;
      while (index < length) {
        const unit = text.charCodeAt(index);
        const codePoint = unit >= 0xd800 && unit <= 0xdbff ? (text.codePointAt(index) as number) : unit;
        if (isUnicodeWhitespace(codePoint)) {
          index += codePoint > 0xffff ? 2 : 1;
          continue;
        }
        const wordStart = index;
        while (index < length) {
          const next = text.charCodeAt(index);
          const nextCodePoint = next >= 0xd800 && next <= 0xdbff ? (text.codePointAt(index) as number) : next;
          if (isUnicodeWhitespace(nextCodePoint)) break;
          index += nextCodePoint > 0xffff ? 2 : 1;
        }
        const value = text.slice(wordStart, index);
        if (value.includes(replacement)) {
          const pieces = new PreTokenizedString(normalized.slice(wordStart, index));
          metaspace.preTokenize(pieces);
          for (const piece of pieces.splits) {
            for (const token of this.model.tokenize(piece.normalized.normalized)) {
              const [start, end] = piece.normalized.originalRange(token.start, token.end);
              push(token.id, token.value, start, end);
            }
            word++;
          }
          continue;
        }
        const prefixed = always || starts[wordStart] === 0;
        const shift = prefixed ? wordStart - replacement.length : wordStart;
        for (const token of this.model.tokenize(prefixed ? replacement + value : value)) {
          const first = Math.max(wordStart, shift + token.start);
          const last = Math.max(wordStart, shift + token.end - 1);
          push(token.id, token.value, starts[first] as number, ends[last] as number);
        }
        word++;
      }
    }
    return encoding;
  }
}

/** Map from code point index to UTF-16 index of `text` (one entry past the end). */
function codePointToUtf16(text: string): Int32Array {
  const map: number[] = [];
  for (let index = 0; index < text.length;) {
    map.push(index);
    const unit = text.charCodeAt(index);
    index += unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length ? 2 : 1;
  }
  map.push(text.length);
  return Int32Array.from(map);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

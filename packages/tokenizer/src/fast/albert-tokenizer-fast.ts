import { cleanUpTokenization } from '../clean-up-tokenization.js';
import type { BatchInput, DecodeOptions, TokenizerFileSource } from '../albert-tokenizer.js';
import type { BatchEncoding, EncodeOptions, Encoding } from '../encoding.js';
import { TokenizerError } from '../tokenizer-error.js';
import { AddedVocabulary } from './added-vocabulary.js';
import { padEncoding, type FastEncoding } from './fast-encoding.js';
import type { FastModel } from './fast-model.js';
import type { FastDecoder } from './metaspace-decoder.js';
import type { FastNormalizer } from './normalizer.js';
import type { FastPreTokenizer } from './pre-tokenizer.js';
import type { TemplateProcessing } from './template-processing.js';
import { MetaspacePreTokenizer } from './metaspace-pre-tokenizer.js';
import type { NormalizedString } from './normalized-string.js';
import { PreTokenizedString } from './pre-tokenized-string.js';
import { SequencePreTokenizer } from './sequence-pre-tokenizer.js';
import { parseTokenizerJson } from './tokenizer-json.js';
import { isUnicodeWhitespace } from '../python-text.js';
import { WhitespaceSplitPreTokenizer } from './whitespace-split-pre-tokenizer.js';
import { truncateEncodings, type FastTruncationStrategy } from './truncate-encodings.js';

/** Options of {@link AlbertTokenizerFast.fromJSON}. */
export interface AlbertTokenizerFastOptions {
  /** Name of the file the JSON came from, used in error messages (default `tokenizer.json`). */
  file?: string;
  /** Maximum input length of the model (default 512): the `maxLength` of truncation/padding when none is given. */
  modelMaxLength?: number;
  /** Padding token (default `<pad>`). */
  padToken?: string;
  /** Default of `decode`'s `cleanUpTokenizationSpaces` (default true, as ALBERT's tokenizer config). */
  cleanUpTokenizationSpaces?: boolean;
  /** Side padding goes to (default `right`). */
  paddingSide?: 'right' | 'left';
  /** Side truncation removes tokens from (default `right`). */
  truncationSide?: 'right' | 'left';
}

/** One encoded input: every field of the core `Encoding`, all present. */
export interface FastTokenizerEncoding extends Encoding {
  /** 1 for `[CLS]`, `[SEP]` and padding. */
  specialTokensMask: number[];
  /** `[start, end)` into the original text of the sequence the token comes from (code points, or UTF-16 units with `offsetUnit: 'utf16'`). */
  offsets: Array<[number, number]>;
  /** Token strings as the fast tokenizer reports them (an added token keeps the spaces it stripped; unknown pieces their text). */
  tokens: string[];
}

/** A batch of encoded inputs, every field present. */
export interface FastTokenizerBatchEncoding extends BatchEncoding {
  /** Special-tokens masks per input. */
  specialTokensMask: number[][];
  /** Offsets per input. */
  offsets: Array<Array<[number, number]>>;
  /** Token strings per input. */
  tokens: string[][];
}

interface ResolvedCall {
  addSpecialTokens: boolean;
  offsetUnit: 'codePoint' | 'utf16';
  truncation: { maxLength: number; strategy: FastTruncationStrategy; direction: 'right' | 'left' } | undefined;
  padding: { length: number | undefined; multiple: number | undefined; side: 'right' | 'left' } | undefined;
}

/**
 * ALBERT's fast tokenizer: the `tokenizer.json` pipeline of the Hugging Face `tokenizers` library
 * (added tokens → normalizer → pre-tokenizer → Unigram → template → truncation/padding), token for
 * token and offset for offset, in pure TypeScript (browser-safe; build it from the JSON text or
 * object). Where the slow tokenizer logs and returns an untruncated result, this one throws the
 * library's truncation error, as `AlbertTokenizerFast` does.
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
  private readonly normalizer: FastNormalizer | undefined;
  private readonly preTokenizer: FastPreTokenizer | undefined;
  private readonly model: FastModel;
  private readonly postProcessor: TemplateProcessing | undefined;
  private readonly decoder: FastDecoder | undefined;
  private readonly addedVocabulary: AddedVocabulary;
  /** The Metaspace step of a `WhitespaceSplit` → `Metaspace` pre-tokenizer (ALBERT's layout), run word by word without intermediate objects. */
  private readonly wordMetaspace: MetaspacePreTokenizer | undefined;

  private constructor(json: string | object, options: AlbertTokenizerFastOptions) {
    const pipeline = parseTokenizerJson(json, { file: options.file ?? 'tokenizer.json' });
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
      steps.length === 2 && steps[0] instanceof WhitespaceSplitPreTokenizer && metaspace instanceof MetaspacePreTokenizer && metaspace.splitPieces && metaspace.prependScheme !== 'never'
        ? metaspace
        : undefined;
    this.modelMaxLength = options.modelMaxLength ?? 512;
    this.cleanUpTokenizationSpaces = options.cleanUpTokenizationSpaces ?? true;
    this.paddingSide = options.paddingSide ?? 'right';
    this.truncationSide = options.truncationSide ?? 'right';
    this.padToken = options.padToken ?? '<pad>';
    const padId = this.tokenToId(this.padToken);
    if (padId === undefined) {
      throw new TokenizerError('TOKENIZER_INVALID_CONFIG', `${this.file}: padding token ${JSON.stringify(this.padToken)} is not in the vocabulary`, {
        file: this.file,
        field: 'padToken',
        value: this.padToken,
      });
    }
    this.padTokenId = padId;
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
   * Loads `tokenizer.json` from a model's files, with `model_max_length`, `clean_up_tokenization_spaces`,
   * `padding_side`, `truncation_side` and `pad_token` from `tokenizer_config.json` when present
   * (explicit `options` win).
   * @throws TokenizerError `TOKENIZER_FILE_NOT_FOUND` without a tokenizer.json; `TOKENIZER_INVALID_CONFIG`
   *   for a tokenizer_config.json that is not a JSON object.
   */
  static async fromFiles(source: TokenizerFileSource, options: AlbertTokenizerFastOptions = {}): Promise<AlbertTokenizerFast> {
    if (!(await source.has('tokenizer.json'))) {
      throw new TokenizerError('TOKENIZER_FILE_NOT_FOUND', `${source.description}: no tokenizer.json`, { file: `${source.description}/tokenizer.json` });
    }
    const json = await source.readText('tokenizer.json');
    const fromConfig: AlbertTokenizerFastOptions = {};
    if (await source.has('tokenizer_config.json')) {
      const file = `${source.description}/tokenizer_config.json`;
      let config: unknown;
      try {
        config = JSON.parse(await source.readText('tokenizer_config.json'));
      } catch (cause) {
        throw new TokenizerError('TOKENIZER_INVALID_CONFIG', `${file}: not valid JSON (${(cause as Error).message})`, { file }, { cause });
      }
      if (typeof config !== 'object' || config === null || Array.isArray(config)) {
        throw new TokenizerError('TOKENIZER_INVALID_CONFIG', `${file}: expected a JSON object`, { file });
      }
      const record = config as Record<string, unknown>;
      const maxLength = record['model_max_length'];
      if (typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength > 0 && maxLength < 1e15) fromConfig.modelMaxLength = maxLength;
      if (typeof record['clean_up_tokenization_spaces'] === 'boolean') fromConfig.cleanUpTokenizationSpaces = record['clean_up_tokenization_spaces'];
      if (record['padding_side'] === 'left' || record['padding_side'] === 'right') fromConfig.paddingSide = record['padding_side'];
      if (record['truncation_side'] === 'left' || record['truncation_side'] === 'right') fromConfig.truncationSide = record['truncation_side'];
      const pad = record['pad_token'];
      if (typeof pad === 'string') fromConfig.padToken = pad;
      else if (typeof pad === 'object' && pad !== null && typeof (pad as Record<string, unknown>)['content'] === 'string') fromConfig.padToken = (pad as Record<string, string>)['content'];
    }
    const explicit = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    return new AlbertTokenizerFast(json, { file: `${source.description}/tokenizer.json`, ...fromConfig, ...explicit });
  }

  /** Reads a `tokenizer.json` from disk (Node only). */
  static async fromFile(path: string, options: AlbertTokenizerFastOptions = {}): Promise<AlbertTokenizerFast> {
    const { readFile } = (await import('#node-builtins')).fsPromises;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      throw new TokenizerError('TOKENIZER_FILE_NOT_FOUND', `${path}: cannot read the tokenizer file (${(cause as Error).message})`, { file: path }, { cause });
    }
    return new AlbertTokenizerFast(text, { ...options, file: options.file ?? path });
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
    return this.convertTokenToId('[CLS]');
  }

  /** Id of `[SEP]`. */
  get sepTokenId(): number {
    return this.convertTokenToId('[SEP]');
  }

  /** Id of `[MASK]`. */
  get maskTokenId(): number {
    return this.convertTokenToId('[MASK]');
  }

  /** Id of `<unk>`. */
  get unkTokenId(): number {
    return this.convertTokenToId('<unk>');
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
    return this.tokenToId(token) ?? this.tokenToId('<unk>') ?? 0;
  }

  /**
   * Encodes a text, or a pair when `textPair` is given (transformers' `__call__`).
   * @throws TokenizerError for a non-string input, an invalid option, or (`TOKENIZER_TRUNCATION_ERROR`)
   *   a truncation that cannot be done — with the library's message.
   */
  encode(text: string, options: EncodeOptions & { textPair?: string } = {}): FastTokenizerEncoding {
    const pair = options.textPair === undefined ? undefined : this.checkText(options.textPair, 'textPair');
    const call = this.resolveCall(options);
    const checked = this.checkText(text, 'text');
    return this.toPublic(this.encodeRaw(checked, pair, call), checked, pair, call);
  }

  /** Encodes a pair of texts (`[CLS] A [SEP] B [SEP]`). */
  encodePair(text: string, textPair: string, options: EncodeOptions = {}): FastTokenizerEncoding {
    return this.encode(text, { ...options, textPair });
  }

  /** Token ids of one text or pair (`encodeIds(text, { addSpecialTokens: false })` is transformers' `encode(text, add_special_tokens=False)`). */
  encodeIds(text: string, options: EncodeOptions & { textPair?: string } = {}): number[] {
    return this.encode(text, options).inputIds;
  }

  /**
   * Encodes a batch of texts or `[text, textPair]` pairs (or texts with `textPairs`); padding
   * `longest` pads to the longest of the batch. One failing item fails the batch, as in the library.
   */
  encodeBatch(inputs: readonly BatchInput[], options: EncodeOptions & { textPairs?: readonly string[] } = {}): FastTokenizerBatchEncoding {
    if (!Array.isArray(inputs)) {
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', `encodeBatch expects an array of texts or [text, textPair] pairs, got ${describe(inputs)}`, {
        file: this.file,
        field: 'inputs',
        value: describe(inputs),
      });
    }
    if (options.textPairs !== undefined && options.textPairs.length !== inputs.length) {
      throw new TokenizerError('TOKENIZER_INVALID_OPTION', `textPairs has ${options.textPairs.length} texts for ${inputs.length} inputs`, {
        file: this.file,
        field: 'textPairs',
        value: options.textPairs.length,
      });
    }
    const call = this.resolveCall(options);
    const items = inputs.map((input, index): [string, string | undefined] => {
      if (Array.isArray(input)) return [this.checkText(input[0], `inputs[${index}][0]`), this.checkText(input[1], `inputs[${index}][1]`)];
      const pair = options.textPairs?.[index];
      return [this.checkText(input, `inputs[${index}]`), pair === undefined ? undefined : this.checkText(pair, `textPairs[${index}]`)];
    });
    const encodings = items.map(([text, pair]) => this.encodeRaw(text, pair, call));
    if (call.padding !== undefined) {
      let length = call.padding.length ?? Math.max(0, ...encodings.map((encoding) => encoding.ids.length));
      const multiple = call.padding.multiple;
      if (multiple !== undefined && multiple > 0 && length % multiple > 0) length += multiple - (length % multiple);
      for (const encoding of encodings) padEncoding(encoding, length, { id: this.padTokenId, token: this.padToken, typeId: 0, side: call.padding.side });
    }
    const results = encodings.map((encoding, index) => this.toPublic(encoding, items[index]![0], items[index]![1], call));
    return {
      inputIds: results.map((encoding) => encoding.inputIds),
      tokenTypeIds: results.map((encoding) => encoding.tokenTypeIds),
      attentionMask: results.map((encoding) => encoding.attentionMask),
      specialTokensMask: results.map((encoding) => encoding.specialTokensMask),
      offsets: results.map((encoding) => encoding.offsets),
      tokens: results.map((encoding) => encoding.tokens),
    };
  }

  /**
   * Decodes ids to text: the library's decode (added tokens, then the Metaspace decoder), then, by
   * default, transformers' `clean_up_tokenization`.
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (!Array.isArray(ids) || ids.some((id) => !Number.isInteger(id))) {
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', `decode expects an array of integer ids, got ${describe(ids)}`, { field: 'ids', value: describe(ids) });
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
    return options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
  }

  /** Decodes every sequence of a batch. */
  batchDecode(sequences: ReadonlyArray<readonly number[]>, options: DecodeOptions = {}): string[] {
    return sequences.map((ids) => this.decode(ids, options));
  }

  /** Number of special tokens the post-processor adds to one sequence or a pair. */
  numSpecialTokensToAdd(pair = false): number {
    return this.postProcessor?.addedTokens(pair) ?? 0;
  }

  private checkText(text: unknown, field: string): string {
    if (typeof text !== 'string') {
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', `${field} must be a string, got ${describe(text)}`, { file: this.file, field, value: describe(text) });
    }
    return text;
  }

  private resolveCall(options: EncodeOptions): ResolvedCall {
    const addSpecialTokens = options.addSpecialTokens ?? true;
    let padding = options.padding ?? false;
    if (padding === true) padding = 'longest';
    let truncation = options.truncation;
    if (truncation === undefined) truncation = options.maxLength !== undefined && (padding === false || padding === 'do_not_pad') ? 'longest_first' : false;
    if (truncation === true) truncation = 'longest_first';
    const maxLength = options.maxLength;
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0)) {
      throw new TokenizerError('TOKENIZER_INVALID_OPTION', `maxLength must be a non-negative integer, got ${String(maxLength)}`, { file: this.file, field: 'maxLength', value: maxLength });
    }
    const offsetUnit = options.offsetUnit ?? 'codePoint';
    if (offsetUnit !== 'codePoint' && offsetUnit !== 'utf16') {
      throw new TokenizerError('TOKENIZER_INVALID_OPTION', `offsetUnit must be "codePoint" or "utf16", got ${JSON.stringify(offsetUnit)}`, { file: this.file, field: 'offsetUnit', value: offsetUnit });
    }
    const resolved: ResolvedCall = { addSpecialTokens, offsetUnit, truncation: undefined, padding: undefined };
    if (truncation !== false && truncation !== 'do_not_truncate') {
      if (truncation !== 'longest_first' && truncation !== 'only_first' && truncation !== 'only_second') {
        throw new TokenizerError('TOKENIZER_INVALID_OPTION', `unknown truncation strategy ${JSON.stringify(truncation)}`, { file: this.file, field: 'truncation', value: truncation });
      }
      resolved.truncation = { maxLength: maxLength ?? this.modelMaxLength, strategy: truncation, direction: this.truncationSide };
    }
    if (padding !== false && padding !== 'do_not_pad') {
      if (padding !== 'longest' && padding !== 'max_length') {
        throw new TokenizerError('TOKENIZER_INVALID_OPTION', `unknown padding strategy ${JSON.stringify(padding)}`, { file: this.file, field: 'padding', value: padding });
      }
      resolved.padding = {
        length: padding === 'max_length' ? (maxLength ?? this.modelMaxLength) : undefined,
        multiple: options.padToMultipleOf,
        side: options.paddingSide ?? this.paddingSide,
      };
    }
    return resolved;
  }

  /** Public form of an encoding (offsets converted to UTF-16 units when asked). */
  private toPublic(encoding: FastEncoding, text: string, textPair: string | undefined, call: ResolvedCall): FastTokenizerEncoding {
    let offsets = encoding.offsets;
    if (call.offsetUnit === 'utf16') {
      const firstMap = codePointToUtf16(text);
      const secondMap = textPair === undefined ? firstMap : codePointToUtf16(textPair);
      offsets = offsets.map(([start, end], index) => {
        if (start === 0 && end === 0) return [0, 0];
        const map = encoding.typeIds[index] === 1 && textPair !== undefined ? secondMap : firstMap;
        return [map[start] ?? start, map[end] ?? end];
      });
    }
    return {
      inputIds: encoding.ids,
      tokenTypeIds: encoding.typeIds,
      attentionMask: encoding.attentionMask,
      specialTokensMask: encoding.specialTokensMask,
      offsets,
      tokens: encoding.tokens,
    };
  }

  /** One input through the pipeline and the post-processing (truncation, template, fixed padding). */
  private encodeRaw(text: string, textPair: string | undefined, call: ResolvedCall): FastEncoding {
    // As the library does, a truncating call stops running the model once a sequence has
    // `maxLength` tokens (whole pre-tokens; the first sequence of `only_second` is not limited).
    const limit = call.truncation === undefined ? undefined : { maxTokens: call.truncation.maxLength, direction: call.truncation.direction };
    let first = this.encodeSequence(text, 0, call.truncation?.strategy === 'only_second' ? undefined : limit);
    let second = textPair === undefined ? undefined : this.encodeSequence(textPair, 1, limit);
    if (call.truncation !== undefined) {
      const added = this.numSpecialTokensToAdd(second !== undefined);
      let maxLength = call.truncation.maxLength;
      if (call.addSpecialTokens && added > 0) {
        if (maxLength < added) {
          throw new TokenizerError('TOKENIZER_INVALID_OPTION', `maxLength ${maxLength} is smaller than the ${added} special tokens added`, {
            field: 'maxLength',
            value: maxLength,
          });
        }
        maxLength -= added;
      }
      [first, second] = truncateEncodings(first, second, { ...call.truncation, maxLength });
    }
    let result: FastEncoding;
    if (this.postProcessor !== undefined) result = this.postProcessor.process(first, second, call.addSpecialTokens);
    else if (second === undefined) result = first;
    else {
      result = {
        ids: [...first.ids, ...second.ids],
        tokens: [...first.tokens, ...second.tokens],
        offsets: [...first.offsets, ...second.offsets],
        typeIds: [...first.typeIds, ...second.typeIds],
        specialTokensMask: [...first.specialTokensMask, ...second.specialTokensMask],
        attentionMask: [...first.attentionMask, ...second.attentionMask],
      };
    }
    if (call.padding !== undefined) {
      let length = call.padding.length ?? result.ids.length;
      const multiple = call.padding.multiple;
      if (multiple !== undefined && multiple > 0 && length % multiple > 0) length += multiple - (length % multiple);
      padEncoding(result, length, { id: this.padTokenId, token: this.padToken, typeId: 0, side: call.padding.side });
    }
    return result;
  }

  /** One sequence through added tokens, normalizer, pre-tokenizer and model (no special tokens). */
  private encodeSequence(text: string, typeId: number, limit?: { maxTokens: number; direction: 'right' | 'left' }): FastEncoding {
    const pretokenized = this.addedVocabulary.extractAndNormalize(text, this.normalizer);
    if (limit === undefined && this.wordMetaspace !== undefined) return this.encodeWords(pretokenized, typeId, this.wordMetaspace);
    this.preTokenizer?.preTokenize(pretokenized);
    const splits = pretokenized.splits;
    if (limit === undefined) {
      for (const split of splits) split.tokens ??= this.model.tokenize(split.normalized.normalized);
    } else {
      // The library's `tokenize_with_limit`: stop after the pre-token that reaches `maxTokens`.
      let total = 0;
      const order = limit.direction === 'right' ? splits.map((_, index) => index) : splits.map((_, index) => splits.length - 1 - index);
      let kept = 0;
      for (const index of order) {
        const split = splits[index]!;
        kept++;
        if (split.tokens !== undefined) {
          total += split.tokens.length;
          continue;
        }
        split.tokens = this.model.tokenize(split.normalized.normalized);
        total += split.tokens.length;
        if (total >= limit.maxTokens) break;
      }
      pretokenized.splits = limit.direction === 'right' ? splits.slice(0, kept) : splits.slice(splits.length - kept);
    }
    const encoding: FastEncoding = { ids: [], tokens: [], offsets: [], typeIds: [], specialTokensMask: [], attentionMask: [] };
    for (const split of pretokenized.splits) {
      const normalized = split.normalized;
      const tokens = split.tokens ?? [];
      for (const token of tokens) {
        encoding.ids.push(token.id);
        encoding.tokens.push(token.value);
        encoding.offsets.push(normalized.originalRange(token.start, token.end));
        encoding.typeIds.push(typeId);
        encoding.specialTokensMask.push(0);
        encoding.attentionMask.push(1);
      }
    }
    return encoding;
  }

  /**
   * `WhitespaceSplit` → `Metaspace` (prepend, split) without materializing every word: the same
   * pieces and offsets as the step-by-step path (a word holding a `▁` takes that path).
   */
  private encodeWords(pretokenized: PreTokenizedString, typeId: number, metaspace: MetaspacePreTokenizer): FastEncoding {
    const encoding: FastEncoding = { ids: [], tokens: [], offsets: [], typeIds: [], specialTokensMask: [], attentionMask: [] };
    const push = (id: number, token: string, start: number, end: number): void => {
      encoding.ids.push(id);
      encoding.tokens.push(token);
      encoding.offsets.push([start, end]);
      encoding.typeIds.push(typeId);
      encoding.specialTokensMask.push(0);
      encoding.attentionMask.push(1);
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
        const word = text.slice(wordStart, index);
        if (word.includes(replacement)) {
          const pieces = new PreTokenizedString(normalized.slice(wordStart, index));
          metaspace.preTokenize(pieces);
          for (const piece of pieces.splits) {
            for (const token of this.model.tokenize(piece.normalized.normalized)) {
              const [start, end] = piece.normalized.originalRange(token.start, token.end);
              push(token.id, token.value, start, end);
            }
          }
          continue;
        }
        const prefixed = always || starts[wordStart] === 0;
        const shift = prefixed ? wordStart - replacement.length : wordStart;
        for (const token of this.model.tokenize(prefixed ? replacement + word : word)) {
          const first = Math.max(wordStart, shift + token.start);
          const last = Math.max(wordStart, shift + token.end - 1);
          push(token.id, token.value, starts[first] as number, ends[last] as number);
        }
      }
    }
    return encoding;
  }
}

/** Map from code point index to UTF-16 index of `text` (one entry past the end). */
function codePointToUtf16(text: string): Int32Array {
  const map: number[] = [];
  for (let index = 0; index < text.length; ) {
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

import { AlbertTokenizerFast, type AlbertTokenizer } from '@albert-ts/tokenizer';
import { PipelineError } from './pipeline-error.js';

/** Either ALBERT tokenizer of `@albert-ts/tokenizer`. */
export type AnyAlbertTokenizer = AlbertTokenizer | AlbertTokenizerFast;

/** One encoded text or pair as the task pipelines read it (every field present). */
export interface PipelineEncoding {
  /** Token ids, `[CLS]`/`[SEP]` included. */
  readonly inputIds: number[];
  /** Segment ids (0 first text, 1 second). */
  readonly tokenTypeIds: number[];
  /** Ones (the pipelines never pad a single encoding). */
  readonly attentionMask: number[];
  /** 1 for the special tokens the tokenizer added. */
  readonly specialTokensMask: number[];
  /** `[start, end)` in code points into the text each token comes from (`[0, 0]` for special tokens). */
  readonly offsets: Array<[number, number]>;
  /** Token strings (`▁paris`). */
  readonly tokens: string[];
  /** HF `sequence_ids()`: 0 or 1 for the text a token comes from, `null` for the added special tokens. */
  readonly sequenceIds: Array<number | null>;
}

/** One overflowing window of a text or pair (fast tokenizer only): a {@link PipelineEncoding} with its word ids. */
export interface PipelineWindow extends PipelineEncoding {
  /** HF `word_ids()`: the word of each token in its own text, `null` for the added special tokens. */
  readonly wordIds: Array<number | null>;
}

/** Options of {@link PipelineTokenizer.encodeWindows}. */
export interface PipelineWindowOptions {
  /** The second text of a pair. */
  readonly textPair?: string;
  /** What is cut: `only_second` (question answering: the context) or `longest_first` (one text). */
  readonly truncation: 'only_second' | 'longest_first';
  /** Maximum window length, special tokens included. */
  readonly maxLength: number;
  /** Tokens shared by neighbouring windows. */
  readonly stride: number;
}

/** Options of {@link PipelineTokenizer.encode}. */
export interface PipelineEncodeOptions {
  /** The second text of a pair. */
  readonly textPair?: string;
  /** Truncation strategy (transformers' names); default none. */
  readonly truncation?: 'longest_first' | 'only_first' | 'only_second';
  /** Maximum length with special tokens, when truncating (default the tokenizer's `modelMaxLength`). */
  readonly maxLength?: number;
  /** Add `[CLS]`/`[SEP]` (default true). */
  readonly addSpecialTokens?: boolean;
}

/**
 * What the task pipelines need from a tokenizer, the same for the slow (`spiece.model`) and the fast
 * (`tokenizer.json`) ALBERT tokenizer. {@link asPipelineTokenizer} builds it.
 */
export interface PipelineTokenizer {
  /** The wrapped tokenizer. */
  readonly tokenizer: AnyAlbertTokenizer;
  /** Whether it is the fast tokenizer (Python gives offsets to the pipelines only then). */
  readonly isFast: boolean;
  /** `model_max_length`. */
  readonly modelMaxLength: number;
  /** `padding_side` (question answering puts the question first when `right`). */
  readonly paddingSide: 'left' | 'right';
  /** Id of `[MASK]`. */
  readonly maskTokenId: number;
  /** Id of `<pad>`. */
  readonly padTokenId: number;
  /** Id of `[CLS]`. */
  readonly clsTokenId: number;
  /** Id of `<unk>`. */
  readonly unkTokenId: number;
  /** Encodes a text or pair. */
  encode(text: string, options?: PipelineEncodeOptions): PipelineEncoding;
  /**
   * The windows of a text or pair (`return_overflowing_tokens` with `stride`): the tokenizer's own
   * overflow, fast tokenizer only. Offsets stay relative to the whole text.
   * @throws {@link PipelineError} `PIPELINE_INVALID_OPTION` for the slow tokenizer; the tokenizer's
   *   `TokenizerError` when the first text leaves no room or the stride does not fit.
   */
  encodeWindows(text: string, options: PipelineWindowOptions): PipelineWindow[];
  /** Tokens of ids (`convert_ids_to_tokens`). */
  convertIdsToTokens(ids: readonly number[]): string[];
  /** Joins tokens into text (`convert_tokens_to_string`). */
  convertTokensToString(tokens: readonly string[]): string;
  /** Decodes ids (`decode`, with the tokenizer's `clean_up_tokenization_spaces`). */
  decode(ids: readonly number[], options?: { readonly skipSpecialTokens?: boolean }): string;
  /** The id of a token in the vocabulary (added tokens included), `undefined` when absent (`get_vocab().get`). */
  vocabularyId(token: string): number | undefined;
}

function sequenceIdsOf(tokenTypeIds: readonly number[], specialTokensMask: readonly number[]): Array<number | null> {
  return tokenTypeIds.map((typeId, index) => (specialTokensMask[index] === 1 ? null : typeId));
}

/** Wraps a slow or fast ALBERT tokenizer in the interface the pipelines use. */
export function asPipelineTokenizer(tokenizer: AnyAlbertTokenizer): PipelineTokenizer {
  if (tokenizer instanceof AlbertTokenizerFast) {
    const fast = tokenizer;
    return {
      tokenizer: fast,
      isFast: true,
      modelMaxLength: fast.modelMaxLength,
      paddingSide: fast.paddingSide,
      maskTokenId: fast.maskTokenId,
      padTokenId: fast.padTokenId,
      clsTokenId: fast.clsTokenId,
      unkTokenId: fast.unkTokenId,
      encode(text, options = {}) {
        const encoding = fast.encode(text, {
          ...(options.textPair === undefined ? {} : { textPair: options.textPair }),
          truncation: options.truncation ?? false,
          ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
          ...(options.addSpecialTokens === undefined ? {} : { addSpecialTokens: options.addSpecialTokens }),
        });
        return { ...encoding, sequenceIds: sequenceIdsOf(encoding.tokenTypeIds, encoding.specialTokensMask) };
      },
      encodeWindows(text, options) {
        const batch = fast.encodeBatch([options.textPair === undefined ? text : [text, options.textPair]], {
          truncation: options.truncation,
          maxLength: options.maxLength,
          stride: options.stride,
          returnOverflowingTokens: true,
        });
        return batch.inputIds.map((inputIds, row) => ({
          inputIds,
          tokenTypeIds: batch.tokenTypeIds[row] as number[],
          attentionMask: batch.attentionMask[row] as number[],
          specialTokensMask: batch.specialTokensMask[row] as number[],
          offsets: batch.offsets[row] as Array<[number, number]>,
          tokens: batch.tokens[row] as string[],
          sequenceIds: batch.sequenceIds[row] as Array<number | null>,
          wordIds: batch.wordIds[row] as Array<number | null>,
        }));
      },
      convertIdsToTokens: (ids) => fast.convertIdsToTokens(ids),
      convertTokensToString: (tokens) => fast.convertTokensToString(tokens),
      decode: (ids, options = {}) => fast.decode(ids, { skipSpecialTokens: options.skipSpecialTokens ?? false }),
      vocabularyId: (token) => fast.tokenToId(token),
    };
  }
  const slow = tokenizer;
  let vocabulary: Map<string, number> | undefined;
  return {
    tokenizer: slow,
    isFast: false,
    modelMaxLength: slow.modelMaxLength,
    paddingSide: slow.paddingSide,
    maskTokenId: slow.maskTokenId,
    padTokenId: slow.padTokenId,
    clsTokenId: slow.clsTokenId,
    unkTokenId: slow.unkTokenId,
    encode(text, options = {}) {
      const encoding = slow.encode(text, {
        ...(options.textPair === undefined ? {} : { textPair: options.textPair }),
        truncation: options.truncation ?? false,
        ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
        ...(options.addSpecialTokens === undefined ? {} : { addSpecialTokens: options.addSpecialTokens }),
      });
      return {
        inputIds: encoding.inputIds,
        tokenTypeIds: encoding.tokenTypeIds,
        attentionMask: encoding.attentionMask,
        specialTokensMask: encoding.specialTokensMask,
        offsets: encoding.offsets,
        tokens: encoding.tokens,
        sequenceIds: sequenceIdsOf(encoding.tokenTypeIds, encoding.specialTokensMask),
      };
    },
    encodeWindows() {
      throw new PipelineError(
        'PIPELINE_INVALID_OPTION',
        'overflowing windows (question answering, stride) need the fast tokenizer: load it with loadTokenizer (tokenizer.json, or spiece.model converted)',
        {
          field: 'tokenizer',
          value: 'AlbertTokenizer',
          expected: 'AlbertTokenizerFast',
        },
      );
    },
    convertIdsToTokens: (ids) => slow.convertIdsToTokens(ids),
    convertTokensToString: (tokens) => slow.convertTokensToString(tokens),
    decode: (ids, options = {}) => slow.decode(ids, { skipSpecialTokens: options.skipSpecialTokens ?? false }),
    vocabularyId(token) {
      vocabulary ??= slow.getVocab();
      return vocabulary.get(token);
    },
  };
}

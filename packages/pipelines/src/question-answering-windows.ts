import type { PipelineEncoding } from './pipeline-tokenizer.js';

/**
 * One window of a question/context pair: `[CLS] question [SEP] context[start:stop] [SEP]`, as the fast
 * tokenizer's overflowing tokens give it (`truncation: 'only_second'`, `stride: docStride`).
 */
export interface QuestionAnsweringWindow {
  /** Token ids of the window. */
  readonly inputIds: number[];
  /** Segment ids: 0 for `[CLS]`, the question and its `[SEP]`, 1 for the context and the last `[SEP]`. */
  readonly tokenTypeIds: number[];
  /** HF `sequence_ids()`: `null` for special tokens, 0 question, 1 context. */
  readonly sequenceIds: Array<number | null>;
  /** Offsets (code points) into the question or the context, `[0, 0]` for special tokens. */
  readonly offsets: Array<[number, number]>;
  /** The word each token belongs to (`word_ids()`), `null` for special tokens; numbered per text. */
  readonly wordIds: Array<number | null>;
}

/**
 * Word ids of the tokens of one text for ALBERT's fast tokenizer, whose `Metaspace` pre-tokenizer
 * (`split: true`) starts a word at every `▁`: a token starting with `▁` opens a word, any other token
 * continues the current one; an added token is a word of its own.
 *
 * Internal stand-in for the tokenizer's own `wordIds()`: switch to it once `@albert-ts/tokenizer`
 * provides it.
 */
export function metaspaceWordIds(tokens: readonly string[], isAddedToken: (index: number) => boolean = () => false): number[] {
  const wordIds: number[] = [];
  let word = -1;
  let previousAdded = false;
  tokens.forEach((token, index) => {
    const added = isAddedToken(index);
    if (word < 0 || added || previousAdded || token.startsWith('\u2581')) word += 1;
    wordIds.push(word);
    previousAdded = added;
  });
  return wordIds;
}

/**
 * The token ranges `[start, stop)` of the windows over `length` tokens with `room` tokens per window
 * and `stride` tokens shared by neighbours (the `tokenizers` library's `Encoding::truncate`, right side).
 */
export function windowRanges(length: number, room: number, stride: number): Array<[number, number]> {
  if (length <= room) return [[0, length]];
  const step = room - stride;
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < length; start += step) {
    const stop = Math.min(start + room, length);
    ranges.push([start, stop]);
    if (stop === length) break;
  }
  return ranges;
}

/** The windows of a question/context pair. */
export interface QuestionAnsweringWindows {
  /** The windows, in context order. */
  readonly windows: QuestionAnsweringWindow[];
}

/** Why a pair cannot be cut into windows. */
export interface QuestionAnsweringWindowsRefused {
  /** Context tokens a window could hold beside the question. */
  readonly room: number;
  /** `question`: no room at all; `stride`: `docStride` does not fit in the room. */
  readonly reason: 'question' | 'stride';
}

/**
 * Builds the windows of a question/context pair from the untruncated pair encoding
 * (`[CLS] question [SEP] context [SEP]`): every window repeats the question, and holds up to
 * `maxSeqLen - question - 3` context tokens, overlapping its neighbour by `docStride` tokens.
 *
 * Internal: this is the fast tokenizer's `return_overflowing_tokens` with `stride`, built from ids and
 * offsets; switch to the tokenizer's overflow API once `@albert-ts/tokenizer` provides it.
 * @returns the windows, or `{ room }` when the question leaves no room (`room <= 0`) or the stride
 *   does not fit (`docStride >= room`) and the context must be cut.
 */
export function buildQuestionAnsweringWindows(
  pair: PipelineEncoding,
  options: { readonly maxSeqLen: number; readonly docStride: number; readonly isAddedToken?: (id: number) => boolean },
): QuestionAnsweringWindows | QuestionAnsweringWindowsRefused {
  const question: number[] = [];
  const context: number[] = [];
  pair.sequenceIds.forEach((sequence, index) => {
    if (sequence === 0) question.push(index);
    else if (sequence === 1) context.push(index);
  });
  const specials = pair.inputIds.length - question.length - context.length; // [CLS], [SEP], [SEP]
  const room = options.maxSeqLen - question.length - specials;
  const isAdded = (index: number): boolean => options.isAddedToken?.(pair.inputIds[index] as number) ?? false;
  const questionWords = metaspaceWordIds(question.map((index) => pair.tokens[index] as string), (position) => isAdded(question[position] as number));
  const contextWords = metaspaceWordIds(context.map((index) => pair.tokens[index] as string), (position) => isAdded(context[position] as number));
  if (context.length > room) {
    if (room <= 0) return { room, reason: 'question' };
    if (options.docStride >= room) return { room, reason: 'stride' };
  }
  const cls = pair.inputIds[0] as number;
  const firstSep = pair.inputIds[(question[question.length - 1] ?? 0) + 1] as number;
  const lastSep = pair.inputIds[pair.inputIds.length - 1] as number;
  return {
    windows: windowRanges(context.length, Math.max(room, 1), options.docStride).map(([start, stop]): QuestionAnsweringWindow => {
      const contextPart = context.slice(start, stop);
      const inputIds = [cls, ...question.map((index) => pair.inputIds[index] as number), firstSep, ...contextPart.map((index) => pair.inputIds[index] as number), lastSep];
      return {
        inputIds,
        tokenTypeIds: [...new Array<number>(question.length + 2).fill(0), ...new Array<number>(contextPart.length + 1).fill(1)],
        sequenceIds: [null, ...question.map(() => 0), null, ...contextPart.map(() => 1), null],
        offsets: [[0, 0], ...question.map((index) => pair.offsets[index] as [number, number]), [0, 0], ...contextPart.map((index) => pair.offsets[index] as [number, number]), [0, 0]],
        wordIds: [null, ...questionWords, null, ...contextWords.slice(start, stop), null],
      };
    }),
  };
}

import { checkOptionKeys } from '@albert-ts/config';
import type { LengthBucketOptions, SequenceEncoding, Tensor } from '@albert-ts/core';
import { PipelineError } from './pipeline-error.js';
import { TokenizerError } from '@albert-ts/tokenizer';
import type { PipelineTokenizer, PipelineWindow } from './pipeline-tokenizer.js';
import { batchOf, checkIntegerOption, checkText } from './task-inputs.js';

const TASK = 'question-answering';

/** Options of the question-answering pipeline. */
export interface QuestionAnsweringPipelineOptions extends LengthBucketOptions {
  /** Answers to return (default 1; fewer when the context has fewer). */
  readonly topK?: number;
  /** Context tokens shared by neighbouring windows (default `min(maxSeqLen / 2, 128)`). */
  readonly docStride?: number;
  /** Longest answer in tokens (default 15). */
  readonly maxAnswerLen?: number;
  /** Tokens per window, question and special tokens included (default `min(modelMaxLength, 384)`). */
  readonly maxSeqLen?: number;
  /**
   * Longest question in tokens (default 64). Python's fast path ignores it (only the slow path cuts the
   * question); it is checked and kept for the same reason.
   */
  readonly maxQuestionLen?: number;
  /** Also consider the empty answer (`{score, start: 0, end: 0, answer: ''}`), default false. */
  readonly handleImpossibleAnswer?: boolean;
  /** Widen the answer to whole words (default true, as Python). */
  readonly alignToWords?: boolean;
}

/** The keys of {@link QuestionAnsweringPipelineOptions}. */
export const QUESTION_ANSWERING_OPTION_KEYS = [
  'topK',
  'docStride',
  'maxAnswerLen',
  'maxSeqLen',
  'maxQuestionLen',
  'handleImpossibleAnswer',
  'alignToWords',
  'tokenBudget',
  'maxBatchSize',
] as const;

/** An input: Python's `{question, context}`. */
export interface QuestionAnsweringInput {
  /** The question. */
  readonly question: string;
  /** The text the answer is taken from. */
  readonly context: string;
}

/** One answer: Python's `{score, start, end, answer}`. */
export interface QuestionAnsweringAnswer {
  /** Probability of the span (start × end probabilities, summed over spans with the same text). */
  readonly score: number;
  /** Start in the context (code points). */
  readonly start: number;
  /** End in the context (code points). */
  readonly end: number;
  /** `context[start:end]` exactly (leading spaces included). */
  readonly answer: string;
}

/** The result for one input: the best answer, or (`topK` > 1 and several found) the ranked answers. */
export type QuestionAnsweringOutput = QuestionAnsweringAnswer | QuestionAnsweringAnswer[];

/** A span-extraction model as the pipeline uses it (`AlbertForQuestionAnswering`). */
export interface QuestionAnsweringPipelineModel {
  /** Runs encodings in length buckets; `startLogits` / `endLogits` `[1, length]` each. */
  forwardMany(
    encodings: readonly SequenceEncoding[],
    options?: LengthBucketOptions,
  ): Promise<
    {
      /** `[1, length]`. */
      startLogits: Tensor<'float32'>;
      /** `[1, length]`. */
      endLogits: Tensor<'float32'>;
    }[]
  >;
}

/** The preprocessed input: its windows. */
export interface QuestionAnsweringModelInputs {
  /** The input. */
  readonly example: QuestionAnsweringInput;
  /** The windows over the context (one when it fits). */
  readonly windows: PipelineWindow[];
}

/** Window sizes of question answering. */
export interface QuestionAnsweringWindowSettings {
  /** Tokens per window. */
  maxSeqLen: number;
  /** Tokens shared by neighbouring windows. */
  docStride: number;
}

/** The resolved window settings (Python's defaults). */
export function questionAnsweringWindowSettings(
  tokenizer: Pick<PipelineTokenizer, 'modelMaxLength'>,
  options: QuestionAnsweringPipelineOptions,
): QuestionAnsweringWindowSettings {
  const maxSeqLen =
    options.maxSeqLen === undefined
      ? Math.min(tokenizer.modelMaxLength, 384)
      : checkIntegerOption(TASK, 'maxSeqLen', options.maxSeqLen, 1);
  const docStride =
    options.docStride === undefined
      ? Math.min(Math.floor(maxSeqLen / 2), 128)
      : checkIntegerOption(TASK, 'docStride', options.docStride, 0);
  if (docStride > maxSeqLen) {
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${TASK}: docStride (${docStride}) is larger than maxSeqLen (${maxSeqLen})`,
      { task: TASK, field: 'docStride', value: docStride, expected: `<= ${maxSeqLen}` },
    );
  }
  return { maxSeqLen, docStride };
}

/**
 * Preprocess: checks `{question, context}`, encodes the pair and cuts the context into windows.
 * @throws {@link PipelineError} `PIPELINE_QUESTION_TOO_LONG` when the question leaves no room for the
 *   context in `maxSeqLen`; `PIPELINE_INVALID_OPTION` when `docStride` does not fit beside the question.
 */
export function preprocessQuestionAnswering(
  tokenizer: PipelineTokenizer,
  input: unknown,
  settings: QuestionAnsweringWindowSettings,
  index?: number,
): QuestionAnsweringModelInputs {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PipelineError(
      'PIPELINE_INVALID_INPUT',
      `${TASK}: an input is {question, context}, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
      { task: TASK, field: 'inputs', value: typeof input },
    );
  }
  const record = input as Record<string, unknown>;
  checkOptionKeys(record, ['question', 'context'], `${TASK} input`);
  const question = checkText(TASK, 'question', record['question'], index);
  const context = checkText(TASK, 'context', record['context'], index);
  let windows: PipelineWindow[];
  try {
    windows = tokenizer.encodeWindows(question, {
      textPair: context,
      truncation: 'only_second',
      maxLength: settings.maxSeqLen,
      stride: settings.docStride,
    });
  } catch (error) {
    if (
      !(error instanceof TokenizerError) ||
      (error.code !== 'TOKENIZER_TRUNCATION_ERROR' && error.code !== 'TOKENIZER_INVALID_OPTION')
    )
      throw error;
    // the context cannot be cut: the question leaves no room, or the stride does not fit in the room
    const questionLength = tokenizer.encode(question, { addSpecialTokens: false }).inputIds.length;
    const specials = tokenizer.encode('', { textPair: '' }).inputIds.length;
    const room = settings.maxSeqLen - questionLength - specials;
    if (room <= 0) {
      throw new PipelineError(
        'PIPELINE_QUESTION_TOO_LONG',
        `${TASK}: the question${index === undefined ? '' : ` of input ${index}`} is too long for maxSeqLen ${settings.maxSeqLen}: it leaves ${room} tokens for the context; shorten the question or raise maxSeqLen`,
        {
          task: TASK,
          field: 'question',
          ...(index === undefined ? {} : { index }),
          value: question,
          expected: settings.maxSeqLen,
        },
      );
    }
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${TASK}: docStride ${settings.docStride} must be smaller than the ${room} context tokens a window of maxSeqLen ${settings.maxSeqLen} holds beside the question`,
      {
        task: TASK,
        field: 'docStride',
        value: settings.docStride,
        expected: `< ${room}`,
      },
    );
  }
  return { example: { question, context }, windows };
}

/** Probabilities of one window's logits over the allowed tokens (context and `[CLS]`), others masked to -10000. */
function maskedSoftmax(logits: Float32Array, allowed: readonly boolean[]): number[] {
  const masked = Array.from(logits, (value, index) => (allowed[index] ? value : -10000));
  let max = -Infinity;
  for (const value of masked) max = Math.max(max, value);
  const exps = masked.map((value) => Math.exp(value - max));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}

/** A candidate answer span of one window. */
export interface QuestionAnsweringSpan {
  /** First token. */
  readonly start: number;
  /** Last token (inclusive). */
  readonly end: number;
  /** `p_start · p_end`. */
  readonly score: number;
}

/**
 * Python's `select_starts_ends` + `decode_spans` for one window: masked softmax of start and end logits,
 * the null score `p_start[0] · p_end[0]`, then the `count` best spans with `start <= end < start +
 * maxAnswerLen` over allowed tokens (`[CLS]` excluded), best first.
 */
export function selectSpans(
  startLogits: Float32Array,
  endLogits: Float32Array,
  window: PipelineWindow,
  count: number,
  maxAnswerLen: number,
): {
  /** The best spans, best first. */
  spans: QuestionAnsweringSpan[];
  /** `p_start[0] · p_end[0]` (the `[CLS]` span). */
  nullScore: number;
} {
  // p_mask: every token but the context's (question, specials) is excluded; [CLS] stays allowed
  const allowed = window.sequenceIds.map((sequence, index) => sequence === 1 || index === 0);
  const start = maskedSoftmax(startLogits, allowed);
  const end = maskedSoftmax(endLogits, allowed);
  const nullScore = (start[0] as number) * (end[0] as number);
  start[0] = 0;
  end[0] = 0;
  const spans: QuestionAnsweringSpan[] = [];
  for (let s = 0; s < start.length; s += 1) {
    if (!allowed[s]) continue;
    for (let e = s; e < Math.min(end.length, s + maxAnswerLen); e += 1) {
      if (!allowed[e]) continue;
      const score = (start[s] as number) * (end[e] as number);
      if (score > 0) spans.push({ start: s, end: e, score });
    }
  }
  spans.sort((a, b) => b.score - a.score || a.start - b.start || a.end - b.end);
  return { spans: spans.slice(0, count), nullScore };
}

/** `text[start:end]` in code points. */
function codePointSlice(codePoints: readonly string[], start: number, end: number): string {
  return codePoints.slice(start, Math.max(start, end)).join('');
}

/**
 * Character span of tokens `s..e` of a window (Python's `get_indices`): with `alignToWords`, from the
 * start of the first token's word to the end of the last token's word (within the window); else the
 * tokens' own offsets.
 */
export function spanCharacters(window: PipelineWindow, s: number, e: number, alignToWords: boolean): [number, number] {
  const startWord = window.wordIds[s];
  const endWord = window.wordIds[e];
  if (alignToWords && startWord !== null && startWord !== undefined && endWord !== null && endWord !== undefined) {
    const charsOf = (word: number): [number, number] => {
      let first = -1;
      let last = -1;
      window.wordIds.forEach((id, index) => {
        if (id === word && window.sequenceIds[index] === 1) {
          if (first < 0) first = index;
          last = index;
        }
      });
      return [(window.offsets[first] as [number, number])[0], (window.offsets[last] as [number, number])[1]];
    };
    if (window.sequenceIds[s] === 1 && window.sequenceIds[e] === 1) return [charsOf(startWord)[0], charsOf(endWord)[1]];
  }
  return [(window.offsets[s] as [number, number])[0], (window.offsets[e] as [number, number])[1]];
}

/**
 * Postprocess over all windows of one input (Python's `postprocess`): the best spans of each window,
 * widened to words, answers with the same text (case-insensitive) merged by adding their scores, the
 * empty answer with the smallest null score when `handleImpossibleAnswer`, sorted, cut to `topK`.
 * @param logits - one `{start, end}` pair of logit rows per window.
 */
export function postprocessQuestionAnswering(
  inputs: QuestionAnsweringModelInputs,
  logits: ReadonlyArray<{ readonly start: Float32Array; readonly end: Float32Array }>,
  options: {
    readonly topK?: number;
    readonly maxAnswerLen?: number;
    readonly handleImpossibleAnswer?: boolean;
    readonly alignToWords?: boolean;
  } = {},
): QuestionAnsweringOutput {
  const topK = options.topK ?? 1;
  const maxAnswerLen = options.maxAnswerLen ?? 15;
  const alignToWords = options.alignToWords ?? true;
  const candidates = alignToWords ? topK * 2 + 10 : topK;
  const context = Array.from(inputs.example.context);
  let minNullScore = 1000000;
  const answers: Array<{ score: number; start: number; end: number; answer: string }> = [];
  inputs.windows.forEach((window, index) => {
    const windowLogits = logits[index] as { start: Float32Array; end: Float32Array };
    const { spans, nullScore } = selectSpans(windowLogits.start, windowLogits.end, window, candidates, maxAnswerLen);
    if (options.handleImpossibleAnswer === true) minNullScore = Math.min(minNullScore, nullScore);
    for (const span of spans) {
      const [start, end] = spanCharacters(window, span.start, span.end, alignToWords);
      const text = codePointSlice(context, start, end);
      const existing = answers.find((answer) => answer.answer.toLowerCase() === text.toLowerCase());
      if (existing !== undefined) existing.score += span.score;
      else answers.push({ score: span.score, start, end, answer: text });
    }
  });
  if (options.handleImpossibleAnswer === true) answers.push({ score: minNullScore, start: 0, end: 0, answer: '' });
  const ranked = answers
    .map((answer, index) => ({ answer, index }))
    .sort((a, b) => b.answer.score - a.answer.score || a.index - b.index)
    .slice(0, topK)
    .map(({ answer }): QuestionAnsweringAnswer => ({
      score: answer.score,
      start: answer.start,
      end: answer.end,
      answer: answer.answer,
    }));
  return ranked.length === 1 ? (ranked[0] as QuestionAnsweringAnswer) : ranked;
}

/** Runs question answering on one `{question, context}` or a batch (all windows of all inputs in one bucketed forward). */
export async function runQuestionAnswering(
  model: QuestionAnsweringPipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: QuestionAnsweringInput | readonly QuestionAnsweringInput[],
  options: QuestionAnsweringPipelineOptions,
): Promise<QuestionAnsweringOutput | QuestionAnsweringOutput[]> {
  checkOptionKeys(options, QUESTION_ANSWERING_OPTION_KEYS, `pipeline('${TASK}')`);
  const topK = options.topK === undefined ? 1 : checkIntegerOption(TASK, 'topK', options.topK, 1);
  const maxAnswerLen =
    options.maxAnswerLen === undefined ? 15 : checkIntegerOption(TASK, 'maxAnswerLen', options.maxAnswerLen, 1);
  if (options.maxQuestionLen !== undefined) checkIntegerOption(TASK, 'maxQuestionLen', options.maxQuestionLen, 1);
  const settings = questionAnsweringWindowSettings(tokenizer, options);
  const { items, batched } = batchOf(TASK, inputs);
  const prepared = items.map((item, index) =>
    preprocessQuestionAnswering(tokenizer, item, settings, batched ? index : undefined),
  );
  const windows = prepared.flatMap((item) => item.windows);
  const outputs = await model.forwardMany(windows, {
    ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
  });
  let next = 0;
  const results = prepared.map((item) => {
    const logits = item.windows.map(() => {
      const output = outputs[next] as { startLogits: Tensor<'float32'>; endLogits: Tensor<'float32'> };
      next += 1;
      return { start: output.startLogits.data, end: output.endLogits.data };
    });
    return postprocessQuestionAnswering(item, logits, {
      topK,
      maxAnswerLen,
      ...(options.handleImpossibleAnswer === undefined
        ? {}
        : { handleImpossibleAnswer: options.handleImpossibleAnswer }),
      ...(options.alignToWords === undefined ? {} : { alignToWords: options.alignToWords }),
    });
  });
  return batched && results.length > 1 ? results : (results[0] as QuestionAnsweringOutput);
}

import type { AlbertTokenizerFast } from '@albert-ts/tokenizer';
import { TrainingError } from '../training-error.js';
import { decodeDataChunks, type DataChunks } from './data-chunks.js';
import type { TrainingExample } from './training-example.js';

/** One answer of a SQuAD question. */
export interface SquadAnswer {
  /** The answer text. */
  readonly text: string;
  /** Its first character in the context (a code point index, as Python counts). */
  readonly answerStart: number;
}

/** One question of a SQuAD file, with its context. */
export interface SquadQuestion {
  /** The question's `id`. */
  readonly id: string;
  /** The question (leading whitespace removed, as HF's `run_qa` does). */
  readonly question: string;
  /** The paragraph. */
  readonly context: string;
  /** The answers (empty for an impossible question). */
  readonly answers: readonly SquadAnswer[];
  /** SQuAD v2: the context does not answer the question. */
  readonly isImpossible: boolean;
}

/** The default bound of a SQuAD file: 256 MiB (SQuAD v2's training set is 40 MB). */
export const DEFAULT_MAX_SQUAD_BYTES = 256 * 1024 * 1024;

const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

/**
 * Parses SQuAD-format JSON (v1.1, and v2 with `is_impossible`):
 * `{"data": [{"paragraphs": [{"context": …, "qas": [{"id", "question", "answers": [{"text", "answer_start"}], "is_impossible"?}]}]}]}`.
 *
 * @example
 * ```ts
 * const questions = parseSquad(await readFile('train-v2.0.json', 'utf8'), 'train-v2.0.json');
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file and the JSON path of a malformed entry
 *   (`data[0].paragraphs[3].qas[1].answers[0].answer_start`): not JSON, a missing or mistyped field, an
 *   answer outside its context, a possible question without an answer, or no question at all.
 */
export function parseSquad(content: string, file: string): SquadQuestion[] {
  let root: unknown;
  try {
    root = JSON.parse(content) as unknown;
  } catch (error) {
    throw new TrainingError('TRAINING_BAD_DATA', `${file}: not JSON (${(error as Error).message})`, { file });
  }
  const bad = (path: string, message: string): TrainingError =>
    new TrainingError('TRAINING_BAD_DATA', `${file} ${path}: ${message}`, { file, field: path });
  const list = (value: unknown, path: string): unknown[] => {
    if (!Array.isArray(value)) throw bad(path, 'must be a list (is this a SQuAD-format file?)');
    return value;
  };
  const object = (value: unknown, path: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(path, 'must be an object');
    return value as Record<string, unknown>;
  };
  const text = (value: unknown, path: string): string => {
    if (typeof value !== 'string') throw bad(path, `must be a string${value === undefined ? ' (it is missing)' : ''}`);
    return value;
  };
  const questions: SquadQuestion[] = [];
  list(object(root, '(top level)')['data'], 'data').forEach((article, articleIndex) => {
    const articlePath = `data[${articleIndex}]`;
    list(object(article, articlePath)['paragraphs'], `${articlePath}.paragraphs`).forEach(
      (paragraph, paragraphIndex) => {
        const paragraphPath = `${articlePath}.paragraphs[${paragraphIndex}]`;
        const fields = object(paragraph, paragraphPath);
        const context = text(fields['context'], `${paragraphPath}.context`);
        const contextLength = codePoints(context);
        list(fields['qas'], `${paragraphPath}.qas`).forEach((qa, qaIndex) => {
          const path = `${paragraphPath}.qas[${qaIndex}]`;
          const entry = object(qa, path);
          const impossible = entry['is_impossible'];
          if (impossible !== undefined && typeof impossible !== 'boolean')
            throw bad(`${path}.is_impossible`, 'must be true or false');
          const id = entry['id'] === undefined ? path : String(entry['id'] as string | number);
          const answers = list(entry['answers'] ?? [], `${path}.answers`).map((answer, answerIndex) => {
            const answerPath = `${path}.answers[${answerIndex}]`;
            const answerFields = object(answer, answerPath);
            const answerText = text(answerFields['text'], `${answerPath}.text`);
            const start = answerFields['answer_start'];
            if (
              typeof start !== 'number' ||
              !Number.isInteger(start) ||
              start < 0 ||
              start + codePoints(answerText) > contextLength
            )
              throw bad(
                `${answerPath}.answer_start`,
                `${JSON.stringify(start)} does not place "${answerText.slice(0, 40)}" inside the context (${contextLength} characters)`,
              );
            return { text: answerText, answerStart: start };
          });
          if (impossible !== true && answers.length === 0)
            throw bad(`${path}.answers`, 'a question without answers must have "is_impossible": true (SQuAD v2)');
          questions.push({
            id,
            question: text(entry['question'], `${path}.question`).trimStart(),
            context,
            answers: impossible === true ? [] : answers,
            isImpossible: impossible === true,
          });
        });
      },
    );
  });
  if (questions.length === 0) throw new TrainingError('TRAINING_BAD_DATA', `${file}: no questions`, { file });
  return questions;
}

/**
 * Reads and parses a SQuAD file ({@link parseSquad}); JSON cannot be streamed, so the file is bounded.
 *
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` when the file is larger than `maxBytes` (default
 *   {@link DEFAULT_MAX_SQUAD_BYTES}), not UTF-8, or malformed.
 */
export async function readSquad(
  chunks: DataChunks,
  options: { readonly file: string; readonly maxBytes?: number },
): Promise<SquadQuestion[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SQUAD_BYTES;
  const parts: string[] = [];
  let size = 0;
  for await (const text of decodeDataChunks(chunks, options.file)) {
    size += text.length;
    if (size > maxBytes)
      throw new TrainingError('TRAINING_BAD_DATA', `${options.file}: larger than ${maxBytes} characters`, {
        file: options.file,
        maxBytes,
      });
    parts.push(text);
  }
  if (size === 0)
    throw new TrainingError('TRAINING_BAD_DATA', `${options.file}: no questions (the file is empty)`, {
      file: options.file,
    });
  return parseSquad(parts.join(''), options.file);
}

/** One window of a question over its context: a training example plus what the evaluation needs. */
export interface QuestionAnsweringFeature extends TrainingExample {
  /** The answer's first token, or the `[CLS]` index when the answer is not in this window (or impossible). */
  readonly startPosition: number;
  /** The answer's last token, or the `[CLS]` index. */
  readonly endPosition: number;
  /** Per token: its `[start, end)` in the context (code points), `null` for question and special tokens. */
  readonly contextOffsets: readonly ([number, number] | null)[];
}

/** Options of {@link questionAnsweringFeatures}. */
export interface QuestionAnsweringFeatureOptions {
  /** Longest window, special tokens included. */
  readonly maxLength: number;
  /** Tokens shared by consecutive windows of a long context (HF's `doc_stride`; smaller than the context room of a window). */
  readonly docStride: number;
}

/**
 * The training windows of a question, as HF's `run_qa` preprocesses them: `[CLS] question [SEP] context
 * [SEP]` truncated `only_second` to `maxLength`, a long context split into windows that overlap by
 * `docStride` tokens; in each window the answer's character span (the first answer) is mapped to its
 * first and last token, and a window that does not contain the whole answer — or an impossible question —
 * points both positions at `[CLS]`. (One deliberate difference: the search for the start token stops at the
 * window's last context token, where `run_qa` can run on into `[SEP]` and padding when the answer starts
 * in the last context token.)
 *
 * @example
 * ```ts
 * const features = questionAnsweringFeatures(question, tokenizer, { maxLength: 384, docStride: 128 });
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` when the question leaves no room for the context.
 */
export function questionAnsweringFeatures(
  question: SquadQuestion,
  tokenizer: AlbertTokenizerFast,
  options: QuestionAnsweringFeatureOptions,
): QuestionAnsweringFeature[] {
  const questionTokens = tokenizer.encode(question.question, { addSpecialTokens: false }).inputIds.length;
  const room = options.maxLength - questionTokens - 3;
  if (room <= options.docStride)
    throw new TrainingError(
      'TRAINING_BAD_DATA',
      `question ${question.id}: ${questionTokens} question tokens leave ${room} context tokens per window, not more than the stride ${options.docStride} (raise --max-length or lower --doc-stride)`,
      { field: 'question', value: question.id },
    );
  const encoding = tokenizer.encode(question.question, {
    textPair: question.context,
    truncation: 'only_second',
    maxLength: options.maxLength,
    stride: options.docStride,
    returnOverflowingTokens: true,
  });
  const answer = question.answers[0];
  const startChar = answer?.answerStart;
  const endChar = answer === undefined ? undefined : answer.answerStart + codePoints(answer.text);
  return [encoding, ...(encoding.overflowing ?? [])].map((window) => {
    const cls = Math.max(0, window.inputIds.indexOf(tokenizer.clsTokenId));
    const contextOffsets = window.offsets.map((offset, index) => (window.sequenceIds[index] === 1 ? offset : null));
    let startPosition = cls;
    let endPosition = cls;
    if (startChar !== undefined && endChar !== undefined) {
      let first = 0;
      while (first < window.sequenceIds.length && window.sequenceIds[first] !== 1) first += 1;
      let last = window.sequenceIds.length - 1;
      while (last >= 0 && window.sequenceIds[last] !== 1) last -= 1;
      const offsets = window.offsets;
      if (
        first <= last &&
        (offsets[first] as [number, number])[0] <= startChar &&
        (offsets[last] as [number, number])[1] >= endChar
      ) {
        let start = first;
        while (start <= last && (offsets[start] as [number, number])[0] <= startChar) start += 1;
        let end = last;
        while (end >= first && (offsets[end] as [number, number])[1] >= endChar) end -= 1;
        startPosition = start - 1;
        endPosition = end + 1;
      }
    }
    return {
      inputIds: window.inputIds,
      tokenTypeIds: window.tokenTypeIds,
      startPosition,
      endPosition,
      contextOffsets,
    };
  });
}

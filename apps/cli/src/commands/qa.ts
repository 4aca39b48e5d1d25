import type { QuestionAnsweringInput, QuestionAnsweringOutput } from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';
import { formatScore, InputFileError, taskCommand } from './task-command.js';

function formatAnswers(result: QuestionAnsweringOutput): string {
  const answers = Array.isArray(result) ? result : [result];
  return `${answers.map((answer) => `${JSON.stringify(answer.answer).padEnd(30)} ${formatScore(answer.score)}  [${answer.start}, ${answer.end})`).join('\n')}\n`;
}

/** `albert qa "Where?" "The river flows into the sea."`: extractive question answering. */
export const qaCommand: CliCommand = taskCommand({
  name: 'qa',
  task: 'question-answering',
  summary: 'answer a question from a context (extractive question-answering)',
  usage:
    'qa [--top-k N] [--max-answer-len N] [--max-seq-len N] [--doc-stride N] [--impossible] "<question>" "<context>"',
  description: [
    'Runs the question-answering pipeline (AlbertForQuestionAnswering) as Python\'s pipeline("question-answering"):',
    'the answer is a slice of the context, [start, end) in characters; long contexts are cut into',
    'overlapping windows (--max-seq-len, --doc-stride). --input lines are {"question": "...", "context": "..."}.',
  ],
  examples: [
    'albert qa --model ./albert-squad "Where does the river flow?" "The river flows into the sea."',
    'albert qa --model ./albert-squad --input questions.jsonl --json',
  ],
  flags: {
    topK: { type: 'number', short: 'k', description: 'answers to return (default 1)', valueName: 'N' },
    maxAnswerLen: { type: 'number', description: 'longest answer in tokens (default 15)', valueName: 'N' },
    maxSeqLen: {
      type: 'number',
      description: 'tokens per window (default min(model max length, 384))',
      valueName: 'N',
    },
    docStride: {
      type: 'number',
      description: 'context tokens shared by neighbouring windows (default min(max-seq-len / 2, 128))',
      valueName: 'N',
    },
    maxQuestionLen: { type: 'number', description: 'longest question in tokens (default 64)', valueName: 'N' },
    impossible: { type: 'boolean', description: 'allow the empty answer (Python handle_impossible_answer)' },
  },
  options: (flags) => ({
    ...(flags.topK === undefined ? {} : { topK: flags.topK }),
    ...(flags.maxAnswerLen === undefined ? {} : { maxAnswerLen: flags.maxAnswerLen }),
    ...(flags.maxSeqLen === undefined ? {} : { maxSeqLen: flags.maxSeqLen }),
    ...(flags.docStride === undefined ? {} : { docStride: flags.docStride }),
    ...(flags.maxQuestionLen === undefined ? {} : { maxQuestionLen: flags.maxQuestionLen }),
    ...(flags.impossible ? { handleImpossibleAnswer: true } : {}),
  }),
  inputsFromArguments(positionals) {
    if (positionals.length === 0) return [];
    if (positionals.length !== 2)
      throw new UsageError(`qa takes two arguments, "<question>" "<context>", got ${positionals.length}`, {
        argument: positionals[2],
      });
    return [{ question: positionals[0] as string, context: positionals[1] as string }];
  },
  inputFromJson(value) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as QuestionAnsweringInput;
    throw new InputFileError(
      `qa: an input line must be {"question": "...", "context": "..."}, got ${JSON.stringify(value)?.slice(0, 60)}`,
      {},
    );
  },
  format: (result) => formatAnswers(result),
});

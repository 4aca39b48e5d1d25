import type { MultipleChoiceInput, MultipleChoiceOutput } from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';
import { formatScore, InputFileError, taskCommand } from './task-command.js';

function formatChoices(result: MultipleChoiceOutput): string {
  return `${result.map((answer) => `${String(answer.index).padStart(2)}  ${formatScore(answer.score)}  ${answer.choice}`).join('\n')}\n`;
}

/** `albert choose "prompt" "choice A" "choice B"`: multiple choice. */
export const chooseCommand: CliCommand = taskCommand({
  name: 'choose',
  task: 'multiple-choice',
  summary: 'rank the choices that follow a prompt (multiple-choice, AlbertForMultipleChoice)',
  usage: 'choose [--top-k N] "<prompt>" "<choice>" "<choice>"...',
  description: [
    'Runs the multiple-choice pipeline (AlbertForMultipleChoice): every (prompt, choice) pair is scored and',
    'the choices are ranked by the softmax over their scores. --input lines are {"text": "...", "choices": [...]}.',
  ],
  examples: ['albert choose --model ./albert-swag "She opened the umbrella because" "it rained." "it was sunny."'],
  flags: {
    topK: { type: 'number', short: 'k', description: 'choices to return (default all)', valueName: 'N' },
  },
  options: (flags) => (flags.topK === undefined ? {} : { topK: flags.topK }),
  inputsFromArguments(positionals) {
    if (positionals.length === 0) return [];
    if (positionals.length < 2)
      throw new UsageError('choose takes a prompt and at least one choice', { argument: positionals[0] });
    return [{ text: positionals[0] as string, choices: positionals.slice(1) }];
  },
  inputFromJson(value) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as MultipleChoiceInput;
    throw new InputFileError(
      `choose: an input line must be {"text": "...", "choices": [...]}, got ${JSON.stringify(value)?.slice(0, 60)}`,
      {},
    );
  },
  format: (result) => formatChoices(result),
});

import type { TextClassificationInput, TextClassificationLabel, TextClassificationOutput } from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';
import { formatScore, InputFileError, taskCommand } from './task-command.js';

function formatLabels(result: TextClassificationOutput): string {
  const labels = Array.isArray(result) ? result : [result];
  return `${labels.map((label: TextClassificationLabel) => `${label.label.padEnd(20)} ${formatScore(label.score)}`).join('\n')}\n`;
}

/** `albert classify "I loved it."`: text classification (sentiment, topics, ...). */
export const classifyCommand: CliCommand = taskCommand({
  name: 'classify',
  task: 'text-classification',
  summary: 'label a text or a text pair (text-classification / sentiment-analysis)',
  usage: 'classify [--top-k N|--all] [--function softmax|sigmoid|none] [--text-pair TEXT] "<text>"...',
  description: [
    'Runs the text-classification pipeline (AlbertForSequenceClassification) and prints the best label',
    '(or the --top-k best, or --all) with its score, as Python\'s pipeline("text-classification") does:',
    'softmax for single-label models, sigmoid for multi-label and one-label models (--function overrides).',
    '--input lines are "a text" or {"text": "...", "text_pair": "..."}.',
  ],
  examples: [
    'albert classify --model ./albert-sst2 "I loved this library."',
    'albert classify --model ./albert-mnli --all --text-pair "It rains." "The ground is wet."',
  ],
  flags: {
    topK: {
      type: 'number',
      short: 'k',
      description: 'labels to return, best first (default: the best one)',
      valueName: 'N',
    },
    all: { type: 'boolean', description: 'return every label, best first (Python top_k=None)' },
    function: {
      type: 'string',
      description: "how scores are made from logits (default: the model's problem type)",
      valueName: 'NAME',
      choices: ['softmax', 'sigmoid', 'none'],
    },
    textPair: { type: 'string', description: 'second text of a pair (for every text argument)', valueName: 'TEXT' },
  },
  options(flags) {
    if (flags.topK !== undefined && flags.all)
      throw new UsageError('give --top-k or --all, not both', { flag: '--all' });
    if (flags.topK !== undefined && (!Number.isInteger(flags.topK) || flags.topK < 1))
      throw new UsageError(`--top-k must be a positive integer, got ${flags.topK}`, {
        flag: '--top-k',
        value: flags.topK,
      });
    return {
      ...(flags.all ? { topK: null } : flags.topK === undefined ? {} : { topK: flags.topK }),
      ...(flags.function === undefined ? {} : { functionToApply: flags.function as 'softmax' | 'sigmoid' | 'none' }),
    };
  },
  inputsFromArguments: (positionals, flags) =>
    positionals.map((text): TextClassificationInput =>
      flags.textPair === undefined ? text : { text, text_pair: flags.textPair },
    ),
  inputFromJson(value, flags) {
    if (typeof value === 'string')
      return flags.textPair === undefined ? value : { text: value, text_pair: flags.textPair };
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as TextClassificationInput;
    throw new InputFileError(
      `classify: an input line must be a JSON string or {"text", "text_pair"}, got ${JSON.stringify(value)?.slice(0, 60)}`,
      {},
    );
  },
  format: (result) => formatLabels(result),
});

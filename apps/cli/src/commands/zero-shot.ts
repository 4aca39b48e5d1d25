import type { ZeroShotClassificationInput, ZeroShotClassificationOutput } from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';
import { formatScore, InputFileError, taskCommand } from './task-command.js';

function formatZeroShot(result: ZeroShotClassificationOutput): string {
  return `${result.labels.map((label, index) => `${label.padEnd(20)} ${formatScore(result.scores[index] as number)}`).join('\n')}\n`;
}

/** `albert zero-shot --labels sports,politics "He scored twice."`: zero-shot classification with an NLI model. */
export const zeroShotCommand: CliCommand = taskCommand({
  name: 'zero-shot',
  task: 'zero-shot-classification',
  summary: 'classify into labels chosen now, with an NLI model (zero-shot-classification)',
  usage: 'zero-shot --labels L1,L2,... [--multi-label] [--template "This example is {}."] "<text>"...',
  description: [
    "Runs the zero-shot-classification pipeline (an AlbertForSequenceClassification NLI model) as Python's",
    'pipeline("zero-shot-classification"): one premise/hypothesis pair per label, scored by the model\'s',
    'entailment label. --input lines are "a text" or {"sequences": "...", "candidate_labels": [...]}.',
  ],
  examples: ['albert zero-shot --model ./albert-mnli --labels software,cooking,sports "The server crashed."'],
  flags: {
    labels: { type: 'string', short: 'l', description: 'comma-separated candidate labels', valueName: 'LABELS' },
    multiLabel: { type: 'boolean', description: 'score each label on its own (Python multi_label=True)' },
    template: {
      type: 'string',
      description: 'hypothesis template, {} is the label (default "This example is {}.")',
      valueName: 'TEXT',
    },
  },
  options: (flags) => ({
    ...(flags.labels === undefined ? {} : { candidateLabels: flags.labels }),
    ...(flags.multiLabel ? { multiLabel: true } : {}),
    ...(flags.template === undefined ? {} : { hypothesisTemplate: flags.template }),
  }),
  inputsFromArguments(positionals, flags) {
    if (positionals.length > 0 && flags.labels === undefined)
      throw new UsageError('zero-shot needs --labels L1,L2,...', { flag: '--labels' });
    return [...positionals];
  },
  inputFromJson(value) {
    if (typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value)))
      return value as ZeroShotClassificationInput;
    throw new InputFileError(
      `zero-shot: an input line must be a JSON string or {"sequences", "candidate_labels"}, got ${JSON.stringify(value)?.slice(0, 60)}`,
      {},
    );
  },
  format: (result) => formatZeroShot(result),
});

import type { SentenceOrderInput, SentenceOrderOutput } from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';
import { formatScore, InputFileError, taskCommand } from './task-command.js';

function formatOrder(result: SentenceOrderOutput): string {
  return `${result.map((entry) => `${entry.label.padEnd(10)} ${formatScore(entry.score)}`).join('\n')}\n`;
}

/** `albert sentence-order "First." "Second."`: ALBERT's sentence-order prediction. */
export const sentenceOrderCommand: CliCommand = taskCommand({
  name: 'sentence-order',
  task: 'sentence-order',
  summary: "are two segments in order or swapped? (AlbertForPreTraining's sentence-order head)",
  usage: 'sentence-order "<first segment>" "<second segment>"',
  description: [
    'Runs the sentence-order pipeline (the SOP head of AlbertForPreTraining, which Python has no pipeline for):',
    'in_order / swapped with softmax scores, the more likely first. Without --model it runs the embedded',
    'demo model. --input lines are {"text": "...", "text_pair": "..."}.',
  ],
  examples: ['albert sentence-order "The river starts in the mountains." "It flows into the sea."'],
  flags: {},
  demoModel: true,
  options: () => ({}),
  inputsFromArguments(positionals) {
    if (positionals.length === 0) return [];
    if (positionals.length !== 2)
      throw new UsageError(`sentence-order takes two segments, got ${positionals.length}`, {
        argument: positionals[2] ?? positionals[0],
      });
    return [{ text: positionals[0] as string, text_pair: positionals[1] as string }];
  },
  inputFromJson(value) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as SentenceOrderInput;
    throw new InputFileError(
      `sentence-order: an input line must be {"text": "...", "text_pair": "..."}, got ${JSON.stringify(value)?.slice(0, 60)}`,
      {},
    );
  },
  format: (result) => formatOrder(result),
});

import type { FillMaskOutput, FillMaskPrediction } from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';
import { formatScore, taskCommand, textFromJson } from './task-command.js';

function formatFillMask(result: FillMaskOutput): string {
  const masks = (Array.isArray(result[0]) ? result : [result]) as FillMaskPrediction[][];
  const lines: string[] = [];
  masks.forEach((predictions, index) => {
    if (masks.length > 1) lines.push(`[MASK] ${index + 1}:`);
    for (const prediction of predictions)
      lines.push(`  ${prediction.token_str.padEnd(16)} ${formatScore(prediction.score)}  ${prediction.sequence}`);
  });
  return `${lines.join('\n')}\n`;
}

/** `albert fill-mask "Paris is the [MASK] of France."`: the most likely tokens for every `[MASK]`. */
export const fillMaskCommand: CliCommand = taskCommand({
  name: 'fill-mask',
  task: 'fill-mask',
  summary: 'predict the [MASK] tokens of a text (top-k tokens with probabilities)',
  usage: 'fill-mask [--top-k N] [--targets WORD,...] "<text with [MASK]>"...',
  description: [
    'Runs the fill-mask pipeline (AlbertForMaskedLM): for every [MASK], the most likely tokens with their',
    'probabilities and the text with each in place, exactly as Python\'s pipeline("fill-mask") returns them.',
    'Without --model it runs the small demo model embedded in this package (a toy: it exercises the code,',
    'its answers are not good). Each argument is one text; --input reads JSON Lines ("a text" per line).',
  ],
  examples: [
    'albert fill-mask "Python is a [MASK] language."',
    'albert fill-mask --model albert/albert-base-v2 --top-k 3 --json "Paris is the [MASK] of France."',
    'albert fill-mask --targets sea,city "The river flows into the [MASK]."',
    'albert fill-mask --input texts.jsonl --json > predictions.jsonl',
  ],
  flags: {
    topK: { type: 'number', short: 'k', description: 'predictions per [MASK] (default 5)', valueName: 'N' },
    targets: {
      type: 'string',
      description: 'comma-separated candidate tokens to score instead of the whole vocabulary',
      valueName: 'WORDS',
    },
  },
  demoModel: true,
  options(flags) {
    if (flags.topK !== undefined && (!Number.isInteger(flags.topK) || flags.topK < 1))
      throw new UsageError(`--top-k must be a positive integer, got ${flags.topK}`, {
        flag: '--top-k',
        value: flags.topK,
      });
    return {
      ...(flags.topK === undefined ? {} : { topK: flags.topK }),
      ...(flags.targets === undefined
        ? {}
        : {
            targets: flags.targets
              .split(',')
              .map((target) => target.trim())
              .filter((target) => target !== ''),
          }),
    };
  },
  inputsFromArguments: (positionals) => [...positionals],
  inputFromJson: (value) => textFromJson(value, 'fill-mask'),
  format: (result) => formatFillMask(result),
});

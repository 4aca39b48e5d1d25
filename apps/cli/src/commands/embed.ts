import type { FeatureExtractionOutput } from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { taskCommand, textFromJson } from './task-command.js';

function formatFeatures(result: FeatureExtractionOutput): string {
  const first = result[0] as number[] | number[][];
  const pooled = typeof first[0] === 'number';
  const vector = (pooled ? first : (first[0] as number[])) as number[];
  const shape = pooled ? `[1, ${vector.length}]` : `[1, ${first.length}, ${vector.length}]`;
  const head = vector
    .slice(0, 6)
    .map((value) => value.toFixed(4))
    .join(', ');
  return `${shape}  ${pooled ? 'vector' : 'first token'}: [${head}${vector.length > 6 ? ', ...' : ''}]\n`;
}

/** `albert embed "A sentence."`: the encoder's hidden states (feature-extraction). */
export const embedCommand: CliCommand = taskCommand({
  name: 'embed',
  task: 'feature-extraction',
  summary: 'embed texts: hidden states per token, or one pooled vector (feature-extraction)',
  usage: 'embed [--pooling none|mean|cls] [--normalize] "<text>"...',
  description: [
    'Runs the feature-extraction pipeline (AlbertModel): the last hidden state, [1, tokens, hidden] per text',
    'as Python\'s pipeline("feature-extraction") returns it, or one vector per text with --pooling mean|cls',
    '(--normalize divides it by its L2 norm). Without --model it runs the embedded demo model.',
  ],
  examples: [
    'albert embed --pooling mean --normalize --json "A sentence to embed."',
    'albert embed --input texts.jsonl --json --pooling cls > vectors.jsonl',
  ],
  flags: {
    pooling: {
      type: 'string',
      description: 'none (default: one vector per token), mean or cls',
      valueName: 'NAME',
      choices: ['none', 'mean', 'cls'],
    },
    normalize: { type: 'boolean', description: 'L2-normalize the vectors' },
  },
  demoModel: true,
  options: (flags) => ({
    ...(flags.pooling === undefined ? {} : { pooling: flags.pooling as 'none' | 'mean' | 'cls' }),
    ...(flags.normalize ? { normalize: true } : {}),
  }),
  inputsFromArguments: (positionals) => [...positionals],
  inputFromJson: (value) => textFromJson(value, 'embed'),
  format: (result) => formatFeatures(result),
});

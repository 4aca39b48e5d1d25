import type {
  TokenClassificationEntity,
  TokenClassificationOutput,
  TokenClassificationToken,
} from '@albert-ts/pipelines';
import type { CliCommand } from '../cli-command.js';
import { formatScore, taskCommand, textFromJson } from './task-command.js';

function formatEntities(result: TokenClassificationOutput): string {
  if (result.length === 0) return '(no entities)\n';
  const lines = (result as Array<TokenClassificationToken | TokenClassificationEntity>).map((entity) => {
    const label = 'entity_group' in entity ? entity.entity_group : entity.entity;
    const span = entity.start === null ? '' : `  [${entity.start}, ${entity.end})`;
    return `${entity.word.padEnd(20)} ${label.padEnd(10)} ${formatScore(entity.score)}${span}`;
  });
  return `${lines.join('\n')}\n`;
}

/** `albert ner "Alice moved to Paris."`: named entities (token classification). */
export const nerCommand: CliCommand = taskCommand({
  name: 'ner',
  task: 'token-classification',
  summary: 'find named entities, or label every token (token-classification)',
  usage: 'ner [--aggregation none|simple|first|average|max] [--ignore-labels L,...] [--stride N] "<text>"...',
  description: [
    'Runs the token-classification pipeline (AlbertForTokenClassification) as Python\'s pipeline("ner"):',
    'one result per token (--aggregation none, the default), or tokens grouped into entities.',
    'Offsets [start, end) count characters of the text (code points).',
  ],
  examples: [
    'albert ner --model ./albert-conll --aggregation simple "Alice Smith moved to Paris."',
    'albert ner --model ./albert-conll --json --input texts.jsonl',
  ],
  flags: {
    aggregation: {
      type: 'string',
      description: 'how tokens are grouped (default none)',
      valueName: 'NAME',
      choices: ['none', 'simple', 'first', 'average', 'max'],
    },
    ignoreLabels: {
      type: 'string',
      description: 'comma-separated labels left out (default O); "" keeps all',
      valueName: 'LABELS',
    },
    stride: {
      type: 'number',
      description: 'whole long texts: windows of the model max length sharing N tokens (needs --aggregation)',
      valueName: 'N',
    },
  },
  options: (flags) => ({
    ...(flags.aggregation === undefined
      ? {}
      : { aggregationStrategy: flags.aggregation as 'none' | 'simple' | 'first' | 'average' | 'max' }),
    ...(flags.stride === undefined ? {} : { stride: flags.stride }),
    ...(flags.ignoreLabels === undefined
      ? {}
      : {
          ignoreLabels: flags.ignoreLabels
            .split(',')
            .map((label) => label.trim())
            .filter((label) => label !== ''),
        }),
  }),
  inputsFromArguments: (positionals) => [...positionals],
  inputFromJson: (value) => textFromJson(value, 'ner'),
  format: (result) => formatEntities(result),
});

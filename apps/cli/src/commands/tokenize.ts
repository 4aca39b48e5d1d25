import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AlbertTokenizer, AlbertTokenizerFast, TokenizerError } from '@albert-ts/tokenizer';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import type { CliContext } from '../cli-context.js';
import { defaultModelDirectory } from '../default-model.js';
import { HUB_FLAGS, resolveModelLocation, type HubFlagValues } from './model-location.js';

const FLAGS = {
  model: {
    type: 'string',
    description: 'a model directory or Hub id whose tokenizer to use (its spiece.model, else its tokenizer.json)',
    valueName: 'DIR|ID',
  },
  ...HUB_FLAGS,
  vocab: {
    type: 'string',
    description: 'spiece.model (slow tokenizer) or tokenizer.json (fast tokenizer); default: the embedded demo model',
    valueName: 'FILE',
  },
  pair: { type: 'string', description: 'second text of a pair ([CLS] A [SEP] B [SEP])', valueName: 'TEXT' },
  maxLength: { type: 'number', description: 'truncate to N tokens (special tokens included)', valueName: 'N' },
  truncation: {
    type: 'string',
    description: 'truncation strategy (default longest_first when --max-length is given)',
    choices: ['longest_first', 'only_first', 'only_second'],
  },
  addSpecialTokens: {
    type: 'boolean',
    description: 'add [CLS]/[SEP] (default; --no-add-special-tokens to leave them out)',
  },
} as const;

/** Either tokenizer, as the CLI uses it. */
export type CliTokenizer = AlbertTokenizer | AlbertTokenizerFast;

/**
 * Loads the tokenizer a `--vocab` flag names: a `.json` file is a `tokenizer.json` (fast tokenizer),
 * anything else a SentencePiece model (slow tokenizer); none: the embedded demo model's directory.
 */
export async function loadCliTokenizer(vocab: string | undefined, context: CliContext): Promise<CliTokenizer> {
  if (vocab === undefined) return AlbertTokenizer.fromDirectory(defaultModelDirectory());
  const path = resolve(context.cwd, vocab);
  if (vocab.toLowerCase().endsWith('.json')) return AlbertTokenizerFast.fromFile(path, { file: vocab });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new TokenizerError(
      'TOKENIZER_FILE_NOT_FOUND',
      `${vocab}: cannot read the vocabulary file (${(cause as Error).message})`,
      { file: vocab },
      { cause },
    );
  }
  return AlbertTokenizer.fromBytes(bytes, { file: vocab });
}

/**
 * Loads the tokenizer of a model directory or Hub id (`--model`): `spiece.model` with the directory's
 * `tokenizer_config.json`/`special_tokens_map.json` when present (AlbertTokenizer), else `tokenizer.json`
 * (AlbertTokenizerFast).
 */
export async function loadModelTokenizer(
  model: string,
  flags: HubFlagValues,
  context: CliContext,
): Promise<CliTokenizer> {
  const source = await resolveModelLocation(model, flags, context, { json: true });
  if (await source.has('spiece.model')) return AlbertTokenizer.fromFiles(source);
  if (await source.has('tokenizer.json')) return AlbertTokenizerFast.fromFiles(source);
  throw new TokenizerError(
    'TOKENIZER_FILE_NOT_FOUND',
    `${source.description}: the model has neither spiece.model nor tokenizer.json`,
    { file: source.description },
  );
}

/**
 * `albert tokenize [--vocab FILE] [--pair TEXT] TEXT`: prints the encoding of TEXT (or of the pair) as
 * JSON: tokens, inputIds, tokenTypeIds, attentionMask, specialTokensMask and offsets (code points of
 * the original text).
 */
export const tokenizeCommand: CliCommand = {
  name: 'tokenize',
  summary: 'tokenize a text (or pair) with spiece.model or tokenizer.json and print the encoding as JSON',
  usage: 'tokenize [--model DIR|ID | --vocab FILE] [--pair TEXT] [--max-length N] TEXT',
  help: [
    'Prints { tokenizer, tokens, inputIds, tokenTypeIds, attentionMask, specialTokensMask, offsets } as JSON.',
    'A --vocab ending in .json is read as a tokenizer.json (AlbertTokenizerFast); any other file as a',
    'SentencePiece model (AlbertTokenizer). Without --vocab the embedded demo model is used. TEXT "-" reads',
    'standard input.',
    '',
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'examples:',
    '  albert tokenize "Paris is the [MASK] of France."',
    '  albert tokenize --vocab tokenizer.json --pair "Second text" "First text"',
  ].join('\n'),
  async run(argv, context) {
    const { flags, positionals } = parseArguments(argv, {
      flags: FLAGS,
      minPositionals: 1,
      maxPositionals: 1,
      positionalNames: ['TEXT'],
    });
    const text = positionals[0] === '-' ? await context.readStdin() : (positionals[0] as string);
    const addSpecialTokens = !argv.includes('--no-add-special-tokens');
    if (flags.model !== undefined && flags.vocab !== undefined) {
      throw new TokenizerError('TOKENIZER_INVALID_OPTION', 'give either --model or --vocab, not both', {
        field: 'model',
      });
    }
    const tokenizer =
      flags.model === undefined
        ? await loadCliTokenizer(flags.vocab, context)
        : await loadModelTokenizer(flags.model, flags, context);
    const options = {
      addSpecialTokens,
      ...(flags.maxLength === undefined ? {} : { maxLength: flags.maxLength }),
      ...(flags.truncation === undefined
        ? {}
        : { truncation: flags.truncation as 'longest_first' | 'only_first' | 'only_second' }),
      ...(flags.pair === undefined ? {} : { textPair: flags.pair }),
    };
    const encoding = tokenizer.encode(text, options);
    const result = {
      tokenizer: tokenizer instanceof AlbertTokenizerFast ? 'AlbertTokenizerFast' : 'AlbertTokenizer',
      vocab: flags.model ?? flags.vocab ?? 'demo-model/spiece.model',
      tokens: encoding.tokens,
      inputIds: encoding.inputIds,
      tokenTypeIds: encoding.tokenTypeIds,
      attentionMask: encoding.attentionMask,
      specialTokensMask: encoding.specialTokensMask,
      offsets: encoding.offsets,
    };
    context.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  },
};

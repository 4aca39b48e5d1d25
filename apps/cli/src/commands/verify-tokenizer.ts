import { readFile } from 'node:fs/promises';
import { access } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeUtf8Text } from '@albert-ts/config';
import {
  AlbertTokenizer,
  AlbertTokenizerFast,
  runFastTokenizerCase,
  runTokenizerCases,
  TokenizerError,
  type FastTokenizerCase,
  type TokenizerCaseFile,
} from '@albert-ts/tokenizer';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';

const FLAGS = {
  vocab: {
    type: 'string',
    description:
      'spiece.model (slow fields) or tokenizer.json (fast fields; plus slow fields when a spiece.model sits beside it); repeatable',
    valueName: 'FILE',
    multiple: true,
  },
  fastKey: {
    type: 'string',
    description: 'case key holding the fast outputs (default fast_converted for *converted*.json, else fast)',
    valueName: 'KEY',
  },
} as const;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readBytes(path: string, shown: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new TokenizerError(
      'TOKENIZER_FILE_NOT_FOUND',
      `${shown}: cannot read the file (${(cause as Error).message})`,
      { file: shown },
      { cause },
    );
  }
}

/**
 * `albert verify-tokenizer CASES.json --vocab FILE`: runs every case of a tokenizer case file
 * (fixtures/tokenizers schema) and prints `{ total, passed, failed: [ids] }`; exit code 1 when any
 * case fails. Slow-tokenizer fields are checked with a SentencePiece model; the fast fields (`fast` or
 * `fast_converted`) with a tokenizer.json.
 */
export const verifyTokenizerCommand: CliCommand = {
  name: 'verify-tokenizer',
  summary: 'run a tokenizer case file against spiece.model / tokenizer.json and report failing case ids',
  usage: 'verify-tokenizer CASES.json --vocab FILE [--vocab FILE] [--fast-key KEY]',
  help: [
    'Every case of CASES.json is encoded as the Python reference was, and every stored field is compared:',
    'with a SentencePiece model the slow AlbertTokenizer fields (tokens, ids, input_ids, ..., decoded,',
    'truncation results, batches); with a tokenizer.json the fast fields (tokens, ids, offsets, decoded',
    'variants, errors) of the key `fast` (or `fast_converted` for a *converted*.json). Prints',
    '{ total, passed, failed: [case ids] } on stdout and per-field counts on stderr.',
    '',
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'example:',
    '  albert verify-tokenizer fixtures/tokenizers/cases-albert-base-v2.json --vocab ../shared/third-party/tokenizers/albert-base-v2/tokenizer.json',
  ].join('\n'),
  async run(argv, context) {
    const { flags, positionals } = parseArguments(argv, {
      flags: FLAGS,
      minPositionals: 1,
      maxPositionals: 1,
      positionalNames: ['CASES.json'],
    });
    if (flags.vocab.length === 0)
      throw new UsageError('verify-tokenizer needs --vocab FILE (spiece.model or tokenizer.json)', { flag: '--vocab' });
    const casesName = positionals[0] as string;
    const casesPath = resolve(context.cwd, casesName);
    let caseFile: TokenizerCaseFile;
    try {
      caseFile = JSON.parse(decodeUtf8Text(await readBytes(casesPath, casesName), casesName)) as TokenizerCaseFile;
    } catch (cause) {
      if (cause instanceof TokenizerError) throw cause;
      throw new TokenizerError(
        'TOKENIZER_INVALID_CONFIG',
        `${casesName}: not a valid case file (${(cause as Error).message})`,
        { file: casesName },
        { cause },
      );
    }
    if (!Array.isArray(caseFile.cases))
      throw new TokenizerError('TOKENIZER_INVALID_CONFIG', `${casesName}: no "cases" array`, {
        file: casesName,
        field: 'cases',
      });

    const checked = new Set<string>();
    const failed = new Set<string>();
    const slowModels = new Set<string>();
    const fields: Record<string, { passed: number; total: number }> = {};
    for (const vocab of flags.vocab) {
      const path = resolve(context.cwd, vocab);
      if (!vocab.toLowerCase().endsWith('.json')) {
        slowModels.add(path);
        continue;
      }
      const sibling = join(dirname(path), 'spiece.model');
      if (await exists(sibling)) slowModels.add(sibling);
      const key = flags.fastKey ?? (basename(vocab).includes('converted') ? 'fast_converted' : 'fast');
      const tokenizer = await AlbertTokenizerFast.fromFile(path, { file: vocab });
      for (const testCase of caseFile.cases as unknown as ReadonlyArray<FastTokenizerCase & Record<string, unknown>>) {
        const expected = testCase[key] as Record<string, unknown> | undefined;
        if (expected === undefined || testCase['config'] !== 'default') continue;
        checked.add(testCase.id);
        const result = runFastTokenizerCase(tokenizer, testCase, expected);
        for (const [field, passed] of Object.entries(result.fields)) {
          const count = (fields[`${key}.${field}`] ??= { passed: 0, total: 0 });
          count.total += 1;
          if (passed) count.passed += 1;
          else failed.add(testCase.id);
        }
      }
    }
    for (const path of slowModels) {
      const tokenizer = AlbertTokenizer.fromBytes(await readBytes(path, path), {
        file: path,
        logger: { error: () => undefined, warn: () => undefined },
      });
      const report = runTokenizerCases(caseFile, tokenizer);
      for (const testCase of caseFile.cases) checked.add(testCase.id);
      for (const failure of report.failed) failed.add(failure.id);
      for (const [field, count] of Object.entries(report.fields)) {
        const total = (fields[field] ??= { passed: 0, total: 0 });
        total.passed += count.passed;
        total.total += count.total;
      }
    }
    const order = caseFile.cases.map((testCase) => testCase.id);
    const failedIds = order.filter((id) => failed.has(id));
    const result = { total: checked.size, passed: checked.size - failedIds.length, failed: failedIds };
    context.stdout.write(`${JSON.stringify(result)}\n`);
    context.stderr.write(
      `fields: ${Object.entries(fields)
        .map(([field, count]) => `${field} ${count.passed}/${count.total}`)
        .join(', ')}\n`,
    );
    return failedIds.length === 0 && checked.size > 0 ? 0 : 1;
  },
};

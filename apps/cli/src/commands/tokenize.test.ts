import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const albertDirectory = resolve(repoRoot, '../shared/third-party/tokenizers/albert-base-v2');
const haveAlbert = existsSync(albertDirectory);
if (!haveAlbert) console.warn(`skipping albert-base-v2 tokenize tests: ${albertDirectory} is absent`);

async function run(argv: string[], stdin?: string) {
  const context = createTestContext({ cwd: repoRoot, ...(stdin === undefined ? {} : { stdin }) });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

describe('albert tokenize', () => {
  it('encodes with the embedded demo model by default', async () => {
    const { code, stdout, stderr } = await run(['tokenize', 'Paris is the [MASK] of France.']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      tokenizer: string;
      tokens: string[];
      inputIds: number[];
      offsets: Array<[number, number]>;
      attentionMask: number[];
    };
    expect(result.tokenizer).toBe('AlbertTokenizer');
    expect(result.inputIds[0]).toBe(2);
    expect(result.inputIds.at(-1)).toBe(3);
    expect(result.tokens).toContain('[MASK]');
    expect(result.attentionMask.every((value) => value === 1)).toBe(true);
    expect(result.offsets).toHaveLength(result.inputIds.length);
  });

  it.skipIf(!haveAlbert)('uses the fast tokenizer for a tokenizer.json, with pairs and offsets', async () => {
    const { code, stdout } = await run([
      'tokenize',
      '--vocab',
      resolve(albertDirectory, 'tokenizer.json'),
      '--pair',
      'Second one.',
      'Paris is the [MASK] of France.',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result['tokenizer']).toBe('AlbertTokenizerFast');
    expect(result['inputIds']).toEqual([2, 1162, 25, 14, 4, 16, 714, 9, 3, 153, 53, 9, 3]);
    expect(result['tokens']).toEqual([
      '[CLS]',
      '▁paris',
      '▁is',
      '▁the',
      ' [MASK]',
      '▁of',
      '▁france',
      '.',
      '[SEP]',
      '▁second',
      '▁one',
      '.',
      '[SEP]',
    ]);
    expect(result['tokenTypeIds']).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect((result['offsets'] as unknown[])[4]).toEqual([12, 19]);
  });

  it.skipIf(!haveAlbert)('uses the slow tokenizer for a spiece.model and truncates with --max-length', async () => {
    const { code, stdout } = await run([
      'tokenize',
      '--vocab',
      resolve(albertDirectory, 'spiece.model'),
      '--max-length',
      '5',
      'Paris is the [MASK] of France.',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result['tokenizer']).toBe('AlbertTokenizer');
    expect(result['inputIds']).toEqual([2, 1162, 25, 14, 3]);
  });

  it('reads standard input for "-" and can leave special tokens out', async () => {
    const { code, stdout } = await run(['tokenize', '--no-add-special-tokens', '-'], 'hello world');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { inputIds: number[]; specialTokensMask: number[] };
    expect(result.inputIds.length).toBeGreaterThan(0);
    expect(result.specialTokensMask.every((value) => value === 0)).toBe(true);
  });

  it('reports a missing or corrupt vocabulary as a typed error', async () => {
    const missing = await run(['tokenize', '--vocab', 'no/such/spiece.model', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error \[TOKENIZER_FILE_NOT_FOUND\]: no\/such\/spiece\.model/);
    const corrupt = await run(['tokenize', '--vocab', 'apps/cli/package.json', 'x']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(
      /error \[TOKENIZER_MODEL_CORRUPT\]: apps\/cli\/package\.json: \(root\)|error \[TOKENIZER_(MODEL_CORRUPT|UNSUPPORTED_MODEL)\]: apps\/cli\/package\.json/,
    );
  });

  it('requires a text', async () => {
    const { code, stderr } = await run(['tokenize']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/CLI_USAGE/);
  });
});

describe('albert tokenize --model', () => {
  it('uses the tokenizer of a model directory and gives the same encoding as --vocab', async () => {
    const fromModel = await run(['tokenize', '--model', 'apps/cli/demo-model', 'Python is a [MASK] language.']);
    const fromVocab = await run([
      'tokenize',
      '--vocab',
      'apps/cli/demo-model/spiece.model',
      'Python is a [MASK] language.',
    ]);
    expect(fromModel.code, fromModel.stderr).toBe(0);
    expect(JSON.parse(fromModel.stdout).inputIds).toEqual([2, 111, 15, 8, 4, 362, 6, 3]);
    expect(JSON.parse(fromModel.stdout).inputIds).toEqual(JSON.parse(fromVocab.stdout).inputIds);
  });

  it('refuses --model together with --vocab', async () => {
    const result = await run(['tokenize', '--model', 'apps/cli/demo-model', '--vocab', 'x.model', 'text']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/either --model or --vocab/);
  });
});

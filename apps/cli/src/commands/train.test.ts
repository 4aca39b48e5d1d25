import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function run(argv: string[], cwd: string) {
  const context = createTestContext({ cwd });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

const SENTENCES = [
  ['She baked fresh bread in the oven.', 'cooking'],
  ['Add a pinch of salt to the soup.', 'cooking'],
  ['Fry the onions in butter.', 'cooking'],
  ['The stars shine in the night sky.', 'space'],
  ['The moon moves around the earth.', 'space'],
  ['The rocket carried astronauts into space.', 'space'],
];

describe('albert train', () => {
  it('fine-tunes the demo model on JSON Lines and saves an HF-layout checkpoint', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-train-'));
    directories.push(directory);
    await writeFile(
      join(directory, 'train.jsonl'),
      SENTENCES.map(([text, label]) => JSON.stringify({ text, label })).join('\n'),
    );
    const { code, stdout, stderr } = await run(
      [
        'train',
        '--task',
        'sequence-classification',
        '--train',
        'train.jsonl',
        '--eval',
        'train.jsonl',
        '--out',
        'out',
        '--epochs',
        '1',
        '--batch-size',
        '3',
      ],
      directory,
    );
    expect(stderr).toMatch(/epoch 1 step 2\/2/);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { steps: number; labels: string[] };
    expect(result).toMatchObject({ steps: 2, labels: ['cooking', 'space'] });
    const config = JSON.parse(await readFile(join(directory, 'out', 'config.json'), 'utf8')) as {
      architectures: string[];
      id2label: Record<string, string>;
    };
    expect(config.architectures).toEqual(['AlbertForSequenceClassification']);
    expect(config.id2label).toEqual({ 0: 'cooking', 1: 'space' });
    expect(existsSync(join(directory, 'out', 'spiece.model'))).toBe(true);
  });

  it('names the file and line of a bad example', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-train-'));
    directories.push(directory);
    await writeFile(join(directory, 'train.jsonl'), `${JSON.stringify({ text: 'a', label: 'x' })}\n{"text": 1}\n`);
    const { code, stderr } = await run(
      ['train', '--task', 'sequence-classification', '--train', 'train.jsonl', '--out', 'out'],
      directory,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/train\.jsonl:2/);
    expect(existsSync(join(directory, 'out'))).toBe(false);
    void repoRoot;
  });
});

/**
 * The CLI side of the hostile-files classes: `config show` refuses configs that would exhaust the
 * machine with a typed error (class 4, 8), keeps a `__proto__` field (class 11), decodes text exactly
 * as the library does (BOM, invalid UTF-8), and `verify` prints every failure with a code.
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import { directorySource } from '@albert-ts/core';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

async function run(argv: string[]) {
  const context = createTestContext({ cwd: repoRoot });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'albert-hostile-cli-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function configFile(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

describe('albert config show on hostile configs', () => {
  it('num_labels 1e9: a typed error at once, no label map built', async () => {
    const started = performance.now();
    const { code, stderr } = await run([
      'config',
      'show',
      await configFile('labels.json', '{"num_labels": 1000000000}'),
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^error \[CONFIG_LIMIT_EXCEEDED\]: num_labels \(1000000000 labels\) exceeds the limit maximumLabels/,
    );
    expect(stderr).not.toMatch(/bug in albert-ts/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('500 000 nested arrays in a field: a typed error, no crash', async () => {
    const deep = `{"task_specific_params": ${'['.repeat(500_000)}${']'.repeat(500_000)}}`;
    const { code, stderr } = await run(['config', 'show', await configFile('deep.json', deep)]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error \[(CONFIG_TOO_DEEP|CONFIG_INVALID_JSON)\]/);
  });

  it('a __proto__ field survives config show', async () => {
    const { code, stdout } = await run([
      'config',
      'show',
      await configFile('proto.json', '{"__proto__": {"x": 1}, "vocab_size": 99}'),
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.hasOwn(json, '__proto__')).toBe(true);
    expect(JSON.stringify(json['__proto__'])).toBe('{"x":1}');
  });

  it('decodes like the library: a BOM is dropped, invalid UTF-8 is the same typed error', async () => {
    const text = '{"vocab_size": 99, "note": "é"}';
    const bom = join(directory, 'bom');
    await rm(bom, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bom));
    await writeFile(join(bom, 'config.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const cli = await run(['config', 'show', bom]);
    expect(cli.code).toBe(0);
    const library = AlbertConfig.parse(await directorySource(bom).readText('config.json')).toJSONText();
    expect(cli.stdout).toBe(library);

    const invalid = join(directory, 'invalid');
    await import('node:fs/promises').then((fs) => fs.mkdir(invalid, { recursive: true }));
    await writeFile(join(invalid, 'config.json'), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    const refused = await run(['config', 'show', invalid]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error \[CHECKPOINT_INVALID_TEXT\]/);
    await expect(directorySource(invalid).readText('config.json')).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID_TEXT',
    });
  });
});

describe('albert verify prints every failure with a code', () => {
  async function modelDirectory(name: string, config: string, weights: string): Promise<string> {
    const model = join(directory, name);
    await import('node:fs/promises').then((fs) => fs.mkdir(model, { recursive: true }));
    await writeFile(join(model, 'config.json'), config);
    await copyFile(join(repoRoot, weights), join(model, 'model.safetensors'));
    return model;
  }
  const tinyConfig = (): Record<string, unknown> =>
    JSON.parse(new TextDecoder().decode(readFileSync(join(repoRoot, 'fixtures/models/tiny/config.json')))) as Record<
      string,
      unknown
    >;
  type Report = {
    backends: {
      heads: Record<
        string,
        { status: string; code?: string; outputs: Record<string, { pass: boolean; code?: string }> }
      >;
    }[];
  };

  it('a checkpoint that does not fit its config: the head fails with the error code, in the JSON and on stderr', async () => {
    const model = await modelDirectory(
      'mismatch',
      JSON.stringify({ ...tinyConfig(), vocab_size: 98 }),
      'fixtures/models/tiny/model.safetensors',
    );
    const { code, stdout, stderr } = await run([
      'verify',
      model,
      '--cases',
      'fixtures/models/tiny/cases.json',
      '--checkpoint',
      'AlbertForPreTraining',
    ]);
    expect(code).toBe(1);
    const head = (JSON.parse(stdout) as Report).backends[0]?.heads['AlbertForPreTraining'];
    expect(head?.status).toBe('failed');
    expect(head?.code).toBe('CHECKPOINT_SHAPE_MISMATCH');
    expect(stderr).toMatch(/AlbertForPreTraining: failed \(\[CHECKPOINT_SHAPE_MISMATCH\]/);
  });

  it('outputs over the tolerance: VERIFY_TOLERANCE_EXCEEDED per output and on stderr', async () => {
    // the same shapes, other weights
    const model = await modelDirectory(
      'other-weights',
      JSON.stringify(tinyConfig()),
      'fixtures/models/grouped/model.safetensors',
    );
    const { code, stdout, stderr } = await run([
      'verify',
      model,
      '--cases',
      'fixtures/models/tiny/cases.json',
      '--checkpoint',
      'AlbertForPreTraining',
    ]);
    expect(code).toBe(1);
    const head = (JSON.parse(stdout) as Report).backends[0]?.heads['AlbertForPreTraining'];
    expect(head?.status).toBe('failed');
    for (const output of Object.values(head?.outputs ?? {}))
      if (!output.pass) expect(output.code).toBe('VERIFY_TOLERANCE_EXCEEDED');
    expect(stderr).toMatch(/AlbertForPreTraining: failed \(\[VERIFY_TOLERANCE_EXCEEDED\]/);
  });
});

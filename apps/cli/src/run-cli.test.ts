import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlbertError } from '@albert-ts/config';
import { describe, expect, it } from 'vitest';
import type { CliCommand } from './cli-command.js';
import { commands } from './commands/index.js';
import { runCli } from './run-cli.js';
import { createTestContext } from './test-context.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..');
const repoRoot = resolve(packageRoot, '../..');
const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

async function run(argv: string[], cwd = repoRoot, registry: readonly CliCommand[] = commands) {
  const context = createTestContext({ cwd });
  const code = await runCli(argv, context, registry);
  return { code, stdout: context.output(), stderr: context.errors() };
}

describe('albert (in-process)', () => {
  it('--help lists every command', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of commands) expect(stdout).toContain(command.name);
    expect(stdout).toContain('usage: albert <command>');
  });

  it('no arguments prints help on stderr with exit code 2', async () => {
    const { code, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stderr).toContain('commands:');
  });

  it('--version prints the package version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await run(['-V'])).stdout).toBe(`${version}\n`);
  });

  it('help <command> and <command> --help print the command usage', async () => {
    const help = await run(['help', 'config']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: albert config show <dir\|config.json>/);
    expect((await run(['config', 'show', '--help'])).stdout).toBe(help.stdout);
    expect((await run(['config', '-h'])).stdout).toBe(help.stdout);
  });

  it('every registered command has a name, summary and usage, and names are unique', () => {
    expect(new Set(commands.map((command) => command.name)).size).toBe(commands.length);
    for (const command of commands) {
      expect(command.name).toMatch(/^[a-z][a-z-]*$/);
      expect(command.summary.length).toBeGreaterThan(0);
      expect(command.usage.startsWith(command.name)).toBe(true);
    }
  });

  it('unknown commands and options are usage errors (exit 2)', async () => {
    const unknown = await run(['fil-mask']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error \[CLI_USAGE\]: unknown command "fil-mask"; did you mean fill-mask\?/);
    const option = await run(['config', 'show', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^error \[CLI_USAGE\]: unknown option --bogus/);
    expect(option.stderr).toContain('usage: albert config show');
    expect((await run(['--bogus'])).code).toBe(2);
    expect((await run(['help', 'nope'])).code).toBe(2);
  });

  it('prints AlbertErrors as "error [CODE]: message" with exit 1, other errors with a hint', async () => {
    const failing: CliCommand = {
      name: 'fail',
      summary: 's',
      usage: 'fail',
      run: async (argv) => {
        if (argv[0] === 'typed') throw new AlbertError('TEST_CODE', 'typed failure', {});
        throw new Error('boom');
      },
    };
    const typed = await run(['fail', 'typed'], repoRoot, [failing]);
    expect(typed).toEqual({ code: 1, stdout: '', stderr: 'error [TEST_CODE]: typed failure\n' });
    const plain = await run(['fail'], repoRoot, [failing]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^error: boom\n/);
  });
});

describe('albert config', () => {
  it('show <dir> prints the resolved config with defaults filled in', async () => {
    const { code, stdout, stderr } = await run(['config', 'show', 'fixtures/checkpoints/pytorch-legacy']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Record<string, unknown>;
    expect(json['position_embedding_type']).toBe('absolute'); // absent from the file: HF default
    expect(json['hidden_size']).toBe(36);
    expect(json['net_structure_type']).toBe(0); // unknown field kept
  });

  it('show <config.json> works with a file and a relative cwd', async () => {
    const { code, stdout } = await run(['config', 'show', 'config.json'], join(packageRoot, 'demo-model'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ vocab_size: 16000, hidden_size: 256 });
  });

  it('show --preset prints a preset', async () => {
    const { code, stdout } = await run(['config', 'show', '--preset', 'albert-base-v1']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ hidden_act: 'gelu', hidden_size: 768 });
    expect((await run(['config', 'show', '--preset', 'albert-huge'])).code).toBe(2);
    expect((await run(['config', 'show', 'x', '--preset', 'albert-base-v2'])).code).toBe(2);
  });

  it('presets lists every preset', async () => {
    const { stdout } = await run(['config', 'presets']);
    expect(stdout.trim().split('\n')).toHaveLength(8);
  });

  it('invalid configs are typed errors naming field, value and file', async () => {
    const { code, stdout, stderr } = await run([
      'config',
      'show',
      'fixtures/checkpoints/bad/config-groups-exceed-layers',
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^error \[CONFIG_GROUPS_OUT_OF_RANGE\]: num_hidden_groups \(3\) must be between 1 and num_hidden_layers \(2\) \(in .*config-groups-exceed-layers[/\\]config.json\)\n$/,
    );
    expect((await run(['config', 'show', 'fixtures/checkpoints/bad/config-unknown-activation'])).stderr).toMatch(
      /CONFIG_UNKNOWN_ACTIVATION.*"gelu_fancy"/,
    );
    expect((await run(['config', 'show', 'fixtures/checkpoints/bad/config-heads-not-dividing'])).stderr).toMatch(
      /CONFIG_HEADS_NOT_DIVIDING/,
    );
  });

  it('missing paths are CONFIG_NOT_FOUND; missing arguments are usage errors', async () => {
    const missing = await run(['config', 'show', 'no/such/dir']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error \[CONFIG_NOT_FOUND\]: no such file or directory: no\/such\/dir/);
    const noConfig = await run(['config', 'show', 'docs']);
    expect(noConfig.stderr).toMatch(/^error \[CONFIG_NOT_FOUND\]: no config.json in docs/);
    expect((await run(['config', 'show'])).code).toBe(2);
    expect((await run(['config'])).code).toBe(2);
    expect((await run(['config', 'edit'])).code).toBe(2);
  });
});

const builtMain = join(packageRoot, 'dist/main.js');
const notBuilt = !existsSync(builtMain);
if (notBuilt) console.log(`skipping the spawned-CLI test: ${builtMain} does not exist (run pnpm build first)`);

describe('albert (spawned process)', () => {
  it.skipIf(notBuilt)('runs the built executable with exit codes and streams', () => {
    const ok = spawnSync(process.execPath, [builtMain, 'config', 'show', '--preset', 'albert-base-v2'], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ hidden_act: 'gelu_new' });
    const bad = spawnSync(
      process.execPath,
      [builtMain, 'config', 'show', 'fixtures/checkpoints/bad/config-heads-not-dividing'],
      { encoding: 'utf8', cwd: repoRoot },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /^error \[CONFIG_HEADS_NOT_DIVIDING\]: hidden_size \(36\) is not a multiple of num_attention_heads \(5\)/,
    );
    const usage = spawnSync(process.execPath, [builtMain, 'nope'], { encoding: 'utf8', cwd: repoRoot });
    expect(usage.status).toBe(2);
    expect(readFileSync(builtMain, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

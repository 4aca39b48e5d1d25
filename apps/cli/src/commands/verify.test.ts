import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlbertError } from '@albert-ts/config';
import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

async function run(argv: string[]) {
  const context = createTestContext({ cwd: repoRoot });
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

describe('albert verify', () => {
  it('passes every head and output of the tiny fixture on node-cpu', async () => {
    const { code, stdout, stderr } = await run(['verify', 'fixtures/models/tiny']);
    expect(stderr).not.toMatch(/failed/);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      passed: boolean;
      backends: {
        heads: Record<string, { status: string; outputs: Record<string, { maxAbsDiff: number; pass: boolean }> }>;
      }[];
    };
    expect(report.passed).toBe(true);
    const heads = report.backends[0]?.heads ?? {};
    expect(Object.keys(heads)).toHaveLength(8);
    expect(heads['AlbertModel']?.outputs['attentions']?.pass).toBe(true);
    expect(heads['AlbertForPreTraining']?.outputs['loss']?.maxAbsDiff).toBeLessThan(1e-4);
  });

  it('runs the heads a bare checkpoint supports with --cases and skips the others', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-verify-'));
    try {
      for (const file of ['config.json', 'model.safetensors'])
        await copyFile(join(repoRoot, 'fixtures/models/tiny', file), join(directory, file));
      const { code, stdout } = await run(['verify', directory, '--cases', 'fixtures/models/tiny/cases.json']);
      const report = JSON.parse(stdout) as {
        passed: boolean;
        backends: { heads: Record<string, { status: string }> }[];
      };
      const heads = report.backends[0]?.heads ?? {};
      expect(heads['AlbertForPreTraining']?.status).toBe('passed');
      expect(heads['AlbertModel']?.status).toBe('passed');
      expect(heads['AlbertForMaskedLM']?.status).toBe('passed');
      expect(heads['AlbertForQuestionAnswering']?.status).toBe('skipped');
      expect(code).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('fails with a non-zero exit code when an output is off', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-verify-'));
    try {
      // relu-relkey's weights checked against tiny's cases: same shapes, another model → outputs differ
      for (const file of ['config.json', 'model.safetensors'])
        await copyFile(join(repoRoot, 'fixtures/models/relu-relkey', file), join(directory, file));
      const { code, stdout } = await run([
        'verify',
        directory,
        '--cases',
        'fixtures/models/tiny/cases.json',
        '--checkpoint',
        'AlbertModel',
      ]);
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as { passed: boolean };
      expect(report.passed).toBe(false);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('names a missing cases.json', async () => {
    const { code, stderr } = await run(['verify', 'apps/cli/demo-model']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/VERIFY_CASES_NOT_FOUND.*cases\.json/);
  });

  it('reports an unknown backend as a typed error', async () => {
    const { code, stderr } = await run(['verify', 'fixtures/models/tiny', '--backend', 'node-tpu']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/BACKEND_UNKNOWN_NAME/);
  });
});

interface HeadReport {
  status: string;
  reason?: string;
  outputs: Record<string, { maxAbsDiff: number | null; pass: boolean }>;
}

function headsOf(stdout: string): Record<string, HeadReport> {
  const report = JSON.parse(stdout) as { backends: { heads: Record<string, HeadReport> }[] };
  return report.backends[0]?.heads ?? {};
}

describe('albert verify on every checkpoint format (fixtures/checkpoints)', () => {
  it.each(['fp16-safetensors', 'bf16-safetensors'])(
    '%s passes its own single-case expected.json within 1e-4',
    async (variant) => {
      const directory = `fixtures/checkpoints/${variant}`;
      const { code, stdout, stderr } = await run(['verify', directory, '--cases', `${directory}/expected.json`]);
      expect(stderr).not.toMatch(/failed/);
      expect(code).toBe(0);
      const heads = headsOf(stdout);
      expect(Object.keys(heads).sort()).toEqual(['AlbertForPreTraining', 'AlbertModel']);
      for (const head of Object.values(heads)) {
        expect(head.status).toBe('passed');
        for (const output of Object.values(head.outputs)) {
          expect(output.pass).toBe(true);
          expect(output.maxAbsDiff).toBeLessThanOrEqual(1e-4);
        }
      }
      expect(Object.keys(heads['AlbertModel']?.outputs ?? {}).sort()).toEqual(['last_hidden_state', 'pooler_output']);
      expect(Object.keys(heads['AlbertForPreTraining']?.outputs ?? {}).sort()).toEqual([
        'loss',
        'prediction_logits',
        'sop_logits',
      ]);
    },
  );

  it('the half-precision checkpoint fails against the float32 reference (the check is not vacuous)', async () => {
    const { code } = await run([
      'verify',
      'fixtures/checkpoints/bf16-safetensors',
      '--cases',
      'fixtures/models/tiny/cases.json',
      '--checkpoint',
      'AlbertModel',
    ]);
    expect(code).toBe(1);
  });

  it.each(['pytorch-zip', 'pytorch-legacy', 'sharded-safetensors', 'flax'])(
    '%s reproduces tiny/cases.json for the heads its weights hold and skips the others',
    async (variant) => {
      const { code, stdout, stderr } = await run([
        'verify',
        `fixtures/checkpoints/${variant}`,
        '--cases',
        'fixtures/models/tiny/cases.json',
      ]);
      expect(stderr).not.toMatch(/: failed/);
      expect(code).toBe(0);
      const heads = headsOf(stdout);
      expect(Object.keys(heads)).toHaveLength(8);
      for (const name of ['AlbertForPreTraining', 'AlbertModel', 'AlbertForMaskedLM']) {
        expect(heads[name]?.status, name).toBe('passed');
        for (const output of Object.values(heads[name]?.outputs ?? {}))
          expect(output.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      }
      expect(Object.keys(heads['AlbertModel']?.outputs ?? {})).toEqual(
        expect.arrayContaining(['hidden_states', 'attentions']),
      );
      for (const name of [
        'AlbertForSequenceClassification',
        'AlbertForSequenceClassification-regression',
        'AlbertForMultipleChoice',
        'AlbertForTokenClassification',
        'AlbertForQuestionAnswering',
      ]) {
        expect(heads[name]?.status, name).toBe('skipped');
        expect(heads[name]?.reason).toMatch(/CHECKPOINT_MISSING_TENSOR.*(classifier|qa_outputs)/);
      }
    },
  );

  const badDirectories = readdir(join(repoRoot, 'fixtures/checkpoints/bad'), { withFileTypes: true }).then((entries) =>
    entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort(),
  );

  it('covers every bad checkpoint directory', async () => {
    expect((await badDirectories).length).toBeGreaterThanOrEqual(14);
  });

  it.each([
    'config-groups-exceed-layers',
    'config-heads-not-dividing',
    'config-unknown-activation',
    'header-size-1tb',
    'invalid-header-json',
    'malicious-pickle',
    'malicious-pickle-eval',
    'malicious-pickle-legacy',
    'missing-weight',
    'offsets-out-of-bounds',
    'offsets-size-mismatch',
    'overlapping-offsets',
    'truncated-safetensors',
    'wrong-shape',
  ])('bad/%s exits non-zero with the typed error', async (variant) => {
    expect(await badDirectories).toContain(variant);
    const directory = `fixtures/checkpoints/bad/${variant}`;
    // the error the loader itself raises for this directory
    const expected = await loadPretrainedWeights(
      directorySource(join(repoRoot, directory)),
      'AlbertForPreTraining',
    ).then(
      () => null,
      (error: unknown) => error,
    );
    if (!isAlbertError(expected)) throw new Error(`${directory} loaded without a typed error: ${String(expected)}`);
    const { code, stdout, stderr } = await run(['verify', directory, '--cases', 'fixtures/models/tiny/cases.json']);
    expect(code).not.toBe(0);
    expect(stderr).toContain(`[${expected.code}] ${expected.message}`);
    expect(JSON.parse(stdout).passed).toBe(false);
    // a broken root checkpoint fails every head: none is passed off as "skipped"
    const heads = headsOf(stdout);
    expect(Object.keys(heads)).toHaveLength(8);
    for (const [name, head] of Object.entries(heads)) expect(head.status, name).toBe('failed');
    expect(stdout + stderr).not.toMatch(/pwned/);
  });
});

describe('verify --backend node-wasm', () => {
  it('passes every fixture model on onnxruntime-web (WebAssembly) in Node', async () => {
    for (const model of ['tiny', 'grouped', 'relu-relkey']) {
      const { code, stdout, stderr } = await run(['verify', `fixtures/models/${model}`, '--backend', 'node-wasm']);
      expect(code, stderr).toBe(0);
      const report = JSON.parse(stdout) as {
        passed: boolean;
        backends: { backend: string; heads: Record<string, unknown> }[];
      };
      expect(report.passed).toBe(true);
      expect(report.backends[0]?.backend).toBe('wasm');
      expect(Object.keys(report.backends[0]?.heads ?? {})).toHaveLength(8);
    }
  });
});

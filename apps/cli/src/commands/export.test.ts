import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

describe('albert export', () => {
  it('writes the demo model as ONNX about the size of its checkpoint', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-export-'));
    try {
      const out = join(directory, 'demo.onnx');
      const context = createTestContext({ cwd: repoRoot });
      const code = await runCli(
        ['export', 'apps/cli/demo-model', '--task', 'masked-lm', '--out', out, '--with-hidden-states'],
        context,
        commands,
      );
      expect(context.errors()).toBe('');
      expect(code).toBe(0);
      const summary = JSON.parse(context.output()) as { bytes: number; checkpointBytes: number; outputs: string[] };
      expect((await stat(out)).size).toBe(summary.bytes);
      expect(summary.bytes / summary.checkpointBytes).toBeLessThanOrEqual(1.05);
      expect(summary.outputs).toContain('hidden_states.6');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('writes a smaller int8 graph with --dtype int8', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'albert-export-'));
    try {
      const sizes: Record<string, number> = {};
      for (const dtype of ['fp32', 'int8']) {
        const out = join(directory, `demo-${dtype}.onnx`);
        const context = createTestContext({ cwd: repoRoot });
        expect(
          await runCli(
            ['export', 'apps/cli/demo-model', '--task', 'masked-lm', '--out', out, '--dtype', dtype],
            context,
            commands,
          ),
        ).toBe(0);
        const summary = JSON.parse(context.output()) as { bytes: number; dtype: string };
        expect(summary.dtype).toBe(dtype);
        sizes[dtype] = summary.bytes;
      }
      console.log(`demo masked-lm export: fp32 ${sizes['fp32']} bytes, int8 ${sizes['int8']} bytes`);
      expect(sizes['int8'] as number).toBeLessThan(sizes['fp32'] as number);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('requires --out', async () => {
    const context = createTestContext({ cwd: repoRoot });
    expect(await runCli(['export', 'apps/cli/demo-model'], context, commands)).toBe(2);
    expect(context.errors()).toMatch(/--out/);
  });
});

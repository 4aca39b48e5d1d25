// Smoke test of bench/training.mjs in its small-shape mode: the Node peers run a few training steps in their
// own processes and report step time, phase times, traffic and peak RSS; the PyTorch peer runs when a Python
// with torch and transformers is there ($ALBERT_BENCH_PYTHON), else it is reported as skipped with the reason.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../training.mjs', import.meta.url));

describe('bench/training.mjs --small', () => {
  it('measures the TypeScript-optimizer and fused steps and reports PyTorch as measured or skipped', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        script,
        '--small',
        '--json',
        '--steps',
        '2',
        '--warmup',
        '1',
        '--peers',
        'py-torch,ours-node-ts,ours-node-fused',
      ],
      { maxBuffer: 16 * 2 ** 20, timeout: 300_000 },
    );
    const result = JSON.parse(stdout);
    expect(result.shape).toBe('small');
    const byPeer = Object.fromEntries(result.rows.map((row) => [row.peer, row]));
    for (const name of ['ours-node-ts', 'ours-node-fused']) {
      const row = byPeer[name];
      expect(row.samples).toHaveLength(2);
      expect(row.stepMs).toBeGreaterThan(0);
      expect(row.peakRssMiB).toBeGreaterThan(10);
      expect(row.fedMiB).toBeGreaterThan(0);
      expect(row.losses.every(Number.isFinite)).toBe(true);
    }
    // the same model, batch and optimizer: the fused step's losses are the TypeScript optimizer's
    for (let index = 0; index < 2; index += 1)
      expect(Math.abs(byPeer['ours-node-fused'].losses[index] - byPeer['ours-node-ts'].losses[index])).toBeLessThan(
        1e-5,
      );
    const torch = byPeer['py-torch'];
    if (torch.skipped) console.warn(`[training bench] PyTorch peer skipped: ${torch.skipped}`);
    else {
      expect(torch.stepMs).toBeGreaterThan(0);
      expect(byPeer['ours-node-ts'].vsTorch).toBeGreaterThan(0);
      // the same weights and batch: PyTorch's first timed loss matches ours
      expect(Math.abs(torch.losses[0] - byPeer['ours-node-ts'].losses[0])).toBeLessThan(1e-4);
    }
  }, 320_000);
});

import type { Backend, BackendProbeResult } from '@albert-ts/core';
import { fixtureSource, type ReadFixture } from '@albert-ts/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { DROPOUT_CASE_CHECKPOINT, DROPOUT_CASE_NODE_CPU_LOSS, runDropoutCase } from './test-dropout-case.js';

/** Options of {@link defineDropoutSuite}. */
export interface DropoutSuiteOptions {
  readonly backendName: string;
  readonly createBackend: () => Backend;
  readonly readFixture: ReadFixture;
  /** Backends that must run (a failed probe fails instead of skipping). */
  readonly requiredBackends?: readonly string[];
  /** Whether bit-equality is expected between runs (CPU kernels); GPU runs get the fixtures' tolerance. */
  readonly bitExact: boolean;
}

/**
 * The dropout checks written once for every backend (node and browser): the same masks give the same loss and
 * gradients twice, all-ones masks give the eval-mode graph, and the loss is node-cpu's — the masks are data, so
 * one seed is one run on every backend.
 */
export function defineDropoutSuite(options: DropoutSuiteOptions): void {
  describe(`dropout in training mode: ${options.backendName}`, () => {
    let backend: Backend | undefined;
    let probe: BackendProbeResult = { available: false, reason: 'not probed yet' };
    const required = (options.requiredBackends ?? []).includes(options.backendName);
    beforeAll(async () => {
      backend = options.createBackend();
      probe = await backend.probe();
      if (!probe.available) console.warn(`[dropout] ${options.backendName} unavailable: ${probe.reason}`);
    });

    it('same masks → same run; all-ones masks → the eval-mode graph; the loss of node-cpu', async (context) => {
      if (!probe.available) {
        if (required) throw new Error(`${options.backendName} is required but unavailable: ${probe.reason}`);
        context.skip(`${options.backendName} unavailable: ${probe.reason}`);
        return;
      }
      const result = await runDropoutCase(
        backend as Backend,
        fixtureSource(options.readFixture, DROPOUT_CASE_CHECKPOINT),
      );
      const tolerance = (reference: number): number => 1e-5 + 1e-4 * Math.abs(reference);
      console.log(
        `[dropout] ${options.backendName}: ${result.masks} masks, loss ${result.loss} (node-cpu ${DROPOUT_CASE_NODE_CPU_LOSS}), eval ${result.evalLoss}`,
      );
      expect(result.masks).toBe(6); // embeddings, 2 layers × (probabilities, output), classifier
      expect(Math.abs(result.loss - DROPOUT_CASE_NODE_CPU_LOSS)).toBeLessThanOrEqual(
        tolerance(DROPOUT_CASE_NODE_CPU_LOSS),
      );
      expect(result.loss).not.toBeCloseTo(result.evalLoss, 3);
      if (options.bitExact) {
        expect(result.lossAgain).toBe(result.loss);
        expect(result.gradientRepeatDiff).toBe(0);
        expect(result.onesLoss).toBe(result.evalLoss);
        expect(result.onesGradientDiff).toBe(0);
      } else {
        expect(Math.abs(result.lossAgain - result.loss)).toBeLessThanOrEqual(tolerance(result.loss));
        expect(result.gradientRepeatDiff).toBeLessThan(1e-5);
        expect(Math.abs(result.onesLoss - result.evalLoss)).toBeLessThanOrEqual(tolerance(result.evalLoss));
        expect(result.onesGradientDiff).toBeLessThan(1e-5);
      }
    }, 600_000); // SwiftShader's WebGPU on a loaded machine
  });
}

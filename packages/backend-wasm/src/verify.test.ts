import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directorySource, parseReferenceCases, verifyReferenceModel } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './wasm-backend.js';

// What `albert verify DIR --backend node-wasm` runs (core's verifyReferenceModel over a fixture
// directory), on every fixture model.
const models = fileURLToPath(new URL('../../../fixtures/models/', import.meta.url));

describe('verifyReferenceModel on node-wasm (albert verify DIR --backend node-wasm)', () => {
  const backend = wasmBackend();
  for (const model of ['tiny', 'grouped', 'relu-relkey']) {
    it(`fixtures/models/${model}`, async () => {
      const directory = join(models, model);
      const cases = parseReferenceCases(
        await readFile(join(directory, 'cases.json'), 'utf8'),
        join(directory, 'cases.json'),
      );
      const report = await verifyReferenceModel({
        cases,
        backend,
        sourceOf: (subDirectory) => directorySource(subDirectory === '.' ? directory : join(directory, subDirectory)),
      });
      const outputs = report.checkpoints.flatMap((checkpoint) =>
        checkpoint.cases.flatMap((testCase) => testCase.outputs),
      );
      const worst = Math.max(...outputs.map((output) => output.maxAbsDiff));
      console.log(
        `verify ${model} on node-wasm: ${report.checkpoints.length} checkpoints, ${outputs.length} outputs, max abs diff ${worst.toExponential(2)}`,
      );
      expect(
        report.checkpoints
          .map((checkpoint) => `${checkpoint.checkpoint}: ${checkpoint.status} ${checkpoint.reason ?? ''}`)
          .filter((line) => !line.includes(': passed')),
      ).toEqual([]);
      expect(report.passed).toBe(true);
    });
  }
});

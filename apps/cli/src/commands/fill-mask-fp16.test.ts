import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertForMaskedLM } from '@albert-ts/core';
import { backendByName } from '../backend-by-name.js';

// fp16 needs a backend with capabilities.float16 (a GPU): set ALBERT_FP16_BACKEND=node-cuda or node-webgpu.
const backendName = process.env['ALBERT_FP16_BACKEND'];
const reason =
  backendName === undefined
    ? 'ALBERT_FP16_BACKEND is not set (fp16 runs only on GPU backends: node-cuda, node-webgpu)'
    : '';
if (reason !== '') console.log(`skipping fp16 fill-mask check: ${reason}`);

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const demoModel = resolve(repoRoot, 'apps/cli/demo-model');
const expected = JSON.parse(readFileSync(resolve(demoModel, 'expected.json'), 'utf8')) as {
  cases: { text: string; masks: { top_ids: number[] }[] }[];
};

describe('fp16 on a GPU backend (demo model)', () => {
  it.skipIf(backendName === undefined)('fill-mask top-1 equals expected.json on the 5 sentences', async () => {
    const model = await AlbertForMaskedLM.fromPretrained(demoModel, {
      backend: backendByName(backendName as string),
      dtype: 'fp16',
    });
    try {
      const results = await model.fillMask(
        expected.cases.map((testCase) => testCase.text),
        { topK: 1 },
      );
      const agree = expected.cases.filter(
        (testCase, index) => results[index]?.masks[0]?.predictions[0]?.tokenId === testCase.masks[0]?.top_ids[0],
      ).length;
      console.log(`fp16 on ${backendName}: top-1 agreement with fp32 reference ${agree}/${expected.cases.length}`);
      expect(agree).toBe(expected.cases.length);
    } finally {
      await model.dispose();
    }
  });
});

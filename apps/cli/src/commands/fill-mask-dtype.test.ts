import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlbertForMaskedLM, AlbertModel, DtypeError, type Tensor } from '@albert-ts/core';
import { backendByName } from '../backend-by-name.js';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const demoModel = resolve(repoRoot, 'apps/cli/demo-model');
const expected = JSON.parse(readFileSync(resolve(demoModel, 'expected.json'), 'utf8')) as {
  cases: { text: string; input_ids: number[]; masks: { top_ids: number[] }[] }[];
};
const backend = backendByName('node-cpu');

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    dot += (a[index] as number) * (b[index] as number);
    normA += (a[index] as number) ** 2;
    normB += (b[index] as number) ** 2;
  }
  return dot / Math.sqrt(normA * normB);
}

function maxAbsDifference(a: Tensor<'float32'>, b: Tensor<'float32'>): number {
  expect(a.shape).toEqual(b.shape);
  let max = 0;
  for (let index = 0; index < a.data.length; index += 1)
    max = Math.max(max, Math.abs((a.data[index] as number) - (b.data[index] as number)));
  return max;
}

describe('model dtype on node-cpu (demo model)', () => {
  let fp32: AlbertForMaskedLM;
  let int8: AlbertForMaskedLM;
  beforeAll(async () => {
    fp32 = await AlbertForMaskedLM.fromPretrained(demoModel, { backend });
    int8 = await AlbertForMaskedLM.fromPretrained(demoModel, { backend, dtype: 'int8' });
  });
  afterAll(async () => {
    await fp32.dispose();
    await int8.dispose();
  });

  it('int8 fill-mask top-1 equals fp32 and expected.json on the 5 sentences', async () => {
    expect(expected.cases).toHaveLength(5);
    const texts = expected.cases.map((testCase) => testCase.text);
    const [reference, quantized] = [await fp32.fillMask(texts, { topK: 5 }), await int8.fillMask(texts, { topK: 5 })];
    let agree = 0;
    let masks = 0;
    expected.cases.forEach((testCase, index) => {
      testCase.masks.forEach((mask, position) => {
        masks += 1;
        expect(reference[index]?.masks[position]?.predictions[0]?.tokenId).toBe(mask.top_ids[0]);
        if (
          quantized[index]?.masks[position]?.predictions[0]?.tokenId ===
          reference[index]?.masks[position]?.predictions[0]?.tokenId
        )
          agree += 1;
      });
    });
    console.log(`int8 vs fp32 fill-mask top-1 agreement: ${agree}/${masks}`);
    expect(agree).toBe(masks);
  });

  it('int8 hidden states stay close to fp32 (cosine >= 0.99)', async () => {
    const encoder32 = await AlbertModel.fromPretrained(demoModel, { backend });
    const encoder8 = await AlbertModel.fromPretrained(demoModel, { backend, dtype: 'int8' });
    try {
      const inputIds = [expected.cases.map((testCase) => testCase.input_ids)[1] as number[]];
      const [a, b] = [await encoder32.forward({ inputIds }), await encoder8.forward({ inputIds })];
      expect(b.lastHiddenState.dtype).toBe('float32');
      const similarity = cosine(a.lastHiddenState.data, b.lastHiddenState.data);
      console.log(`int8 vs fp32 last_hidden_state cosine: ${similarity.toFixed(5)}`);
      expect(similarity).toBeGreaterThanOrEqual(0.99);
      // the word embeddings (a Gather, 16000 × 128) stay float32; the encoder's MatMul weights shrink to a quarter
      const [bytes8, bytes32] = [
        (await encoder8.exportGraph()).bytes.byteLength,
        (await encoder32.exportGraph()).bytes.byteLength,
      ];
      console.log(`AlbertModel graph bytes: int8 ${bytes8}, fp32 ${bytes32}`);
      expect(bytes8).toBeLessThan(bytes32);
    } finally {
      await encoder32.dispose();
      await encoder8.dispose();
    }
  });

  it('refuses fp16 on node-cpu with a DtypeError naming the backend', async () => {
    const attempt = AlbertForMaskedLM.fromPretrained(demoModel, { backend, dtype: 'fp16' });
    await expect(attempt).rejects.toBeInstanceOf(DtypeError);
    await expect(attempt).rejects.toMatchObject({
      code: 'DTYPE_UNSUPPORTED_BY_BACKEND',
      details: { field: 'dtype', value: 'fp16', backend: 'node-cpu' },
    });
    await expect(attempt).rejects.toThrow(/node-cpu/);
  });

  it('forwardMany in length buckets equals one-at-a-time forward within 1e-5, in input order', async () => {
    const encodings = [...expected.cases, ...expected.cases.slice(0, 3).reverse()].map((testCase) => ({
      inputIds: testCase.input_ids,
    }));
    const many = await fp32.forwardMany(encodings, { tokenBudget: 40 });
    expect(many).toHaveLength(encodings.length);
    let worst = 0;
    for (const [index, encoding] of encodings.entries()) {
      const single = await fp32.forward({ inputIds: [encoding.inputIds] });
      worst = Math.max(worst, maxAbsDifference((many[index] as { logits: Tensor<'float32'> }).logits, single.logits));
    }
    console.log(`forwardMany vs forward: max |diff| = ${worst.toExponential(2)} over ${encodings.length} sequences`);
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it('the plain flavour gives the same logits as the default (auto) flavour', async () => {
    const plain = await AlbertForMaskedLM.fromPretrained(demoModel, { backend, flavour: 'plain' });
    try {
      const inputIds = [expected.cases[0]?.input_ids as number[]];
      const difference = maxAbsDifference(
        (await plain.forward({ inputIds })).logits,
        (await fp32.forward({ inputIds })).logits,
      );
      console.log(`auto vs plain flavour: max |diff| = ${difference.toExponential(2)}`);
      expect(difference).toBeLessThanOrEqual(1e-4);
    } finally {
      await plain.dispose();
    }
  });
});

const wasm = backendByName('node-wasm');
const wasmProbe = await wasm.probe();
if (!wasmProbe.available) console.log(`skipping int8 on node-wasm: ${wasmProbe.reason}`);

describe('model dtype on node-wasm (demo model)', () => {
  it.skipIf(!wasmProbe.available)('int8 fill-mask top-1 equals expected.json on the 5 sentences', async () => {
    const model = await AlbertForMaskedLM.fromPretrained(demoModel, { backend: wasm, dtype: 'int8' });
    try {
      const results = await model.fillMask(
        expected.cases.map((testCase) => testCase.text),
        { topK: 1 },
      );
      const agree = expected.cases.filter(
        (testCase, index) => results[index]?.masks[0]?.predictions[0]?.tokenId === testCase.masks[0]?.top_ids[0],
      ).length;
      console.log(`int8 on node-wasm: top-1 agreement with the fp32 reference ${agree}/${expected.cases.length}`);
      expect(agree).toBe(expected.cases.length);
    } finally {
      await model.dispose();
    }
  });
});

describe('albert fill-mask --dtype', () => {
  async function run(argv: string[]) {
    const context = createTestContext({ cwd: repoRoot });
    const code = await runCli(argv, context, commands);
    return { code, stdout: context.output(), stderr: context.errors() };
  }

  it('runs int8 with the fp32 top-1', async () => {
    const testCase = expected.cases[0];
    const { code, stdout } = await run(['fill-mask', '--json', '--dtype', 'int8', testCase?.text as string]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { token: number }[];
    expect(result[0]?.token).toBe(testCase?.masks[0]?.top_ids[0]);
  });

  it('refuses fp16 on node-cpu, naming the backend', async () => {
    const { code, stderr } = await run(['fill-mask', '--dtype', 'fp16', 'Python is a [MASK] language.']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/fp16.*node-cpu/);
  });

  it('documents --dtype in the help', async () => {
    const { stdout } = await run(['fill-mask', '--help']);
    expect(stdout).toMatch(/--dtype/);
  });
});

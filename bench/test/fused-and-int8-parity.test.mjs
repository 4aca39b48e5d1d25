// Numeric checks of core's graph/fused and graph/quantize on real runtimes (onnxruntime-node and
// onnxruntime-web WASM): the fused encoder reproduces the PyTorch reference fixtures within the parity
// tolerance (1e-4), and int8 stays close to float32. graph/fused's kernels are plugged into a copy of
// the builder's encoder loop (bench/lib/fused-assembly.mjs) until the builder takes them.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dirname } from 'node:path';
import { AlbertConfig } from '@albert-ts/config';
import { buildAlbertModelProto, encodeModel, readSafetensors, resolveAlbertWeights } from '@albert-ts/core';
import { buildWithFusedKernels } from '../lib/fused-assembly.mjs';
import { quantizeDynamicInt8 } from '../../packages/core/src/graph/quantize/index.ts';

const require = createRequire(import.meta.url);
const FIXTURES = new URL('../../fixtures/models/', import.meta.url);
const TOLERANCE = 1e-4;

async function loadFixture(name) {
  const config = AlbertConfig.parse(await readFile(new URL(`${name}/config.json`, FIXTURES), 'utf8'));
  const stateDict = readSafetensors(
    new Uint8Array(await readFile(new URL(`${name}/model.safetensors`, FIXTURES))),
    `${name}/model.safetensors`,
  );
  const weights = resolveAlbertWeights(config, stateDict, 'AlbertModel', { file: `${name}/model.safetensors` });
  const cases = JSON.parse(await readFile(new URL(`${name}/cases.json`, FIXTURES), 'utf8'));
  return { config, weights, cases };
}

/** AlbertModel's last_hidden_state: core's fused flavour, or the bench assembly with graph/fused's kernels. */
function buildFused(config, weights, kind) {
  if (kind === 'core fused flavour')
    return encodeModel(buildAlbertModelProto(config, weights, { head: 'AlbertModel', flavour: 'fused' }).proto);
  return encodeModel(buildWithFusedKernels(config, weights, { head: 'AlbertModel', kind }).proto);
}

const runtimes = {
  'onnxruntime-node': async () => ({ ort: require('onnxruntime-node'), options: { intraOpNumThreads: 1 } }),
  'onnxruntime-web (wasm)': async () => {
    const path = require.resolve('onnxruntime-web');
    const ort = await import(pathToFileURL(path).href);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = pathToFileURL(dirname(path) + '/').href;
    return { ort, options: { executionProviders: ['wasm'] } };
  },
};

function feedsOf(ort, inputs) {
  const rows = inputs.input_ids.length;
  const columns = inputs.input_ids[0].length;
  const tensor = (values, fallback) =>
    new ort.Tensor(
      'int64',
      BigInt64Array.from(
        (values ?? Array.from({ length: rows }, () => Array.from({ length: columns }, (_, c) => fallback(c)))).flat(),
        (v) => BigInt(v),
      ),
      [rows, columns],
    );
  return {
    input_ids: tensor(inputs.input_ids),
    attention_mask: tensor(inputs.attention_mask, () => 1),
    token_type_ids: tensor(inputs.token_type_ids, () => 0),
    position_ids: tensor(inputs.position_ids, (c) => c),
  };
}

const maxAbsDiff = (a, b) => a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index])), 0);

describe.each(Object.keys(runtimes))('fused encoder on %s', (runtimeName) => {
  it.each([
    ['tiny', 'attention'],
    ['tiny', 'multi-head-attention'],
    ['grouped', 'attention'],
    ['grouped', 'multi-head-attention'],
    ['tiny', 'core fused flavour'],
    ['grouped', 'core fused flavour'],
  ])('%s with %s matches the PyTorch reference within 1e-4', async (fixture, kind) => {
    const { ort, options } = await runtimes[runtimeName]();
    const { config, weights, cases } = await loadFixture(fixture);
    const session = await ort.InferenceSession.create(buildFused(config, weights, kind), options);
    let checked = 0;
    for (const testCase of cases.cases.filter((c) => c.kind === 'standard')) {
      const result = await session.run(feedsOf(ort, testCase.inputs));
      const expected = testCase.outputs.AlbertModel.last_hidden_state;
      expect(result.last_hidden_state.dims).toEqual(expected.shape);
      const diff = maxAbsDiff(result.last_hidden_state.data, expected.data);
      console.log(`${runtimeName} ${fixture} ${kind} ${testCase.name}: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
      checked += 1;
    }
    expect(checked).toBe(3);
  });

  it.each(['dynamic-quantize-matmul', 'matmul-integer'])(
    'int8 (%s) of the plain graph stays close to float32',
    async (operator) => {
      const { ort, options } = await runtimes[runtimeName]();
      const { config, weights, cases } = await loadFixture('tiny');
      const { proto } = buildAlbertModelProto(config, weights, { head: 'AlbertModel' });
      const { model, quantizedWeights } = quantizeDynamicInt8(proto, { operator, minimumWeightElements: 1 });
      expect(quantizedWeights.length).toBeGreaterThanOrEqual(7);
      const float = await ort.InferenceSession.create(encodeModel(proto), options);
      const int8 = await ort.InferenceSession.create(encodeModel(model), options);
      const testCase = cases.cases.find((c) => c.name === 'padded_batch');
      const feeds = feedsOf(ort, testCase.inputs);
      const [a, b] = [(await float.run(feeds)).last_hidden_state.data, (await int8.run(feeds)).last_hidden_state.data];
      const H = config.hiddenSize;
      let worst = 1;
      for (let row = 0; row < a.length / H; row += 1) {
        let dot = 0,
          na = 0,
          nb = 0;
        for (let i = row * H; i < (row + 1) * H; i += 1) {
          dot += a[i] * b[i];
          na += a[i] * a[i];
          nb += b[i] * b[i];
        }
        worst = Math.min(worst, dot / Math.sqrt(na * nb));
      }
      console.log(`${runtimeName} int8 ${operator}: worst token cosine ${worst.toFixed(5)}`);
      expect(worst).toBeGreaterThanOrEqual(0.99);
    },
  );
});

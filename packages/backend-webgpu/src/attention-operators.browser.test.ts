import { createTensor, type Tensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, ONNX_DATA_TYPE } from '../../backend-wasm/src/test-support/tiny-onnx-model.js';
import { seededRandom } from '../../backend-wasm/src/test-support/consistency-model.js';
import { webgpuBackend, type WebGpuBuild } from './webgpu-backend.js';

// What each onnxruntime-web WebGPU build does with com.microsoft MultiHeadAttention and an additive
// attention_bias (the masking the fused graph flavour needs), checked against attention computed here.
// Records the evidence behind DEFAULT_WEBGPU_BUILD: the native build takes a bias broadcast over heads
// ([B, 1, S, S], what core's fused graph emits) and a full [B, heads, S, S] one; JSEP only the full one.
const BATCH = 2;
const SEQUENCE = 5;
const HEADS = 2;
const HEAD_SIZE = 4;
const HIDDEN = HEADS * HEAD_SIZE;

function randomTensor(random: () => number, shape: number[]): Tensor<'float32'> {
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  return createTensor('float32', shape, Float32Array.from({ length: size }, () => random() * 2 - 1));
}

/** softmax(q·kᵀ/√d + bias)·v per batch and head; bias is [B, biasHeads, S, S]. */
function referenceAttention(query: Float32Array, key: Float32Array, value: Float32Array, bias: Float32Array, biasHeads: number): Float32Array {
  const output = new Float32Array(BATCH * SEQUENCE * HIDDEN);
  const scale = 1 / Math.sqrt(HEAD_SIZE);
  for (let b = 0; b < BATCH; b += 1) {
    for (let h = 0; h < HEADS; h += 1) {
      for (let i = 0; i < SEQUENCE; i += 1) {
        const scores: number[] = [];
        for (let j = 0; j < SEQUENCE; j += 1) {
          let dot = 0;
          for (let d = 0; d < HEAD_SIZE; d += 1) dot += (query[(b * SEQUENCE + i) * HIDDEN + h * HEAD_SIZE + d] as number) * (key[(b * SEQUENCE + j) * HIDDEN + h * HEAD_SIZE + d] as number);
          scores.push(dot * scale + (bias[((b * biasHeads + (biasHeads === 1 ? 0 : h)) * SEQUENCE + i) * SEQUENCE + j] as number));
        }
        const max = Math.max(...scores);
        const weights = scores.map((score) => Math.exp(score - max));
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        for (let d = 0; d < HEAD_SIZE; d += 1) {
          let sum = 0;
          for (let j = 0; j < SEQUENCE; j += 1) sum += ((weights[j] as number) / total) * (value[(b * SEQUENCE + j) * HIDDEN + h * HEAD_SIZE + d] as number);
          output[(b * SEQUENCE + i) * HIDDEN + h * HEAD_SIZE + d] = sum;
        }
      }
    }
  }
  return output;
}

function attentionModel(biasHeads: number) {
  const float = ONNX_DATA_TYPE.float32;
  return encodeOnnxModel({
    inputs: [
      { name: 'query', elementType: float, dims: [BATCH, SEQUENCE, HIDDEN] },
      { name: 'key', elementType: float, dims: [BATCH, SEQUENCE, HIDDEN] },
      { name: 'value', elementType: float, dims: [BATCH, SEQUENCE, HIDDEN] },
      { name: 'attention_bias', elementType: float, dims: [BATCH, biasHeads, SEQUENCE, SEQUENCE] },
    ],
    outputs: [{ name: 'output', elementType: float, dims: [BATCH, SEQUENCE, HIDDEN] }],
    nodes: [
      {
        opType: 'MultiHeadAttention',
        domain: 'com.microsoft',
        inputs: ['query', 'key', 'value', '', '', 'attention_bias'],
        outputs: ['output'],
        attributes: [{ name: 'num_heads', int: HEADS }],
      },
    ],
  });
}

const expectedToWork: Record<WebGpuBuild, Record<string, boolean>> = {
  jsep: { [`[B, ${HEADS}, S, S]`]: true, '[B, 1, S, S]': false },
  webgpu: { [`[B, ${HEADS}, S, S]`]: true, '[B, 1, S, S]': true },
};

describe.each<WebGpuBuild>(['jsep', 'webgpu'])('MultiHeadAttention with attention_bias on the %s build', (build) => {
  const backend = webgpuBackend({ build });
  for (const biasHeads of [HEADS, 1]) {
    const label = biasHeads === 1 ? '[B, 1, S, S]' : `[B, ${HEADS}, S, S]`;
    const works = expectedToWork[build][label] as boolean;
    it(`bias ${label} ${works ? 'matches the reference' : 'is refused with a typed error'}`, async () => {
      const random = seededRandom(11);
      const query = randomTensor(random, [BATCH, SEQUENCE, HIDDEN]);
      const key = randomTensor(random, [BATCH, SEQUENCE, HIDDEN]);
      const value = randomTensor(random, [BATCH, SEQUENCE, HIDDEN]);
      // a padding mask as the fused graph builds it: the last two keys of row 1 masked with float32 min
      const bias = createTensor('float32', [BATCH, biasHeads, SEQUENCE, SEQUENCE], new Float32Array(BATCH * biasHeads * SEQUENCE * SEQUENCE));
      for (let h = 0; h < biasHeads; h += 1) {
        for (let i = 0; i < SEQUENCE; i += 1) {
          for (const j of [3, 4]) bias.data[((1 * biasHeads + h) * SEQUENCE + i) * SEQUENCE + j] = -3.4028234663852886e38;
        }
      }
      const session = await backend.load(attentionModel(biasHeads));
      const run = session.run({ query, key, value, attention_bias: bias });
      if (!works) {
        await expect(run).rejects.toMatchObject({ code: 'BACKEND_RUN_FAILED' });
      } else {
        const output = (await run).output as Tensor<'float32'>;
        const expected = referenceAttention(query.data, key.data, value.data, bias.data, biasHeads);
        let worst = 0;
        for (let index = 0; index < expected.length; index += 1) worst = Math.max(worst, Math.abs((output.data[index] as number) - (expected[index] as number)));
        console.log(`${build} MultiHeadAttention bias ${label}: max abs diff ${worst.toExponential(2)}`);
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
      await session.dispose();
    });
  }
});

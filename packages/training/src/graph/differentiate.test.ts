import { nodeBackend } from '@albert-ts/backend-node';
import { createTensor, encodeModel, type GraphValue, type OnnxModelProto, type Tensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { differentiate } from './differentiate.js';
import { GraphEditor } from './graph-editor.js';

// What `differentiate` does besides the per-operator rules (gradient-rules.test.ts): recomputed regions
// and backward passes that keep no forward value alive just to read its shape.

const backend = nodeBackend({ device: 'cpu' });

const emptyModel: OnnxModelProto = {
  irVersion: 8,
  opsetImports: [{ domain: '', version: 17 }],
  producerName: 'albert-ts-test',
  producerVersion: '0',
  graph: { name: 'differentiate', nodes: [], initializers: [], inputs: [], outputs: [] },
};

const BATCH = 2;
const SEQUENCE = 3;
const WIDTH = 8;

/**
 * `loss = Σ gelu_new(x·W + b) ⊙ sin(k)` with x `[batch, sequence, 8]` (symbolic sizes, as the ALBERT graph's)
 * and the activation's nodes under the scope `ffn/gelu_new` (core's naming).
 */
function geluGraph(recompute: boolean): {
  e: GraphEditor;
  gradients: ReadonlyMap<GraphValue, string>;
  region: Set<string>;
} {
  const e = new GraphEditor(emptyModel);
  const x = e.input('x', 'float32', ['batch', 'sequence', WIDTH]);
  const weight = e.input('weight', 'float32', [WIDTH, WIDTH]);
  const bias = e.input('bias', 'float32', [WIDTH]);
  const hidden = e.add(e.matMul(x, weight), bias);
  const count = e.nodes.length;
  const activated = e.within('ffn', () =>
    e.within('gelu_new', () => {
      const cube = e.mul(e.mul(hidden, hidden), hidden);
      const inner = e.mul(e.float(Math.sqrt(2 / Math.PI)), e.add(hidden, e.mul(e.float(0.044715), cube)));
      return e.mul(e.mul(e.float(0.5), hidden), e.add(e.float(1), e.op('Tanh', [inner])));
    }),
  );
  const region = new Set(e.nodes.slice(count).map((node) => node.name));
  const weighting = e.op('Sin', [e.floats(Array.from({ length: WIDTH }, (_, k) => 1.37 * k))]);
  const loss = e.reduceSum(e.mul(activated, weighting), [], false);
  e.output(loss, 'loss');
  const { gradients } = differentiate(e, {
    loss,
    parameters: ['x', 'weight', 'bias'],
    ...(recompute ? { recompute: [region] } : {}),
  });
  return { e, gradients, region };
}

async function run(e: GraphEditor, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await backend.load({
    bytes: encodeModel(e.build()),
    inputNames: e.inputs.map((input) => input.name),
    outputNames: e.outputs.map((output) => output.name),
  });
  try {
    return await session.run(feeds);
  } finally {
    await session.dispose();
  }
}

const feeds = (): Record<string, Tensor> => {
  let state = 7;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
  const values = (count: number): Float32Array => Float32Array.from({ length: count }, next);
  return {
    x: createTensor('float32', [BATCH, SEQUENCE, WIDTH], values(BATCH * SEQUENCE * WIDTH)),
    weight: createTensor('float32', [WIDTH, WIDTH], values(WIDTH * WIDTH)),
    bias: createTensor('float32', [WIDTH], values(WIDTH)),
  };
};

describe('differentiate: recomputed regions', () => {
  it('gives the same gradients, bit for bit, as keeping the intermediates', async () => {
    const kept = geluGraph(false);
    const recomputed = geluGraph(true);
    const input = feeds();
    const [keptOutputs, recomputedOutputs] = [await run(kept.e, input), await run(recomputed.e, input)];
    for (const parameter of ['x', 'weight', 'bias']) {
      const expected = keptOutputs[kept.gradients.get(parameter) as string]?.data;
      const actual = recomputedOutputs[recomputed.gradients.get(parameter) as string]?.data;
      expect(actual, parameter).toEqual(expected);
      expect([...(actual as Float32Array)].some((value) => value !== 0)).toBe(true);
    }
  });

  it('keeps no intermediate of the region for the backward pass (only its input and its result)', () => {
    const { e, region } = geluGraph(true);
    const backward = e.nodes.filter((node) => node.name.startsWith('backward/'));
    const regionNodes = e.nodes.filter((node) => region.has(node.name));
    const result = regionNodes.at(-1)?.outputs[0];
    const intermediates = new Set(regionNodes.flatMap((node) => node.outputs).filter((value) => value !== result));
    const read = backward.flatMap((node) => node.inputs).filter((value) => intermediates.has(value));
    expect(read).toEqual([]);
    // and the copies are not the originals' twins: they read the region's input through Reshape(x, Shape(x)),
    // so common-subexpression elimination cannot merge them back into the kept originals
    const copies = backward.filter((node) => node.name.includes('/recompute/'));
    expect(copies.length).toBeGreaterThan(0);
    const hidden = regionNodes[0]?.inputs[0];
    expect(copies.filter((node) => node.opType !== 'Shape' && node.inputs.includes(hidden as string))).toHaveLength(1);
  });
});

describe('differentiate: shapes in the backward pass', () => {
  it('undoes a Reshape with a constant target where the forward shape copied the sizes (no Shape of the input)', async () => {
    const e = new GraphEditor(emptyModel);
    const x = e.input('x', 'float32', ['batch', 'sequence', WIDTH]);
    const scale = e.input('scale', 'float32', [WIDTH]);
    const scaled = e.mul(x, scale);
    // [batch, sequence, 8] → [batch, sequence, 2, 4] → [batch, 2, sequence, 4] (the attention heads' layout)
    const heads = e.transpose(e.reshape(scaled, [0, 0, 2, 4]), [0, 2, 1, 3]);
    const loss = e.reduceSum(e.mul(heads, heads), [], false);
    e.output(loss, 'loss');
    const { gradients } = differentiate(e, { loss, parameters: ['x', 'scale'] });
    const shapesOfScaled = e.nodes.filter((node) => node.opType === 'Shape' && node.inputs[0] === scaled);
    expect(shapesOfScaled).toEqual([]);
    // d/dx Σ (x·s)² = 2·x·s², d/ds = Σ 2·x²·s
    const input = feeds();
    const xs = input['x']?.data as Float32Array;
    const s = Float32Array.from({ length: WIDTH }, (_, k) => 0.5 + k / 8);
    const outputs = await run(e, { x: input['x'] as Tensor, scale: createTensor('float32', [WIDTH], s) });
    const gradX = outputs[gradients.get('x') as string]?.data as Float32Array;
    expect(outputs[gradients.get('x') as string]?.shape).toEqual([BATCH, SEQUENCE, WIDTH]);
    xs.forEach((value, index) => {
      const scaleValue = s[index % WIDTH] as number;
      expect(gradX[index]).toBeCloseTo(2 * value * scaleValue * scaleValue, 5);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createTensor } from '../../tensor.js';
import { GraphBuilder } from '../graph-builder.js';
import type { OnnxNodeProto } from '../onnx-proto.js';
import { quantizeColumnsInt8, quantizeDynamicInt8 } from './quantize-dynamic-int8.js';

function model() {
  const g = new GraphBuilder('test');
  const x = g.input('x', 'float32', ['batch', 64]);
  const big = createTensor(
    'float32',
    [64, 300],
    Float32Array.from({ length: 64 * 300 }, (_, i) => Math.sin(i) * (1 + (i % 300) / 100)),
  );
  const small = createTensor(
    'float32',
    [300, 2],
    Float32Array.from({ length: 600 }, (_, i) => Math.cos(i)),
  );
  const hidden = g.matMul(x, g.weight('big', big)); // [batch, 300]
  const again = g.matMul(x, g.weight('big', big)); // same weight twice
  const out = g.matMul(g.add(hidden, again), g.weight('small', small)); // [batch, 2]
  g.output(out, 'y', 'float32');
  return { proto: g.build({ producerVersion: 'test' }), big };
}

describe('quantizeDynamicInt8', () => {
  it('replaces MatMuls on large float weights by DynamicQuantizeMatMul with per-column int8 weights', () => {
    const { proto, big } = model();
    const { model: quantized, quantizedWeights } = quantizeDynamicInt8(proto);
    expect(quantizedWeights).toEqual(['big']);
    const ops = quantized.graph.nodes.map((node) => node.opType);
    expect(ops.filter((op) => op === 'DynamicQuantizeMatMul')).toHaveLength(2);
    expect(ops.filter((op) => op === 'MatMul')).toHaveLength(1); // the small weight stays float
    const names = quantized.graph.initializers.map((tensor) => tensor.name);
    expect(names).not.toContain('big');
    expect(names).toContain('small');
    expect(names.filter((name) => name === 'big.int8')).toHaveLength(1);
    expect(quantized.opsetImports).toContainEqual({ domain: 'com.microsoft', version: 1 });
    // dequantized weights are within half a step of the originals
    const weight = new Int8Array(
      quantized.graph.initializers.find((t) => t.name === 'big.int8')!.rawData.slice().buffer,
    );
    const scale = new Float32Array(
      quantized.graph.initializers.find((t) => t.name === 'big.int8_scale')!.rawData.slice().buffer,
    );
    let worst = 0;
    for (let k = 0; k < 64; k += 1) {
      for (let n = 0; n < 300; n += 1) {
        const error = Math.abs(weight[k * 300 + n]! * scale[n]! - big.data[k * 300 + n]!) / scale[n]!;
        worst = Math.max(worst, error);
      }
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-4);
  });

  it('writes standard ONNX ops for the matmul-integer form and keeps the graph I/O', () => {
    const { proto } = model();
    const { model: quantized } = quantizeDynamicInt8(proto, { operator: 'matmul-integer' });
    const ops = quantized.graph.nodes.map((node) => node.opType);
    expect(ops).toContain('DynamicQuantizeLinear');
    expect(ops).toContain('MatMulInteger');
    expect(ops).not.toContain('DynamicQuantizeMatMul');
    expect(quantized.graph.inputs).toEqual(proto.graph.inputs);
    expect(quantized.graph.outputs).toEqual(proto.graph.outputs);
  });

  it('folds the bias Add of a linear into DynamicQuantizeMatMul, and only a lone 1-D float bias of the output width', () => {
    const g = new GraphBuilder('linear');
    const x = g.input('x', 'float32', ['batch', 64]);
    const kernel = createTensor(
      'float32',
      [64, 300],
      Float32Array.from({ length: 64 * 300 }, (_, i) => Math.sin(i)),
    );
    const bias = createTensor(
      'float32',
      [300],
      Float32Array.from({ length: 300 }, (_, i) => i / 300),
    );
    const y = g.add(g.matMul(x, g.weight('kernel', kernel)), g.weight('bias', bias)); // folded
    const shared = g.matMul(x, g.weight('kernel', kernel)); // read twice: not folded
    const z = g.add(shared, g.weight('bias', bias));
    g.output(y, 'y', 'float32');
    g.output(z, 'z', 'float32');
    g.output(shared, 'shared', 'float32'); // a graph output itself
    const proto = g.build({ producerVersion: 'test' });
    const folded = quantizeDynamicInt8(proto).model;
    const producerOf = (name: string): OnnxNodeProto => {
      const node = folded.graph.nodes.find((candidate) => candidate.outputs.includes(name))!;
      return node.opType === 'Identity' ? producerOf(node.inputs[0]!) : node; // graph outputs are Identity nodes
    };
    expect(producerOf('y').opType).toBe('DynamicQuantizeMatMul');
    expect(producerOf('y').inputs).toEqual(['x', 'kernel.int8', 'kernel.int8_scale', 'kernel.int8_zero_point', 'bias']);
    expect(producerOf('z').opType).toBe('Add');
    expect(producerOf('shared').inputs).toHaveLength(4);
    expect(folded.graph.nodes.filter((node) => node.opType === 'Add')).toHaveLength(1);
    // opted out, and never in the standard-operator form (MatMulInteger has no bias input)
    expect(
      quantizeDynamicInt8(proto, { foldBias: false }).model.graph.nodes.filter((node) => node.opType === 'Add'),
    ).toHaveLength(2);
    expect(
      quantizeDynamicInt8(proto, { operator: 'matmul-integer' }).model.graph.nodes.filter(
        (node) => node.opType === 'Add',
      ),
    ).toHaveLength(2);
  });

  it('respects the size threshold and the include filter', () => {
    const { proto } = model();
    expect(quantizeDynamicInt8(proto, { minimumWeightElements: 1 }).quantizedWeights).toEqual(['big', 'small']);
    expect(quantizeDynamicInt8(proto, { include: (name) => name !== 'big' }).quantizedWeights).toEqual([]);
  });

  it('quantizes symmetric per column, a zero column to scale 1', () => {
    const { quantized, scale } = quantizeColumnsInt8(Float32Array.from([1, 0, -2, 0]), 2, 2);
    expect(Array.from(scale)).toEqual([Math.fround(2 / 127), 1]);
    expect(Array.from(quantized)).toEqual([64, 0, -127, 0]);
  });
});

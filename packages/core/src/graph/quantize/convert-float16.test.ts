import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from '../../checkpoint/half-precision.js';
import { createTensor } from '../../tensor.js';
import { GraphBuilder } from '../graph-builder.js';
import { convertToFloat16, float32ToFloat16Bits } from './convert-float16.js';

const halfToNumber = (bits: number): number =>
  float16ToFloat32(new Uint8Array([bits & 0xff, bits >>> 8]), 1)[0] as number;

describe('float32ToFloat16Bits', () => {
  it('encodes exactly representable values and rounds to nearest even', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(0.5)).toBe(0x3800);
    expect(float32ToFloat16Bits(0)).toBe(0);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway, even stays
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, odd rounds up
    expect(halfToNumber(float32ToFloat16Bits(2 ** -20))).toBe(2 ** -20); // subnormal
    expect(float32ToFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });
  it('clamps magnitudes beyond the float16 range (the float32-min mask constant becomes -65504)', () => {
    expect(halfToNumber(float32ToFloat16Bits(-3.4028234663852886e38))).toBe(-65504);
    expect(halfToNumber(float32ToFloat16Bits(1e6))).toBe(65504);
  });
  it('round-trips within half precision', () => {
    for (const value of [0.1, -3.14159, 123.456, 1e-3, 7e-6]) {
      expect(Math.abs(halfToNumber(float32ToFloat16Bits(value)) - value)).toBeLessThanOrEqual(
        Math.abs(value) * 2 ** -11 + 2 ** -25,
      );
    }
  });
});

describe('convertToFloat16', () => {
  it('casts weights at build time and keeps a float32 interface', () => {
    const g = new GraphBuilder('test');
    const x = g.input('x', 'float32', ['batch', 2]);
    const ids = g.input('ids', 'int64', ['batch']);
    const w = g.weight('w', createTensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)));
    const y = g.add(g.matMul(x, w), g.cast(ids, 'float32'));
    g.output(y, 'y', 'float32');
    const converted = convertToFloat16(g.build({ producerVersion: 'test' }));
    const weight = converted.graph.initializers.find((tensor) => tensor.name === 'w');
    expect(weight?.elementType).toBe('float16');
    expect(Array.from(new Uint16Array(weight!.rawData.slice().buffer))).toEqual([0x3c00, 0x4000, 0x4200, 0x4400]);
    expect(converted.graph.inputs).toEqual([
      { name: 'x', elementType: 'float32', dims: ['batch', 2] },
      { name: 'ids', elementType: 'int64', dims: ['batch'] },
    ]);
    expect(converted.graph.outputs.map((output) => [output.name, output.elementType])).toEqual([['y', 'float32']]);
    const first = converted.graph.nodes[0];
    const last = converted.graph.nodes[converted.graph.nodes.length - 1];
    expect([first?.opType, first?.inputs, first?.attributes['to']]).toEqual([
      'Cast',
      ['x'],
      { kind: 'int', value: 10 },
    ]);
    expect([last?.opType, last?.outputs, last?.attributes['to']]).toEqual(['Cast', ['y'], { kind: 'int', value: 1 }]);
    const castIds = converted.graph.nodes.find((node) => node.opType === 'Cast' && node.inputs[0] === 'ids');
    expect(castIds?.attributes['to']).toEqual({ kind: 'int', value: 10 });
    const matMul = converted.graph.nodes.find((node) => node.opType === 'MatMul');
    expect(matMul?.inputs[0]).toBe('x/float16');
    // no node but the final Cast writes the graph output
    expect(converted.graph.nodes.filter((node) => node.outputs.includes('y'))).toHaveLength(1);
  });
});

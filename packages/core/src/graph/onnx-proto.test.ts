import { describe, expect, it } from 'vitest';
import { encodeModel } from './onnx-proto.js';

describe('encodeModel', () => {
  it("writes protobuf fields: varints (negative as 10-byte two's complement), strings, raw data by reference", () => {
    const raw = new Uint8Array(100).fill(7);
    const bytes = encodeModel({
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }],
      producerName: 'p',
      producerVersion: 'v',
      graph: {
        name: 'g',
        nodes: [
          {
            name: 'n',
            opType: 'Softmax',
            domain: '',
            inputs: ['x'],
            outputs: ['y'],
            attributes: { axis: { kind: 'int', value: -1 } },
          },
        ],
        initializers: [{ name: 'w', elementType: 'float32', dims: [25], rawData: raw }],
        inputs: [{ name: 'x', elementType: 'float32', dims: ['batch', 25] }],
        outputs: [{ name: 'y', elementType: 'float32', dims: ['batch', 25] }],
      },
    });
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x08, 8]); // ir_version = 8
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('Softmax');
    // axis = -1: field 3 varint, ten bytes ending in 0x01
    const minusOne = [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const at = bytes.findIndex((_, index) => minusOne.every((byte, offset) => bytes[index + offset] === byte));
    expect(at).toBeGreaterThan(0);
    // raw data present once, contiguous
    const run = bytes.findIndex((_, index) => raw.every((byte, offset) => bytes[index + offset] === byte));
    expect(run).toBeGreaterThan(0);
    expect(bytes[run - 1]).toBe(100); // its length prefix
  });
});

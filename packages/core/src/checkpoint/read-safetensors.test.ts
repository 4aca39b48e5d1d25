import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { bfloat16ToFloat32, float16BitsToFloat32Bits, float16ToFloat32 } from './half-precision.js';
import { parseSafetensors, readSafetensors } from './read-safetensors.js';
import { readFixture } from './test-fixtures.js';

function header(json: object, data: Uint8Array = new Uint8Array()): Uint8Array {
  let text = JSON.stringify(json);
  while (text.length % 8 !== 0) text += ' ';
  const head = new TextEncoder().encode(text);
  const bytes = new Uint8Array(8 + head.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(head.length), true);
  bytes.set(head, 8);
  bytes.set(data, 8 + head.length);
  return bytes;
}

function catchError(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('readSafetensors', () => {
  it('reads the tiny model with zero-copy float32 views', () => {
    const bytes = readFixture('models/tiny/model.safetensors');
    const stateDict = readSafetensors(bytes, 'model.safetensors');
    expect(stateDict.size).toBe(32);
    const words = stateDict.get('albert.embeddings.word_embeddings.weight')!;
    expect(words.shape).toEqual([99, 16]);
    expect(words.data).toBeInstanceOf(Float32Array);
    for (const tensor of stateDict.values()) expect(tensor.data.buffer).toBe(bytes.buffer);
  });

  it('copies once when the data is not 4-byte aligned', () => {
    const original = readFixture('models/tiny/model.safetensors');
    const shifted = new Uint8Array(original.length + 1).subarray(1);
    shifted.set(original);
    const aligned = readSafetensors(original, 'model.safetensors');
    const copied = readSafetensors(shifted, 'model.safetensors');
    for (const [key, tensor] of copied) {
      expect(tensor.data.buffer).not.toBe(shifted.buffer);
      expect(Array.from(tensor.data)).toEqual(Array.from(aligned.get(key)!.data));
    }
  });

  it('upcasts F16 exactly, subnormals included', () => {
    // Every binary16 value, checked against an arithmetic decoding.
    const bytes = new Uint8Array(2 * 65536);
    for (let bits = 0; bits < 65536; bits += 1) {
      bytes[2 * bits] = bits & 0xff;
      bytes[2 * bits + 1] = bits >> 8;
    }
    const values = float16ToFloat32(bytes, 65536);
    for (let bits = 0; bits < 65536; bits += 1) {
      const sign = bits & 0x8000 ? -1 : 1;
      const exponent = (bits >> 10) & 0x1f;
      const mantissa = bits & 0x3ff;
      const expected =
        exponent === 0
          ? sign * mantissa * 2 ** -24
          : exponent === 31
            ? mantissa
              ? Number.NaN
              : sign * Infinity
            : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
      if (Number.isNaN(expected)) expect(Number.isNaN(values[bits])).toBe(true);
      else expect(Object.is(values[bits], expected)).toBe(true);
    }
    expect(float16BitsToFloat32Bits(0x0001)).toBe(0x33800000); // 2^-24
    expect(float16BitsToFloat32Bits(0x7e01)).toBe(0x7fc02000); // NaN payload kept
  });

  it('upcasts BF16 by shifting the bits', () => {
    const values = bfloat16ToFloat32(new Uint8Array([0x80, 0x3f, 0x49, 0xc0]), 2);
    expect(Array.from(values)).toEqual([1, Math.fround(-3.140625)]);
  });

  it('rejects a header that is not an object, unknown dtypes and unsafe shapes', () => {
    expect(catchError(() => readSafetensors(header([1, 2]), 'x.safetensors')).code).toBe('CHECKPOINT_INVALID_HEADER');
    const dtype = catchError(() =>
      readSafetensors(
        header({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
        'x.safetensors',
      ),
    );
    expect(dtype.code).toBe('CHECKPOINT_UNSUPPORTED_DTYPE');
    expect(dtype.message).toContain('x.safetensors');
    expect(dtype.message).toContain('tensor a');
    const huge = catchError(() =>
      readSafetensors(
        header({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, new Uint8Array(4)),
        'x.safetensors',
      ),
    );
    expect(huge.code).toBe('CHECKPOINT_SIZE_MISMATCH');
    const gap = catchError(() =>
      readSafetensors(
        header({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
        'x.safetensors',
      ),
    );
    expect(gap.code).toBe('CHECKPOINT_OFFSETS_GAP');
    const trailing = catchError(() =>
      readSafetensors(
        header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)),
        'x.safetensors',
      ),
    );
    expect(trailing.code).toBe('CHECKPOINT_OFFSETS_GAP');
    expect(catchError(() => readSafetensors(new Uint8Array(5), 'x.safetensors')).code).toBe('CHECKPOINT_TRUNCATED');
  });

  it('validates and leaves out integer tensors', () => {
    const data = new Uint8Array(8 + 4);
    new DataView(data.buffer).setFloat32(8, 1.5, true);
    const parsed = parseSafetensors(
      header(
        {
          ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] },
          w: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
        },
        data,
      ),
      'x.safetensors',
    );
    expect(parsed.skipped).toEqual([{ key: 'ids', dtype: 'I64' }]);
    expect(Array.from(parsed.stateDict.get('w')!.data)).toEqual([1.5]);
  });
});

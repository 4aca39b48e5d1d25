import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint-error.js';
import { decodeMsgpack, MsgpackExtension } from './decode-msgpack.js';

const decode = (bytes: number[]) => decodeMsgpack(Uint8Array.from(bytes), { file: 'x.msgpack' });

function error(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (caught) {
    expect(caught).toBeInstanceOf(CheckpointError);
    return caught as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('decodeMsgpack', () => {
  it('decodes scalars of every width', () => {
    expect(decode([0x05])).toBe(5);
    expect(decode([0xff])).toBe(-1);
    expect(decode([0xc0])).toBe(null);
    expect(decode([0xc2])).toBe(false);
    expect(decode([0xc3])).toBe(true);
    expect(decode([0xcc, 0xff])).toBe(255);
    expect(decode([0xcd, 0x01, 0x00])).toBe(256);
    expect(decode([0xce, 0x00, 0x01, 0x00, 0x00])).toBe(65536);
    expect(decode([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).toBe(2n ** 64n - 1n);
    expect(decode([0xd0, 0x80])).toBe(-128);
    expect(decode([0xd1, 0xff, 0x00])).toBe(-256);
    expect(decode([0xd2, 0xff, 0xff, 0xff, 0xfe])).toBe(-2);
    expect(decode([0xd3, 0, 0, 0, 0, 0, 0, 0, 7])).toBe(7);
    expect(decode([0xca, 0x3f, 0xc0, 0, 0])).toBe(1.5);
    expect(decode([0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0])).toBe(1.5);
  });

  it('decodes strings, bins, arrays, maps and extensions', () => {
    expect(decode([0xa3, 0x61, 0x62, 0x63])).toBe('abc');
    expect(decode([0xd9, 0x01, 0x78])).toBe('x');
    expect(Array.from(decode([0xc4, 0x02, 0x09, 0x08]) as Uint8Array)).toEqual([9, 8]);
    expect(decode([0x92, 0x01, 0x92, 0x02, 0x03])).toEqual([1, [2, 3]]);
    expect(decode([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0x90])).toEqual(
      new Map<unknown, unknown>([
        ['a', 1],
        ['b', []],
      ]),
    );
    const fixed = decode([0xd4, 0x01, 0x2a]) as MsgpackExtension;
    expect(fixed).toBeInstanceOf(MsgpackExtension);
    expect(fixed.type).toBe(1);
    expect(Array.from(fixed.data)).toEqual([0x2a]);
    const sized = decode([0xc8, 0x00, 0x02, 0x03, 0x01, 0x02]) as MsgpackExtension;
    expect(sized.type).toBe(3);
    expect(Array.from(sized.data)).toEqual([1, 2]);
  });

  it('rejects lying lengths, trailing bytes, deep nesting and duplicate keys without allocating', () => {
    expect(error(() => decode([0xc6, 0xff, 0xff, 0xff, 0xff])).code).toBe('CHECKPOINT_INVALID_MSGPACK');
    expect(error(() => decode([0xdd, 0xff, 0xff, 0xff, 0xff])).message).toContain('x.msgpack');
    expect(error(() => decode([0x01, 0x02])).code).toBe('CHECKPOINT_INVALID_MSGPACK');
    expect(error(() => decode(new Array(100).fill(0x91))).code).toBe('CHECKPOINT_INVALID_MSGPACK');
    expect(error(() => decode([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x61, 0x02])).code).toBe('CHECKPOINT_INVALID_MSGPACK');
    expect(error(() => decode([0xc1])).code).toBe('CHECKPOINT_INVALID_MSGPACK');
    expect(error(() => decode([0xa2, 0xff, 0xfe])).code).toBe('CHECKPOINT_INVALID_MSGPACK');
  });
});

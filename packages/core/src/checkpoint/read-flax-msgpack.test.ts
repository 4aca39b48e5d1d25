import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { readFlaxMsgpack } from './read-flax-msgpack.js';
import { concatBytes } from './test-builders.js';

/** Minimal MessagePack writer for the trees Flax writes. */
function encode(value: unknown): Uint8Array {
  if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    return concatBytes([0xd9, bytes.length], bytes);
  }
  if (typeof value === 'number') return Uint8Array.from([0xcd, value >> 8, value & 0xff]);
  if (value instanceof Uint8Array) return concatBytes([0xc6, 0, 0, value.length >> 8, value.length & 0xff], value);
  if (Array.isArray(value)) return concatBytes([0x90 | value.length], ...value.map(encode));
  if (value instanceof Leaf) {
    const payload = encode([value.shape, value.dtype, value.data]);
    return concatBytes([0xc9, 0, 0, payload.length >> 8, payload.length & 0xff, value.type], payload);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return concatBytes([0x80 | entries.length], ...entries.flatMap(([key, item]) => [encode(key), encode(item)]));
}

class Leaf {
  constructor(
    readonly shape: number[],
    readonly data: Uint8Array,
    readonly dtype = 'float32',
    readonly type = 1,
  ) {}
}

const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

function error(run: () => unknown): CheckpointError {
  try {
    run();
  } catch (caught) {
    expect(caught).toBeInstanceOf(CheckpointError);
    return caught as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('readFlaxMsgpack', () => {
  it('strips a params level, renames leaves and transposes kernels to [out, in]', () => {
    const bytes = encode({
      params: {
        albert: {
          encoder: {
            albert_layer_groups: {
              '0': {
                albert_layers: {
                  '0': {
                    ffn: {
                      kernel: new Leaf([2, 3], floats([1, 2, 3, 4, 5, 6])),
                      bias: new Leaf([3], floats([7, 8, 9])),
                    },
                  },
                },
              },
            },
          },
          embeddings: {
            word_embeddings: { embedding: new Leaf([1, 2], floats([1, 2])) },
            LayerNorm: { scale: new Leaf([2], floats([3, 4])) },
          },
        },
      },
    });
    const { stateDict } = readFlaxMsgpack(bytes, 'flax_model.msgpack');
    const ffn = stateDict.get('albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight')!;
    expect(ffn.shape).toEqual([3, 2]);
    expect(Array.from(ffn.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(stateDict.get('albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.bias')!.data)).toEqual([
      7, 8, 9,
    ]);
    expect(stateDict.get('albert.embeddings.word_embeddings.weight')!.shape).toEqual([1, 2]);
    expect(Array.from(stateDict.get('albert.embeddings.LayerNorm.weight')!.data)).toEqual([3, 4]);
  });

  it('upcasts half-precision leaves and leaves out integer ones', () => {
    const contents = readFlaxMsgpack(
      encode({
        a: { bias: new Leaf([1], Uint8Array.from([0x00, 0x3c]), 'float16') },
        b: { ids: new Leaf([1], new Uint8Array(8), 'int64') },
      }),
      'flax_model.msgpack',
    );
    expect(Array.from(contents.stateDict.get('a.bias')!.data)).toEqual([1]);
    expect(contents.skipped).toEqual([{ key: 'b.ids', dtype: 'int64' }]);
  });

  it('names the file and the leaf for bad leaves', () => {
    const size = error(() =>
      readFlaxMsgpack(encode({ a: { bias: new Leaf([3], floats([1, 2])) } }), 'flax_model.msgpack'),
    );
    expect(size.code).toBe('CHECKPOINT_SIZE_MISMATCH');
    expect(size.message).toContain('flax_model.msgpack');
    expect(size.message).toContain('a/bias');
    const dtype = error(() =>
      readFlaxMsgpack(encode({ a: { bias: new Leaf([1], floats([1]), 'complex64') } }), 'flax_model.msgpack'),
    );
    expect(dtype.code).toBe('CHECKPOINT_UNSUPPORTED_DTYPE');
    const scalar = error(() =>
      readFlaxMsgpack(encode({ a: { bias: new Leaf([1], floats([1]), 'float32', 3) } }), 'flax_model.msgpack'),
    );
    expect(scalar.code).toBe('CHECKPOINT_INVALID_MSGPACK');
    const plain = error(() => readFlaxMsgpack(encode({ a: { bias: 'not a leaf' } }), 'flax_model.msgpack'));
    expect(plain.message).toContain('a/bias');
    const kernel = error(() =>
      readFlaxMsgpack(encode({ a: { kernel: new Leaf([2], floats([1, 2])) } }), 'flax_model.msgpack'),
    );
    expect(kernel.message).toContain('2 dimensions');
  });
});

import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { readCheckpoint } from './read-checkpoint.js';
import { readSafetensors } from './read-safetensors.js';
import { directorySource } from './sources/directory-source.js';
import { memorySource } from './sources/memory-source.js';
import { float32Bytes, torchStateDictPickle, writeZip } from './test-builders.js';
import { alignedData, firstBitDifference, fixturePath, readFixture } from './test-fixtures.js';

const reference = readSafetensors(readFixture('models/tiny/model.safetensors'), 'model.safetensors');

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('readCheckpoint', () => {
  it('reads a single safetensors file', async () => {
    const contents = await readCheckpoint(directorySource(fixturePath('models/tiny')));
    expect(contents.format).toBe('safetensors');
    expect(contents.files).toEqual(['model.safetensors']);
    expect(contents.stateDict.size).toBe(32);
  });

  it('reads sharded safetensors through weight_map, bit for bit', async () => {
    const contents = await readCheckpoint(directorySource(fixturePath('checkpoints/sharded-safetensors')));
    expect(contents.format).toBe('safetensors-sharded');
    expect(contents.files[0]).toBe('model.safetensors.index.json');
    expect([...contents.files].slice(1).sort()).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ]);
    expect([...contents.stateDict.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [key, tensor] of reference) {
      const read = contents.stateDict.get(key)!;
      expect(read.shape, key).toEqual(tensor.shape);
      expect(firstBitDifference(alignedData(read), alignedData(tensor)), key).toBe(-1);
    }
  });

  it.each([
    ['fp16-safetensors', 2 ** -11],
    ['bf16-safetensors', 2 ** -8],
  ])(
    'upcasts %s: every value is the stored half value, within half an ulp of the float32 weights',
    async (directory, relativeHalfUlp) => {
      const contents = await readCheckpoint(directorySource(fixturePath(`checkpoints/${directory}`)));
      expect(contents.stateDict.size).toBe(32);
      for (const [key, tensor] of reference) {
        const read = contents.stateDict.get(key)!;
        expect(read.shape, key).toEqual(tensor.shape);
        for (let index = 0; index < tensor.data.length; index += 1) {
          const exact = tensor.data[index]!;
          const bound = Math.max(Math.abs(exact) * relativeHalfUlp, 2 ** -25);
          if (Math.abs(read.data[index]! - exact) > bound)
            throw new Error(`${key}[${index}]: ${read.data[index]} vs ${exact}`);
        }
      }
    },
  );

  it('bf16 values are the round-to-nearest-even bfloat16 of the float32 weights', async () => {
    const contents = await readCheckpoint(directorySource(fixturePath('checkpoints/bf16-safetensors')));
    for (const [key, tensor] of reference) {
      const bits = new Uint32Array(alignedData(tensor).slice().buffer);
      const read = new Uint32Array(alignedData(contents.stateDict.get(key)!).slice().buffer);
      for (let index = 0; index < bits.length; index += 1) {
        const value = bits[index]!;
        const rounded = ((value + 0x7fff + ((value >>> 16) & 1)) >>> 16) << 16;
        expect(read[index]! >>> 0, key).toBe(rounded >>> 0);
      }
    }
  });

  it('names a missing shard and a key that is not in its shard', async () => {
    const index = JSON.stringify({ weight_map: { a: 'shard-1.safetensors', b: 'shard-2.safetensors' } });
    const shard = readFixture('checkpoints/sharded-safetensors/model-00003-of-00003.safetensors');
    const missingShard = await rejection(
      readCheckpoint(memorySource({ 'model.safetensors.index.json': index, 'shard-1.safetensors': shard })),
    );
    expect(missingShard.code).toBe('CHECKPOINT_FILE_NOT_FOUND');
    expect(missingShard.message).toContain('shard-2.safetensors');
    expect(missingShard.details.file).toBe('shard-2.safetensors');
    const missingKey = await rejection(
      readCheckpoint(
        memorySource({
          'model.safetensors.index.json': index,
          'shard-1.safetensors': shard,
          'shard-2.safetensors': shard,
        }),
      ),
    );
    expect(missingKey.code).toBe('CHECKPOINT_MISSING_TENSOR');
    expect(missingKey.message).toContain('shard-1.safetensors');
    expect(missingKey.details.key).toBe('a');
  });

  it('refuses shard names that leave the model directory', async () => {
    const index = JSON.stringify({ weight_map: { a: '../../etc/passwd' } });
    const error = await rejection(readCheckpoint(memorySource({ 'model.safetensors.index.json': index })));
    expect(error.code).toBe('CHECKPOINT_INVALID_FILE_NAME');
  });

  it('reports a directory without weights', async () => {
    const error = await rejection(readCheckpoint(memorySource({ 'config.json': '{}' }, 'some-dir')));
    expect(error.code).toBe('CHECKPOINT_NO_WEIGHTS_FILE');
    expect(error.message).toContain('some-dir');
  });

  it('reads sharded pytorch_model.bin checkpoints through pytorch_model.bin.index.json', async () => {
    const shard = (key: string, value: number) =>
      writeZip([
        {
          name: 'archive/data.pkl',
          data: torchStateDictPickle([
            { key, storageClass: 'FloatStorage', storageKey: '0', numel: 1, offset: 0, size: [1], stride: [1] },
          ]),
        },
        { name: 'archive/data/0', data: float32Bytes([value]) },
      ]);
    const contents = await readCheckpoint(
      memorySource({
        'pytorch_model.bin.index.json': JSON.stringify({
          metadata: { total_size: 8 },
          weight_map: { a: 'pytorch_model-00001-of-00002.bin', b: 'pytorch_model-00002-of-00002.bin' },
        }),
        'pytorch_model-00001-of-00002.bin': shard('a', 1),
        'pytorch_model-00002-of-00002.bin': shard('b', 2),
      }),
    );
    expect(contents.format).toBe('pytorch-sharded');
    expect(Array.from(contents.stateDict.get('a')!.data)).toEqual([1]);
    expect(Array.from(contents.stateDict.get('b')!.data)).toEqual([2]);
    expect(contents.fileOfKey.get('b')).toBe('pytorch_model-00002-of-00002.bin');
  });

  it('rejects a tensor stored in two shards and a malformed index', async () => {
    const shard = readFixture('checkpoints/sharded-safetensors/model-00003-of-00003.safetensors');
    const index = JSON.stringify({
      weight_map: { 'albert.pooler.bias': 'one.safetensors', 'albert.pooler.weight': 'two.safetensors' },
    });
    const duplicate = await rejection(
      readCheckpoint(
        memorySource({ 'model.safetensors.index.json': index, 'one.safetensors': shard, 'two.safetensors': shard }),
      ),
    );
    expect(duplicate.code).toBe('CHECKPOINT_DUPLICATE_TENSOR');
    expect(duplicate.message).toContain('two.safetensors');
    const malformed = await rejection(
      readCheckpoint(memorySource({ 'model.safetensors.index.json': '{"weight_map": [1]}' })),
    );
    expect(malformed.code).toBe('CHECKPOINT_INVALID_INDEX');
    expect(malformed.message).toContain('model.safetensors.index.json');
    const notJson = await rejection(readCheckpoint(memorySource({ 'model.safetensors.index.json': '{' })));
    expect(notJson.code).toBe('CHECKPOINT_INVALID_INDEX');
  });

  it('explains Git LFS pointers and TensorFlow-only directories', async () => {
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 47376220\n';
    const lfs = await rejection(readCheckpoint(memorySource({ 'model.safetensors': pointer }, 'clone')));
    expect(lfs.code).toBe('CHECKPOINT_LFS_POINTER');
    expect(lfs.message).toContain('model.safetensors');
    expect(lfs.message).toContain('git lfs pull');
    const tensorflow = await rejection(readCheckpoint(memorySource({ 'tf_model.h5': new Uint8Array(8) }, 'tf-only')));
    expect(tensorflow.code).toBe('CHECKPOINT_NO_WEIGHTS_FILE');
    expect(tensorflow.message).toContain('tf_model.h5');
  });
});

import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { readPytorchCheckpoint } from './read-pytorch-checkpoint.js';
import { readSafetensors } from './read-safetensors.js';
import { concatBytes, float32Bytes, torchStateDictPickle, writeZip } from './test-builders.js';
import type { PickleTensorSpec } from './test-builders.js';
import { alignedData, firstBitDifference, readFixture } from './test-fixtures.js';

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

function expectReferenceTensors(
  stateDict: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>,
): void {
  for (const [key, tensor] of reference) {
    const read = stateDict.get(key);
    expect(read, key).toBeDefined();
    expect(read!.shape, key).toEqual(tensor.shape);
    expect(firstBitDifference(alignedData(read as never), alignedData(tensor)), key).toBe(-1);
  }
}

describe('readPytorchCheckpoint', () => {
  it('reads the zip format bit for bit, with zero-copy views of the 64-byte aligned records', async () => {
    const bytes = readFixture('checkpoints/pytorch-zip/pytorch_model.bin');
    const contents = await readPytorchCheckpoint(bytes, 'pytorch_model.bin');
    expect(contents.format).toBe('pytorch-zip');
    expect(contents.stateDict.size).toBe(34);
    expect(contents.skipped).toEqual([]);
    expectReferenceTensors(contents.stateDict);
    for (const tensor of contents.stateDict.values()) expect(tensor.data.buffer).toBe(bytes.buffer);
    // Tied duplicates view the same storage.
    expect(contents.stateDict.get('predictions.decoder.weight')!.data).toEqual(
      contents.stateDict.get('albert.embeddings.word_embeddings.weight')!.data,
    );
    expect(contents.stateDict.get('predictions.decoder.weight')!.data.byteOffset).toBe(
      contents.stateDict.get('albert.embeddings.word_embeddings.weight')!.data.byteOffset,
    );
  });

  it('reads the legacy stream format bit for bit and leaves out the int64 position_ids', async () => {
    const contents = await readPytorchCheckpoint(
      readFixture('checkpoints/pytorch-legacy/pytorch_model.bin'),
      'pytorch_model.bin',
    );
    expect(contents.format).toBe('pytorch-legacy');
    expect(contents.skipped).toEqual([{ key: 'albert.embeddings.position_ids', dtype: 'torch.LongStorage' }]);
    expect(contents.stateDict.size).toBe(34);
    expectReferenceTensors(contents.stateDict);
  });

  const storage = float32Bytes([0, 1, 2, 3, 4, 5, 6, 7]);
  const tensor = (overrides: Partial<PickleTensorSpec>): PickleTensorSpec => ({
    key: 'w',
    storageClass: 'FloatStorage',
    storageKey: '0',
    numel: 8,
    offset: 0,
    size: [2, 3],
    stride: [3, 1],
    ...overrides,
  });
  const archive = (
    tensors: PickleTensorSpec[],
    options: { prefix?: string; compress?: boolean; byteorder?: string; data?: Uint8Array } = {},
  ) => {
    const prefix = options.prefix ?? 'archive';
    return writeZip([
      { name: `${prefix}/data.pkl`, data: torchStateDictPickle(tensors), compress: options.compress },
      ...(options.byteorder === undefined
        ? []
        : [{ name: `${prefix}/byteorder`, data: new TextEncoder().encode(options.byteorder) }]),
      { name: `${prefix}/data/0`, data: options.data ?? storage, compress: options.compress },
    ]);
  };

  it('finds data.pkl under any prefix, treats a missing byteorder as little-endian, honours offset and strides', async () => {
    const contents = await readPytorchCheckpoint(
      archive([
        tensor({ key: 'plain' }),
        tensor({ key: 'offset', offset: 2, size: [3], stride: [1] }),
        // The transpose of the [2, 3] matrix at offset 0: materialised row-major.
        tensor({ key: 'transposed', size: [3, 2], stride: [1, 3] }),
        tensor({ key: 'every-other', offset: 1, size: [4], stride: [2] }),
        tensor({ key: 'broadcast', size: [2, 2], stride: [0, 1] }),
        tensor({ key: 'parameter', parameter: true }),
      ]),
      'pytorch_model.bin',
    );
    const values = (key: string) => Array.from(contents.stateDict.get(key)!.data);
    expect(values('plain')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(values('offset')).toEqual([2, 3, 4]);
    expect(contents.stateDict.get('transposed')!.shape).toEqual([3, 2]);
    expect(values('transposed')).toEqual([0, 3, 1, 4, 2, 5]);
    expect(values('every-other')).toEqual([1, 3, 5, 7]);
    expect(values('broadcast')).toEqual([0, 1, 0, 1]);
    expect(values('parameter')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads big-endian storages when byteorder says big', async () => {
    const big = new Uint8Array(storage.length);
    for (let index = 0; index < storage.length; index += 4) big.set(storage.slice(index, index + 4).reverse(), index);
    const contents = await readPytorchCheckpoint(
      archive([tensor({})], { byteorder: 'big', data: big }),
      'pytorch_model.bin',
    );
    expect(Array.from(contents.stateDict.get('w')!.data)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('inflates deflate-compressed entries', async () => {
    const contents = await readPytorchCheckpoint(archive([tensor({})], { compress: true }), 'pytorch_model.bin');
    expect(Array.from(contents.stateDict.get('w')!.data)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('upcasts HalfStorage and BFloat16Storage exactly', async () => {
    const halves = new Uint8Array([0x00, 0x3c, 0x01, 0x00]); // 1.0, 2^-24
    const half = await readPytorchCheckpoint(
      archive([tensor({ storageClass: 'HalfStorage', numel: 2, size: [2], stride: [1] })], { data: halves }),
      'x.bin',
    );
    expect(Array.from(half.stateDict.get('w')!.data)).toEqual([1, 2 ** -24]);
    const brain = await readPytorchCheckpoint(
      archive([tensor({ storageClass: 'BFloat16Storage', numel: 2, size: [2], stride: [1] })], {
        data: new Uint8Array([0x80, 0x3f, 0x00, 0xc0]),
      }),
      'x.bin',
    );
    expect(Array.from(brain.stateDict.get('w')!.data)).toEqual([1, -2]);
  });

  it('rejects views past the end of their storage, wrong record sizes and several data.pkl', async () => {
    const outside = await rejection(
      readPytorchCheckpoint(archive([tensor({ offset: 4, size: [2, 3] })]), 'pytorch_model.bin'),
    );
    expect(outside.code).toBe('CHECKPOINT_OFFSETS_OUT_OF_BOUNDS');
    expect(outside.message).toContain('pytorch_model.bin');
    expect(outside.details.key).toBe('w');
    const short = await rejection(readPytorchCheckpoint(archive([tensor({ numel: 9 })]), 'pytorch_model.bin'));
    expect(short.code).toBe('CHECKPOINT_SIZE_MISMATCH');
    const two = writeZip([
      { name: 'a/data.pkl', data: torchStateDictPickle([]) },
      { name: 'b/data.pkl', data: torchStateDictPickle([]) },
    ]);
    expect((await rejection(readPytorchCheckpoint(two, 'pytorch_model.bin'))).code).toBe(
      'CHECKPOINT_INVALID_TORCH_FILE',
    );
  });

  it('rejects truncated archives and files that are not torch files', async () => {
    const bytes = readFixture('checkpoints/pytorch-zip/pytorch_model.bin');
    const truncated = await rejection(
      readPytorchCheckpoint(bytes.subarray(0, bytes.length - 100), 'pytorch_model.bin'),
    );
    expect(truncated.code).toBe('CHECKPOINT_INVALID_ZIP');
    expect(truncated.message).toContain('pytorch_model.bin');
    const legacy = readFixture('checkpoints/pytorch-legacy/pytorch_model.bin');
    const cut = await rejection(readPytorchCheckpoint(legacy.subarray(0, legacy.length - 10), 'pytorch_model.bin'));
    expect(cut.code).toBe('CHECKPOINT_TRUNCATED');
    const text = await rejection(
      readPytorchCheckpoint(
        new TextEncoder().encode('version https://git-lfs.github.com/spec/v1'),
        'pytorch_model.bin',
      ),
    );
    expect(text.code).toBe('CHECKPOINT_INVALID_TORCH_FILE');
    const notLegacy = await rejection(
      readPytorchCheckpoint(concatBytes([0x80, 0x02, 0x4b, 0x07, 0x2e]), 'pytorch_model.bin'),
    );
    expect(notLegacy.code).toBe('CHECKPOINT_INVALID_TORCH_FILE');
  });
});

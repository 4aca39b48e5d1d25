/**
 * Every checkpoint format of fixtures/checkpoints gives the AlbertForPreTraining weights of
 * fixtures/models/tiny/model.safetensors bit for bit (half precision: the exact upcast of the stored
 * values, checked against an independent decoding of the raw half bits).
 */
import { describe, expect, it } from 'vitest';
import { readSafetensors } from './read-safetensors.js';
import { loadPretrainedWeights } from './load-pretrained-weights.js';
import { directorySource } from './sources/directory-source.js';
import { alignedData, firstBitDifference, fixturePath, readFixture } from './test-fixtures.js';

const reference = readSafetensors(readFixture('models/tiny/model.safetensors'), 'model.safetensors');

/** Independent decoding of the raw half-precision values stored in a safetensors file. */
function rawHalfValues(file: string, kind: 'F16' | 'BF16'): Map<string, number[]> {
  const bytes = readFixture(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; data_offsets: [number, number] }
  >;
  const values = new Map<string, number[]>();
  for (const [key, entry] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    expect(entry.dtype).toBe(kind);
    const decoded: number[] = [];
    for (let offset = entry.data_offsets[0]; offset < entry.data_offsets[1]; offset += 2) {
      const bits = view.getUint16(8 + headerLength + offset, true);
      if (kind === 'BF16') {
        const word = new DataView(new ArrayBuffer(4));
        word.setUint32(0, bits * 65536);
        decoded.push(word.getFloat32(0));
      } else {
        const sign = bits & 0x8000 ? -1 : 1;
        const exponent = (bits >> 10) & 0x1f;
        const mantissa = bits & 0x3ff;
        decoded.push(exponent === 0 ? sign * mantissa * 2 ** -24 : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15));
      }
    }
    values.set(key, decoded);
  }
  return values;
}

describe('every checkpoint format resolves to the tiny weights', () => {
  it.each([
    ['models/tiny', 'safetensors', []],
    ['checkpoints/sharded-safetensors', 'safetensors-sharded', []],
    ['checkpoints/pytorch-zip', 'pytorch-zip', []],
    ['checkpoints/pytorch-legacy', 'pytorch-legacy', ['albert.embeddings.position_ids']],
    ['checkpoints/flax', 'flax-msgpack', []],
  ])('%s (%s): bit for bit', async (directory, format, unexpected) => {
    const loaded = await loadPretrainedWeights(directorySource(fixturePath(directory)), 'AlbertForPreTraining');
    expect(loaded.format).toBe(format);
    expect(loaded.weights.unexpectedKeys).toEqual(unexpected);
    expect([...loaded.weights.keys].sort()).toEqual([...reference.keys()].sort());
    for (const [key, tensor] of reference) {
      const read = loaded.weights.get(key);
      expect(read.shape, key).toEqual(tensor.shape);
      expect(firstBitDifference(alignedData(read), alignedData(tensor)), key).toBe(-1);
    }
    expect(loaded.weights.get('predictions.decoder.weight').data).toEqual(
      reference.get('albert.embeddings.word_embeddings.weight')!.data,
    );
  });

  it.each([
    ['fp16-safetensors', 'F16'],
    ['bf16-safetensors', 'BF16'],
  ] as const)('%s: the exact float32 upcast of every stored %s value', async (directory, kind) => {
    const loaded = await loadPretrainedWeights(
      directorySource(fixturePath(`checkpoints/${directory}`)),
      'AlbertForPreTraining',
    );
    expect(loaded.config.dtype).toBe(kind === 'F16' ? 'float16' : 'bfloat16');
    expect(loaded.weights.unexpectedKeys).toEqual([]);
    const raw = rawHalfValues(`checkpoints/${directory}/model.safetensors`, kind);
    expect([...loaded.weights.keys].sort()).toEqual([...raw.keys()].sort());
    for (const [key, values] of raw) {
      const read = loaded.weights.get(key);
      expect(read.shape, key).toEqual(reference.get(key)!.shape);
      for (let index = 0; index < values.length; index += 1) {
        if (!Object.is(read.data[index], values[index]))
          throw new Error(`${key}[${index}]: ${read.data[index]} is not the upcast ${values[index]}`);
      }
    }
  });
});

/**
 * Crafted hostile checkpoints (issue classes 2, 3, 4, 6, 11 and the safetensors / msgpack bounds):
 * each is built by code here, small on disk, and must be refused with a typed error before it can
 * make the reader allocate or spend more than the legitimate work needs.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AlbertConfig, InvalidTextError } from '@albert-ts/config';
import { CheckpointError } from './checkpoint-error.js';
import { loadPretrainedWeights } from './load-pretrained-weights.js';
import { readCheckpoint } from './read-checkpoint.js';
import { readFlaxMsgpack } from './read-flax-msgpack.js';
import { readPytorchCheckpoint } from './read-pytorch-checkpoint.js';
import { parseSafetensors } from './read-safetensors.js';
import { directorySource } from './sources/directory-source.js';
import { memorySource } from './sources/memory-source.js';
import { albertTensorFilter } from './tensor-filter.js';
import { unpickle } from './pickle/unpickler.js';
import { concatBytes, pickle, torchStateDictPickle, writeZip } from './test-builders.js';
import type { PickleTensorSpec } from './test-builders.js';
import { readFixture } from './test-fixtures.js';

const config = AlbertConfig.parse(new TextDecoder().decode(readFixture('models/tiny/config.json')), {
  file: 'config.json',
});
const filter = albertTensorFilter(config, 'AlbertForPreTraining');
const WORD_EMBEDDINGS = 'albert.embeddings.word_embeddings.weight';

async function rejection(work: () => unknown): Promise<CheckpointError> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return error;
  }
  throw new Error('expected a CheckpointError');
}

/** Runs `work`, returning its RSS growth (bytes) and wall time (ms). */
async function measured(work: () => Promise<unknown>): Promise<{ rssGrowth: number; ms: number }> {
  const rss = process.memoryUsage.rss();
  const started = performance.now();
  await work();
  return { rssGrowth: process.memoryUsage.rss() - rss, ms: performance.now() - started };
}

function tensorSpec(overrides: Partial<PickleTensorSpec>): PickleTensorSpec {
  return {
    key: WORD_EMBEDDINGS,
    storageClass: 'FloatStorage',
    storageKey: '0',
    numel: 1,
    offset: 0,
    size: [1],
    stride: [1],
    ...overrides,
  };
}

/** A torch zip checkpoint of these tensors; `records` maps storage keys to their bytes (and whether to deflate them). */
function torchZip(
  tensors: readonly PickleTensorSpec[],
  records: Record<string, { data: Uint8Array; compress?: boolean }>,
): Uint8Array {
  return writeZip([
    { name: 'archive/data.pkl', data: torchStateDictPickle(tensors) },
    ...Object.entries(records).map(([key, record]) => ({ name: `archive/data/${key}`, ...record })),
  ]);
}

/**
 * A raw deflate stream that inflates to `mebibytes` MiB of zeros, ~1 KiB per MiB: one fully flushed
 * (byte-aligned, dictionary-independent) block repeated, then an empty final block.
 */
function zeroBomb(mebibytes: number): Uint8Array {
  const block = new Uint8Array(deflateRawSync(new Uint8Array(1 << 20), { finishFlush: constants.Z_FULL_FLUSH }));
  const stream = new Uint8Array(block.length * mebibytes + 2);
  for (let index = 0; index < mebibytes; index += 1) stream.set(block, index * block.length);
  stream.set([0x03, 0x00], block.length * mebibytes);
  return stream;
}

/** Replaces the sizes of zip entry `name` (local header and central directory) with `size` (compressed data kept). */
function withDeclaredSize(zip: Uint8Array, name: string, compressedData: Uint8Array, size: number): Uint8Array {
  const encodedName = new TextEncoder().encode(name);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let offset = 0; offset + 46 < zip.length; offset += 1) {
    const signature = view.getUint32(offset, true);
    const nameOffset = signature === 0x04034b50 ? offset + 30 : signature === 0x02014b50 ? offset + 46 : -1;
    if (nameOffset < 0 || !encodedName.every((byte, index) => zip[nameOffset + index] === byte)) continue;
    const sizes = signature === 0x04034b50 ? offset + 18 : offset + 20;
    view.setUint32(sizes, compressedData.length, true);
    view.setUint32(sizes + 4, size, true);
  }
  return zip;
}

/** A stored-entry zip with its deflated storage record swapped for `stream`, declaring `declared` bytes. */
function bombZip(tensors: readonly PickleTensorSpec[], stream: Uint8Array, declared: number): Uint8Array {
  // the record is written stored with the bomb's bytes, then marked deflated with the declared size
  const recordName = 'archive/data/0';
  const zip = writeZip([
    { name: 'archive/data.pkl', data: torchStateDictPickle(tensors) },
    { name: recordName, data: stream },
  ]);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const encodedName = new TextEncoder().encode(recordName);
  for (let offset = 0; offset + 46 < zip.length; offset += 1) {
    const signature = view.getUint32(offset, true);
    const nameOffset = signature === 0x04034b50 ? offset + 30 : signature === 0x02014b50 ? offset + 46 : -1;
    if (nameOffset < 0 || !encodedName.every((byte, index) => zip[nameOffset + index] === byte)) continue;
    view.setUint16(signature === 0x04034b50 ? offset + 8 : offset + 10, 8, true); // method: deflate
  }
  return withDeclaredSize(zip, recordName, stream, declared);
}

describe('class 2: pickled tensor shapes are checked against the config and the storage before allocation', () => {
  const S = 40_000;
  const expanded = tensorSpec({ size: [S, S], stride: [0, 0] }); // S² elements from one stored float

  it('a [40000, 40000] stride-[0, 0] view of one element is refused by shape, in milliseconds', async () => {
    const zip = torchZip([expanded], { '0': { data: new Uint8Array(4) } });
    expect(zip.length).toBeLessThan(2048);
    let error: CheckpointError | undefined;
    const cost = await measured(async () => {
      error = await rejection(() => readPytorchCheckpoint(zip, 'pytorch_model.bin', { filter }));
    });
    expect(error!.code).toBe('CHECKPOINT_SHAPE_MISMATCH');
    expect(error!.message).toContain(`[${S}, ${S}]`);
    expect(cost.ms).toBeLessThan(1000);
    expect(cost.rssGrowth).toBeLessThan(64 * 2 ** 20);
  });

  it('without a config, a view expanding its storage beyond 65 536 elements is refused (CHECKPOINT_EXPANDING_VIEW)', async () => {
    const zip = torchZip([expanded], { '0': { data: new Uint8Array(4) } });
    expect((await rejection(() => readPytorchCheckpoint(zip, 'pytorch_model.bin'))).code).toBe(
      'CHECKPOINT_EXPANDING_VIEW',
    );
    const source = memorySource({ 'pytorch_model.bin': zip });
    expect((await rejection(() => readCheckpoint(source))).code).toBe('CHECKPOINT_EXPANDING_VIEW');
  });

  it('a small expansion of the right shape (as tensor.expand saves it) is still read', async () => {
    const small = tensorSpec({ size: [99, 16], stride: [0, 0] });
    const data = new Uint8Array(new Float32Array([0.5]).buffer);
    const contents = await readPytorchCheckpoint(torchZip([small], { '0': { data } }), 'pytorch_model.bin', { filter });
    const tensor = contents.stateDict.get(WORD_EMBEDDINGS)!;
    expect(tensor.shape).toEqual([99, 16]);
    expect(tensor.data.every((value) => value === 0.5)).toBe(true);
  });

  it('a storage that claims more elements than its record holds is refused from the central directory', async () => {
    const lying = tensorSpec({ numel: 2 ** 31 - 1, size: [99, 16], stride: [16, 1] });
    const error = await rejection(() =>
      readPytorchCheckpoint(torchZip([lying], { '0': { data: new Uint8Array(99 * 16 * 4) } }), 'pytorch_model.bin', {
        filter,
      }),
    );
    expect(error.code).toBe('CHECKPOINT_SIZE_MISMATCH');
  });

  it('a storage used with two element counts is refused', async () => {
    const first = tensorSpec({ numel: 1584, size: [99, 16], stride: [16, 1] });
    const second = tensorSpec({
      key: 'albert.embeddings.LayerNorm.weight',
      numel: 10_000_000,
      size: [16],
      stride: [1],
      offset: 9_000_000,
    });
    const zip = torchZip([first, second], { '0': { data: new Uint8Array(1584 * 4) } });
    expect((await rejection(() => readPytorchCheckpoint(zip, 'pytorch_model.bin', { filter }))).code).toBe(
      'CHECKPOINT_INVALID_TORCH_FILE',
    );
  });

  it('tensors the model does not use are not decoded (nor their storages read)', async () => {
    const unused = tensorSpec({ key: 'optimizer.state.huge', numel: 4, size: [4], stride: [1] });
    const contents = await readPytorchCheckpoint(
      torchZip([unused], { '0': { data: new Uint8Array(16) } }),
      'pytorch_model.bin',
      { filter },
    );
    expect(contents.stateDict.size).toBe(0);
    expect(contents.skipped).toEqual([{ key: 'optimizer.state.huge', dtype: 'torch.FloatStorage', unused: true }]);
  });
});

describe('class 3: decompression bombs inflate against the size the tensors need', () => {
  const words = tensorSpec({ numel: 99 * 16, size: [99, 16], stride: [16, 1] });

  it('a record declaring the right size but inflating to 3 GiB stops at the declared size', async () => {
    const stream = zeroBomb(3072);
    expect(stream.length).toBeLessThan(4 * 2 ** 20);
    const zip = bombZip([words], stream, 99 * 16 * 4);
    let error: CheckpointError | undefined;
    const cost = await measured(async () => {
      error = await rejection(() => readPytorchCheckpoint(zip, 'pytorch_model.bin', { filter }));
    });
    expect(error!.code).toBe('CHECKPOINT_INVALID_ZIP');
    expect(error!.message).toMatch(/more than the declared 6336 bytes/);
    expect(cost.rssGrowth).toBeLessThan(256 * 2 ** 20);
    expect(cost.ms).toBeLessThan(5000);
  });

  it('a storage honestly declaring 3 GiB for a [99, 16] tensor is refused before inflating (storage overhead)', async () => {
    const stream = zeroBomb(3072);
    // the 32-bit size field holds just under 4 GiB: declare 3 GiB - 4 bytes, 1000× the compressed size
    const hugeFitting = tensorSpec({ numel: (3072 * 2 ** 20 - 4) / 4, size: [99, 16], stride: [16, 1] });
    const fitting = bombZip([hugeFitting], stream, 3072 * 2 ** 20 - 4);
    const cost = await measured(async () => {
      const error = await rejection(() => readPytorchCheckpoint(fitting, 'pytorch_model.bin', { filter }));
      expect(error.code).toBe('CHECKPOINT_LIMIT_EXCEEDED');
      expect(error.details['limit']).toBe('storageOverhead');
    });
    expect(cost.ms).toBeLessThan(1000);
    expect(cost.rssGrowth).toBeLessThan(64 * 2 ** 20);
  });

  it('a 1 GiB deflated storage the model does not use is never inflated', async () => {
    const unused = tensorSpec({ key: 'optimizer.exp_avg', numel: 2 ** 28, size: [2 ** 28], stride: [1] });
    const zip = bombZip([unused], zeroBomb(1024), 2 ** 30);
    const cost = await measured(async () => {
      const contents = await readPytorchCheckpoint(zip, 'pytorch_model.bin', { filter });
      expect(contents.skipped).toEqual([{ key: 'optimizer.exp_avg', dtype: 'torch.FloatStorage', unused: true }]);
    });
    expect(cost.ms).toBeLessThan(1000);
    expect(cost.rssGrowth).toBeLessThan(64 * 2 ** 20);
  });

  it('without a config, more than maximumInflatedBytes of storages are refused before inflating', async () => {
    const stream = zeroBomb(64);
    const big = tensorSpec({ numel: (64 * 2 ** 20) / 4, size: [16], stride: [1] });
    const zip = bombZip([big], stream, 64 * 2 ** 20);
    const error = await rejection(() =>
      readPytorchCheckpoint(zip, 'pytorch_model.bin', { limits: { maximumInflatedBytes: 2 ** 20 } }),
    );
    expect(error.code).toBe('CHECKPOINT_LIMIT_EXCEEDED');
    expect(error.message).toContain('checkpointLimits');
  });

  it('a data.pkl record larger than maximumPickleBytes is refused before inflating', async () => {
    const zip = withDeclaredSize(
      torchZip([words], { '0': { data: new Uint8Array(99 * 16 * 4) } }),
      'archive/data.pkl',
      torchStateDictPickle([words]),
      0x7fffffff,
    );
    const error = await rejection(() => readPytorchCheckpoint(zip, 'pytorch_model.bin', { filter }));
    expect(['CHECKPOINT_LIMIT_EXCEEDED', 'CHECKPOINT_INVALID_ZIP']).toContain(error.code);
  });
});

describe('class 4: the config is checked against the checkpoint before building anything large', () => {
  it('num_labels that disagrees with the classifier rows is refused by shape before decoding', async () => {
    const classifier = config.with({ architectures: ['AlbertForSequenceClassification'], numLabels: 100_000 });
    const source = memorySource({
      'model.safetensors': readFixture('models/tiny/AlbertForSequenceClassification/model.safetensors'),
    });
    const error = await rejection(() =>
      loadPretrainedWeights(source, 'AlbertForSequenceClassification', { config: classifier }),
    );
    expect(error.code).toBe('CHECKPOINT_SHAPE_MISMATCH');
    expect(error.details['key']).toMatch(/^classifier\.(weight|bias)$/);
  });

  it('more groups or inner layers than the file holds: a missing tensor naming the group', async () => {
    const grouped = config.with({ numHiddenLayers: 4, numHiddenGroups: 4, innerGroupNum: 2 });
    const source = memorySource({ 'model.safetensors': readFixture('models/tiny/model.safetensors') });
    const error = await rejection(() => loadPretrainedWeights(source, 'AlbertForPreTraining', { config: grouped }));
    expect(error.code).toBe('CHECKPOINT_MISSING_TENSOR');
    expect(error.message).toMatch(/albert_layer_groups\.0\.albert_layers\.1/);
  });
});

describe('sharded checkpoints: a shard holding no tensor the model uses is never read', () => {
  it('an extra shard of unused keys is skipped (its bytes, here not even safetensors, are not read)', async () => {
    const directory = 'checkpoints/sharded-safetensors';
    const shards = [
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ];
    const index = JSON.parse(new TextDecoder().decode(readFixture(`${directory}/model.safetensors.index.json`))) as {
      weight_map: Record<string, string>;
    };
    index.weight_map['optimizer.state.exp_avg'] = 'optimizer.safetensors';
    let reads = 0;
    const base = memorySource({
      ...Object.fromEntries(shards.map((name) => [name, readFixture(`${directory}/${name}`)])),
      'config.json': readFixture(`${directory}/config.json`),
      'model.safetensors.index.json': JSON.stringify(index),
      'optimizer.safetensors': new TextEncoder().encode('not a safetensors file'),
    });
    const source = {
      ...base,
      read: async (name: string) => ((reads += name === 'optimizer.safetensors' ? 1 : 0), base.read(name)),
    };
    const loaded = await loadPretrainedWeights(source);
    expect(reads).toBe(0);
    expect(loaded.weights.unexpectedKeys).toContain('optimizer.state.exp_avg');
  });
});

describe('sharded checkpoints: the index is checked against the config before any shard is touched', () => {
  const directory = 'checkpoints/sharded-safetensors';
  const shards = [
    'model-00001-of-00003.safetensors',
    'model-00002-of-00003.safetensors',
    'model-00003-of-00003.safetensors',
  ];
  const fixtureIndex = (): { weight_map: Record<string, string> } =>
    JSON.parse(new TextDecoder().decode(readFixture(`${directory}/model.safetensors.index.json`))) as {
      weight_map: Record<string, string>;
    };
  /** A source whose shards are counted when looked up or read. */
  const countingSource = (index: unknown) => {
    const touched: string[] = [];
    const base = memorySource({
      ...Object.fromEntries(shards.map((name) => [name, readFixture(`${directory}/${name}`)])),
      'config.json': readFixture(`${directory}/config.json`),
      'model.safetensors.index.json': JSON.stringify(index),
    });
    const source = {
      ...base,
      has: async (name: string) => (
        name !== 'model.safetensors' && name.endsWith('.safetensors') && touched.push(name),
        base.has(name)
      ),
      read: async (name: string) => (
        name !== 'model.safetensors' && name.endsWith('.safetensors') && touched.push(name),
        base.read(name)
      ),
    };
    return { source, touched };
  };

  it('a tensor the config needs that no shard lists is CHECKPOINT_MISSING_TENSOR, before any shard is looked up', async () => {
    const index = fixtureIndex();
    const [needed] = Object.keys(index.weight_map).filter((key) => key.includes('word_embeddings'));
    delete index.weight_map[needed!];
    const { source, touched } = countingSource(index);
    const error = await rejection(() => loadPretrainedWeights(source));
    expect(error.code).toBe('CHECKPOINT_MISSING_TENSOR');
    expect(error.details.key).toBe(needed);
    expect(error.details.file).toBe('model.safetensors.index.json');
    expect(touched).toEqual([]);
  });

  it('head weights that initializeMissingHead will create are not required by the index check', async () => {
    const { source, touched } = countingSource(fixtureIndex());
    const loaded = await loadPretrainedWeights(source, 'AlbertForTokenClassification', { initializeMissingHead: true });
    expect(loaded.weights.newlyInitializedKeys).toEqual(
      expect.arrayContaining(['classifier.weight', 'classifier.bias']),
    );
    // without it, the classifier is reported from the index alone
    touched.length = 0;
    const error = await rejection(() => loadPretrainedWeights(source, 'AlbertForTokenClassification'));
    expect(error).toMatchObject({
      code: 'CHECKPOINT_MISSING_TENSOR',
      details: { file: 'model.safetensors.index.json', key: 'classifier.weight' },
    });
    expect(touched).toEqual([]);
  });

  it('a weight_map of 100 000 entries is CHECKPOINT_LIMIT_EXCEEDED before any shard is looked up', async () => {
    const index = fixtureIndex();
    for (let entry = 0; entry < 100_000; entry += 1) index.weight_map[`unused.${entry}`] = `shard-${entry}.safetensors`;
    const { source, touched } = countingSource(index);
    const error = await rejection(() => loadPretrainedWeights(source));
    expect(error.code).toBe('CHECKPOINT_LIMIT_EXCEEDED');
    expect(error.details).toMatchObject({ limit: 'maximumIndexEntries', file: 'model.safetensors.index.json' });
    expect(touched).toEqual([]);
    // the limit is raised like the others (then the 100 000 missing shards are reported, not read)
    const raised = await rejection(() =>
      loadPretrainedWeights(source, undefined, { checkpointLimits: { maximumIndexEntries: 200_000 } }),
    );
    expect(raised.code).toBe('CHECKPOINT_FILE_NOT_FOUND');
  });
});

describe('class 6: malformed pickles are refused in linear time', () => {
  const run = (bytes: number[] | Uint8Array) =>
    unpickle(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes), {
      file: 'data.pkl',
      allowedGlobals: new Map(),
    });

  it('APPENDS with 200 000 items builds the list (no call-stack overflow)', () => {
    const items: number[] = [];
    for (let index = 0; index < 200_000; index += 1) items.push(...pickle.int(index % 256));
    const { value } = run([
      ...pickle.proto(2),
      ...pickle.emptyList(),
      ...pickle.mark(),
      ...items,
      ...pickle.appends(),
      ...pickle.stop(),
    ]);
    expect((value as number[]).length).toBe(200_000);
  });

  it('UNICODE with \\UFFFFFFFF is a typed error', () => {
    const text = new TextEncoder().encode('V\\UFFFFFFFF\n.');
    const error = (() => {
      try {
        run(text);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).code).toBe('CHECKPOINT_INVALID_PICKLE');
  });

  it('a 1 MB LONG4 decodes in linear time; a longer one is refused', () => {
    const length = 1_000_000;
    const long4 = new Uint8Array(1 + 4 + length + 1);
    const view = new DataView(long4.buffer);
    long4[0] = 0x8b;
    view.setInt32(1, length, true);
    long4.fill(0x11, 5, 5 + length);
    long4[5 + length] = 0x2e;
    const started = performance.now();
    const { value } = run(long4);
    expect(typeof value).toBe('bigint');
    expect(performance.now() - started).toBeLessThan(2000);
    const tooLong = new Uint8Array(1 + 4 + 2 ** 21 + 1);
    tooLong[0] = 0x8b;
    new DataView(tooLong.buffer).setInt32(1, 2 ** 21, true);
    tooLong[tooLong.length - 1] = 0x2e;
    expect(() => run(tooLong)).toThrow(CheckpointError);
  });

  it('a text INT of 100 000 digits is refused (Python refuses more than 4300 too)', () => {
    expect(() => run(new TextEncoder().encode(`I${'9'.repeat(100_000)}\n.`))).toThrow(/4300/);
  });

  it('a ZIP64 extra field shorter than its 64-bit values is a typed error, not a DataView RangeError', async () => {
    const words = tensorSpec({ numel: 4, size: [4], stride: [1] });
    const zip = torchZip([words], { '0': { data: new Uint8Array(16) } });
    // mark the record's sizes as ZIP64 (0xffffffff) and give it a 4-byte ZIP64 extra field at the end of the directory
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const name = new TextEncoder().encode('archive/data/0');
    let central = -1;
    for (let offset = 0; offset + 46 < zip.length; offset += 1) {
      if (view.getUint32(offset, true) === 0x02014b50 && name.every((byte, index) => zip[offset + 46 + index] === byte))
        central = offset;
    }
    expect(central).toBeGreaterThan(0);
    const extra = Uint8Array.from([0x01, 0x00, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff]);
    const before = zip.subarray(0, central + 46 + name.length);
    const after = zip.subarray(central + 46 + name.length);
    const patched = concatBytes(before, extra, after);
    const patchedView = new DataView(patched.buffer);
    patchedView.setUint32(central + 20, 0xffffffff, true);
    patchedView.setUint32(central + 24, 0xffffffff, true);
    patchedView.setUint16(central + 30, extra.length, true);
    // the end-of-central-directory record: directory size grew by the extra field
    const end = patched.length - 22;
    patchedView.setUint32(end + 12, patchedView.getUint32(end + 12, true) + extra.length, true);
    const error = await rejection(() => readPytorchCheckpoint(patched, 'pytorch_model.bin'));
    expect(error.code).toBe('CHECKPOINT_INVALID_ZIP');
    expect(error.message).toMatch(/ZIP64 extra field/);
  });
});

describe('safetensors and Flax msgpack: header, offsets, shape and dtype checked before allocation', () => {
  const header = (entries: Record<string, unknown>, extra = 0): Uint8Array => {
    const json = new TextEncoder().encode(JSON.stringify(entries));
    const bytes = new Uint8Array(8 + json.length + extra);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    return bytes;
  };

  it('a header longer than maximumHeaderBytes is refused before it is decoded', () => {
    const bytes = new Uint8Array(8 + 1024);
    new DataView(bytes.buffer).setBigUint64(0, 1024n, true);
    const error = (() => {
      try {
        parseSafetensors(bytes, 'model.safetensors', { limits: { maximumHeaderBytes: 512 } });
      } catch (caught) {
        return caught as CheckpointError;
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('CHECKPOINT_LIMIT_EXCEEDED');
    expect(error.message).toMatch(/maximumHeaderBytes/);
  });

  it('a shape whose size is not a safe integer, or disagrees with the offsets, is refused', () => {
    const huge = header({
      [WORD_EMBEDDINGS]: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 0] },
    });
    expect(() => parseSafetensors(huge, 'model.safetensors')).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_SIZE_MISMATCH' }),
    );
  });

  it('a tensor of another shape than the config is refused before it is decoded', () => {
    const bytes = header(
      { [WORD_EMBEDDINGS]: { dtype: 'F16', shape: [99, 17], data_offsets: [0, 99 * 17 * 2] } },
      99 * 17 * 2,
    );
    expect(() => parseSafetensors(bytes, 'model.safetensors', { filter })).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_SHAPE_MISMATCH' }),
    );
  });

  it('a Flax kernel of another shape than the config is refused before it is transposed', () => {
    const flaxConfig = AlbertConfig.parse(new TextDecoder().decode(readFixture('checkpoints/flax/config.json')), {
      file: 'config.json',
    });
    const wrong = albertTensorFilter(flaxConfig.with({ hiddenSize: 72, numAttentionHeads: 6 }), 'AlbertForPreTraining');
    expect(() =>
      readFlaxMsgpack(readFixture('checkpoints/flax/flax_model.msgpack'), 'flax_model.msgpack', { filter: wrong }),
    ).toThrow(expect.objectContaining({ code: 'CHECKPOINT_SHAPE_MISMATCH' }));
  });

  it('msgpack nested deeper than 64 levels is a typed error', () => {
    const deep = new Uint8Array(100_000).fill(0x91); // fixarray of one element, nested
    expect(() => readFlaxMsgpack(deep, 'flax_model.msgpack')).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_INVALID_MSGPACK' }),
    );
  });

  it('limits are strict: an unknown limit or a bad value is a typed error', async () => {
    const source = memorySource({ 'model.safetensors': readFixture('models/tiny/model.safetensors') });
    expect((await rejection(() => readCheckpoint(source, { limits: { maximumHeaderByte: 1 } as never }))).code).toBe(
      'CHECKPOINT_INVALID_LIMITS',
    );
    expect((await rejection(() => readCheckpoint(source, { limits: { maximumHeaderBytes: -1 } }))).code).toBe(
      'CHECKPOINT_INVALID_LIMITS',
    );
    await expect(readCheckpoint(source, { limit: {} } as never)).rejects.toThrow(
      expect.objectContaining({
        code: 'OPTIONS_UNKNOWN_KEY',
        message: expect.stringMatching(/limit is spelled limits/),
      }),
    );
    await expect(loadPretrainedWeights(source, 'AlbertModel', { checkpointLimit: {} } as never)).rejects.toThrow(
      expect.objectContaining({
        code: 'OPTIONS_UNKNOWN_KEY',
        message: expect.stringMatching(/checkpointLimit is spelled checkpointLimits/),
      }),
    );
  });
});

describe('class 11: a shard linking outside the model directory is refused without reading it', () => {
  const root = mkdtempSync(join(tmpdir(), 'albert-ts-links-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses the link (CHECKPOINT_OUTSIDE_SOURCE) and never shows its bytes', async () => {
    const model = join(root, 'model');
    mkdirSync(model);
    const secret = join(root, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET-CONTENT-1234567890');
    writeFileSync(join(model, 'config.json'), new TextDecoder().decode(readFixture('models/tiny/config.json')));
    symlinkSync(secret, join(model, 'model.safetensors'));
    const error = await rejection(() => loadPretrainedWeights(directorySource(model)));
    expect(error.code).toBe('CHECKPOINT_OUTSIDE_SOURCE');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/TOP-SECRET|1234567890/);
  });

  it('allows the links of a Hugging Face cache snapshot into its blobs/', async () => {
    const repository = join(root, 'models--org--tiny');
    mkdirSync(join(repository, 'blobs'), { recursive: true });
    mkdirSync(join(repository, 'snapshots', 'abc'), { recursive: true });
    writeFileSync(join(repository, 'blobs', 'weights'), readFixture('models/tiny/model.safetensors'));
    writeFileSync(join(repository, 'blobs', 'config'), readFixture('models/tiny/config.json'));
    symlinkSync('../../blobs/weights', join(repository, 'snapshots', 'abc', 'model.safetensors'));
    symlinkSync('../../blobs/config', join(repository, 'snapshots', 'abc', 'config.json'));
    const loaded = await loadPretrainedWeights(directorySource(join(repository, 'snapshots', 'abc')));
    expect(loaded.weights.keys.length).toBeGreaterThan(20);
  });

  it('decodes text files the same way everywhere: BOM dropped, invalid UTF-8 a typed error', async () => {
    const text = new TextDecoder().decode(readFixture('models/tiny/config.json'));
    const withBom = memorySource({ 'config.json': concatBytes([0xef, 0xbb, 0xbf], new TextEncoder().encode(text)) });
    expect(JSON.parse(await withBom.readText('config.json'))).toEqual(JSON.parse(text));
    const invalid = memorySource({ 'config.json': Uint8Array.from([0x7b, 0xff, 0x7d]) });
    // the one rule lives in @albert-ts/config (shared with the tokenizer and the CLI): an InvalidTextError naming the file
    const error = await invalid.readText('config.json').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InvalidTextError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_INVALID_TEXT', details: { file: 'config.json' } });
  });
});

import { createTensor, shapeSize } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import { CheckpointError } from './checkpoint-error.js';
import { limitExceeded, resolveCheckpointLimits } from './checkpoint-limits.js';
import type { CheckpointLimits } from './checkpoint-limits.js';
import { bfloat16ToFloat32, float16ToFloat32, float32FromBytes } from './half-precision.js';
import { isPickledTensor, torchAllowedGlobals, torchStorageFromPersistentId } from './pickle/torch-globals.js';
import type { PickledTensor, TorchStorageReference } from './pickle/torch-globals.js';
import type { PickleValue } from './pickle/pickle-value.js';
import { unpickle } from './pickle/unpickler.js';
import type { CheckpointReadOptions, SkippedTensor } from './read-safetensors.js';
import type { StateDict } from './state-dict.js';
import { looksLikeZip, openZipArchive } from './zip/zip-archive.js';
import type { ZipArchive } from './zip/zip-archive.js';

/** Result of {@link readPytorchCheckpoint}. */
export interface PytorchCheckpointContents {
  /** Float tensors as float32, keyed as stored. */
  readonly stateDict: StateDict;
  /** Integer tensors (e.g. `position_ids`), validated and left out of the state dict. */
  readonly skipped: readonly SkippedTensor[];
  /** Which torch serialization the file uses. */
  readonly format: 'pytorch-zip' | 'pytorch-legacy';
}

/** The magic number that starts a legacy torch stream (its first pickle). */
const LEGACY_MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL_VERSION = 1001;

function invalidFile(file: string, message: string, details: Record<string, unknown> = {}): never {
  throw new CheckpointError('CHECKPOINT_INVALID_TORCH_FILE', `${file}: ${message}`, { file, ...details });
}

/** Copies the elements a strided view selects into row-major order (element bytes kept as they are). */
function gatherStrided(
  storage: Uint8Array,
  elementSize: number,
  offset: number,
  size: readonly number[],
  stride: readonly number[],
): Uint8Array {
  const count = shapeSize(size);
  const output = new Uint8Array(count * elementSize);
  const index = new Array<number>(size.length).fill(0);
  let source = offset;
  for (let element = 0; element < count; element += 1) {
    const from = source * elementSize;
    const to = element * elementSize;
    for (let byte = 0; byte < elementSize; byte += 1) output[to + byte] = storage[from + byte]!;
    // Advance the multi-index (last dimension fastest) and the source position with it.
    for (let dimension = size.length - 1; dimension >= 0; dimension -= 1) {
      index[dimension]! += 1;
      source += stride[dimension]!;
      if (index[dimension]! < size[dimension]!) break;
      source -= stride[dimension]! * size[dimension]!;
      index[dimension] = 0;
    }
  }
  return output;
}

function isRowMajor(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let dimension = size.length - 1; dimension >= 0; dimension -= 1) {
    if (size[dimension]! !== 1 && stride[dimension]! !== expected) return false;
    expected *= size[dimension]!;
  }
  return true;
}

function swapBytes(bytes: Uint8Array, elementSize: number): Uint8Array {
  const output = new Uint8Array(bytes.length);
  for (let start = 0; start < bytes.length; start += elementSize) {
    for (let byte = 0; byte < elementSize; byte += 1) output[start + byte] = bytes[start + elementSize - 1 - byte]!;
  }
  return output;
}

const FLOAT_KINDS: ReadonlySet<string> = new Set(['float32', 'float16', 'bfloat16', 'float64']);

/**
 * Checks, without allocating, that a pickled tensor's view stays inside its storage and does not
 * expand a small storage into a large tensor (zero or overlapping strides).
 */
function checkView(tensor: PickledTensor, file: string, key: string, limits: CheckpointLimits): void {
  const { storage, size, stride } = tensor;
  const count = shapeSize(size);
  const offset = storage.viewOffset + tensor.storageOffset;
  if (!Number.isSafeInteger(count)) {
    throw new CheckpointError(
      'CHECKPOINT_SIZE_MISMATCH',
      `${file}: tensor ${key} has size [${size.join(', ')}], too many elements`,
      {
        file,
        key,
        actual: [...size],
      },
    );
  }
  if (count === 0) return;
  let last = offset;
  for (let dimension = 0; dimension < size.length; dimension += 1) last += (size[dimension]! - 1) * stride[dimension]!;
  if (!Number.isSafeInteger(last) || last >= storage.elementCount) {
    throw new CheckpointError(
      'CHECKPOINT_OFFSETS_OUT_OF_BOUNDS',
      `${file}: tensor ${key} (size [${size.join(', ')}], stride [${stride.join(', ')}], offset ${offset}) reaches element ${last} of storage ${storage.key}, which has ${storage.elementCount}`,
      { file, key, expected: storage.elementCount, actual: last + 1 },
    );
  }
  // A view can only select more elements than its storage holds through zero or overlapping strides.
  if (count > storage.elementCount - offset && count > limits.maximumExpandedElements) {
    throw new CheckpointError(
      'CHECKPOINT_EXPANDING_VIEW',
      `${file}: tensor ${key} (size [${size.join(', ')}], stride [${stride.join(', ')}]) expands ${storage.elementCount} stored elements into ${count} (zero or overlapping strides); refusing views larger than ${limits.maximumExpandedElements} elements that expand their storage`,
      { file, key, expected: `<= ${limits.maximumExpandedElements}`, actual: count, limit: 'maximumExpandedElements' },
    );
  }
}

/**
 * Turns a checked float tensor into a float32 {@link Tensor}. Row-major float32 views of aligned
 * little-endian data are zero-copy; anything else is materialised row-major once.
 */
function materializeTensor(tensor: PickledTensor, storageBytes: Uint8Array, littleEndian: boolean): Tensor<'float32'> {
  const { storage, size, stride } = tensor;
  const { elementSize, kind } = storage.type;
  const count = shapeSize(size);
  const offset = storage.viewOffset + tensor.storageOffset;
  let bytes: Uint8Array;
  if (isRowMajor(size, stride)) bytes = storageBytes.subarray(offset * elementSize, (offset + count) * elementSize);
  else bytes = gatherStrided(storageBytes, elementSize, offset, size, stride);
  if (!littleEndian && elementSize > 1) bytes = swapBytes(bytes, elementSize);
  switch (kind) {
    case 'float32':
      return createTensor('float32', size, float32FromBytes(bytes, count).data);
    case 'float16':
      return createTensor('float32', size, float16ToFloat32(bytes, count));
    case 'bfloat16':
      return createTensor('float32', size, bfloat16ToFloat32(bytes, count));
    default: {
      // float64: rounded to float32, as load_state_dict does when it copies into a float32 model.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const data = new Float32Array(count);
      for (let index = 0; index < count; index += 1) data[index] = view.getFloat64(8 * index, true);
      return createTensor('float32', size, data);
    }
  }
}

/**
 * Which tensors are decoded (their views checked against their storages), and which are set aside:
 * integer tensors and those the filter leaves out, never read.
 */
interface TensorSelection {
  readonly decoded: [string, PickledTensor][];
  readonly skipped: SkippedTensor[];
}

function selectTensors(
  entries: readonly [string, PickledTensor][],
  file: string,
  options: CheckpointReadOptions,
  limits: CheckpointLimits,
): TensorSelection {
  const decoded: [string, PickledTensor][] = [];
  const skipped: SkippedTensor[] = [];
  for (const [key, tensor] of entries) {
    const dtype = `torch.${tensor.storage.type.className}`;
    // the shape against the config first (the clearest error), then the view against its storage
    if (!FLOAT_KINDS.has(tensor.storage.type.kind)) skipped.push({ key, dtype });
    else if (options.filter !== undefined && !options.filter.admit(key, tensor.size, file))
      skipped.push({ key, dtype, unused: true });
    else {
      checkView(tensor, file, key, limits);
      decoded.push([key, tensor]);
    }
  }
  return { decoded, skipped };
}

/** Unpickles a state dict with the torch allow-list, collecting the storages it references. */
function unpickleStateDict(
  bytes: Uint8Array,
  file: string,
  offset: number,
): { entries: [string, PickledTensor][]; storages: Map<string, TorchStorageReference>; end: number } {
  const storages = new Map<string, TorchStorageReference>();
  const { value, end } = unpickle(bytes, {
    file,
    offset,
    allowedGlobals: torchAllowedGlobals(file),
    persistentLoad(pid) {
      const storage = torchStorageFromPersistentId(pid, file);
      const known = storages.get(storage.key);
      if (known !== undefined) {
        if (known.type.className !== storage.type.className) {
          invalidFile(
            file,
            `storage ${storage.key} is used as ${known.type.className} and as ${storage.type.className}`,
            { key: storage.key },
          );
        }
        if (known.elementCount !== storage.elementCount) {
          invalidFile(
            file,
            `storage ${storage.key} is declared with ${known.elementCount} and with ${storage.elementCount} elements`,
            { key: storage.key },
          );
        }
        return storage.viewOffset === 0 ? known : storage;
      }
      storages.set(storage.key, storage);
      return storage;
    },
  });
  if (!(value instanceof Map)) invalidFile(file, 'the pickle does not hold a state dict (a dict of tensors)');
  const entries: [string, PickledTensor][] = [];
  for (const [key, tensor] of value as Map<PickleValue, PickleValue>) {
    if (typeof key !== 'string') invalidFile(file, `state dict key ${String(key)} is not a string`);
    if (!isPickledTensor(tensor)) invalidFile(file, `state dict entry ${key as string} is not a tensor`, { key });
    entries.push([key as string, tensor as PickledTensor]);
  }
  return { entries, storages, end };
}

function buildStateDict(
  selection: TensorSelection,
  storageBytes: (storage: TorchStorageReference) => Uint8Array,
  littleEndian: boolean,
): { stateDict: StateDict; skipped: SkippedTensor[] } {
  const stateDict = new Map<string, Tensor<'float32'>>();
  for (const [key, tensor] of selection.decoded)
    stateDict.set(key, materializeTensor(tensor, storageBytes(tensor.storage), littleEndian));
  return { stateDict, skipped: selection.skipped };
}

/** Reads a small record (e.g. `byteorder`) after checking its declared size. */
async function readSmallRecord(archive: ZipArchive, name: string, file: string, maximum: number): Promise<Uint8Array> {
  const entry = archive.entries.get(name)!;
  if (entry.uncompressedSize > maximum)
    invalidFile(file, `record ${name} declares ${entry.uncompressedSize} bytes, more than the ${maximum} it can hold`, {
      key: name,
    });
  return archive.read(name);
}

async function readZipCheckpoint(
  bytes: Uint8Array,
  file: string,
  options: CheckpointReadOptions,
): Promise<PytorchCheckpointContents> {
  const limits = resolveCheckpointLimits(options.limits);
  const archive = openZipArchive(bytes, file);
  const pickles = [...archive.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    invalidFile(
      file,
      `a torch zip archive has exactly one <prefix>/data.pkl record; found ${pickles.length === 0 ? 'none' : pickles.join(', ')}`,
    );
  }
  const prefix = pickles[0]!.slice(0, -'data.pkl'.length);
  let littleEndian = true;
  if (archive.entries.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(await readSmallRecord(archive, `${prefix}byteorder`, file, 16)).trim();
    if (order !== 'little' && order !== 'big')
      invalidFile(file, `record ${prefix}byteorder says ${JSON.stringify(order)}`, { key: `${prefix}byteorder` });
    littleEndian = order === 'little';
  }
  const pickleEntry = archive.entries.get(pickles[0]!)!;
  if (pickleEntry.uncompressedSize > limits.maximumPickleBytes) {
    limitExceeded(
      file,
      'maximumPickleBytes',
      `record ${pickles[0]!} size`,
      pickleEntry.uncompressedSize,
      limits.maximumPickleBytes,
      pickles[0]!,
    );
  }
  const { entries, storages } = unpickleStateDict(await archive.read(pickles[0]!), file, 0);
  // Every storage record must exist with the size its storage declares (checked on the central
  // directory, nothing inflated); only the storages of decoded tensors are read.
  const recordOf = (storage: TorchStorageReference): string => `${prefix}data/${storage.key}`;
  for (const storage of storages.values()) {
    const record = recordOf(storage);
    const entry = archive.entries.get(record);
    if (entry === undefined) invalidFile(file, `storage ${storage.key} has no record ${record}`, { key: record });
    const expected = storage.elementCount * storage.type.elementSize;
    if (entry!.uncompressedSize !== expected) {
      throw new CheckpointError(
        'CHECKPOINT_SIZE_MISMATCH',
        `${file}: record ${record} has ${entry!.uncompressedSize} bytes but its ${storage.type.className} of ${storage.elementCount} elements needs ${expected}`,
        { file, key: record, expected, actual: entry!.uncompressedSize },
      );
    }
  }
  const selection = selectTensors(entries, file, options, limits);
  const needed = new Map<string, TorchStorageReference>();
  let tensorBytes = 0;
  for (const [, tensor] of selection.decoded) {
    needed.set(tensor.storage.key, storages.get(tensor.storage.key) ?? tensor.storage);
    tensorBytes += shapeSize(tensor.size) * tensor.storage.type.elementSize;
  }
  let storageBytes = 0;
  for (const storage of needed.values()) storageBytes += storage.elementCount * storage.type.elementSize;
  if (options.filter !== undefined) {
    const maximum = Math.ceil(limits.storageOverhead * tensorBytes) + 65_536;
    if (storageBytes > maximum) {
      limitExceeded(
        file,
        'storageOverhead',
        `the storages of the model's tensors hold ${storageBytes} bytes for ${tensorBytes} bytes of tensors, which`,
        storageBytes,
        maximum,
      );
    }
  } else if (storageBytes > limits.maximumInflatedBytes) {
    limitExceeded(
      file,
      'maximumInflatedBytes',
      'the storages hold more bytes than allowed without a config',
      storageBytes,
      limits.maximumInflatedBytes,
    );
  }
  const data = new Map<string, Uint8Array>();
  for (const storage of needed.values()) data.set(storage.key, await archive.read(recordOf(storage)));
  return { ...buildStateDict(selection, (storage) => data.get(storage.key)!, littleEndian), format: 'pytorch-zip' };
}

function readLegacyCheckpoint(
  bytes: Uint8Array,
  file: string,
  options: CheckpointReadOptions,
): PytorchCheckpointContents {
  const limits = resolveCheckpointLimits(options.limits);
  // The preamble pickles may use no global and no persistent id at all.
  const plain = (offset: number) => unpickle(bytes, { file, offset, allowedGlobals: new Map() });
  const magic = plain(0);
  if (magic.value !== LEGACY_MAGIC_NUMBER)
    invalidFile(file, 'not a torch file: neither a zip archive nor a legacy stream (wrong magic number)');
  const protocol = plain(magic.end);
  if (protocol.value !== LEGACY_PROTOCOL_VERSION)
    invalidFile(file, `unsupported legacy protocol version ${String(protocol.value)}`, { actual: protocol.value });
  // sys_info records the writer's native byte order, but torch writes legacy storages (and their
  // element counts) little-endian on every machine, so it does not change how they are read.
  const systemInfo = plain(protocol.end);
  const littleEndian = true;
  const { entries, storages, end } = unpickleStateDict(bytes, file, systemInfo.end);
  const keyList = plain(end);
  if (!Array.isArray(keyList.value) || !keyList.value.every((key) => typeof key === 'string'))
    invalidFile(file, 'the storage key list is not a list of strings');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, Uint8Array>();
  let position = keyList.end;
  for (const key of keyList.value as string[]) {
    const storage = storages.get(key);
    if (storage === undefined) invalidFile(file, `storage ${key} is listed but no tensor uses it`, { key });
    if (data.has(key)) invalidFile(file, `storage ${key} is listed twice`, { key });
    if (position + 8 > bytes.length) {
      throw new CheckpointError('CHECKPOINT_TRUNCATED', `${file}: file is truncated before storage ${key}`, {
        file,
        key,
      });
    }
    const count = view.getBigInt64(position, littleEndian);
    if (count !== BigInt(storage!.elementCount)) {
      invalidFile(file, `storage ${key} holds ${count} elements but the pickle says ${storage!.elementCount}`, {
        key,
        expected: storage!.elementCount,
        actual: count.toString(),
      });
    }
    const length = storage!.elementCount * storage!.type.elementSize;
    const start = position + 8;
    if (start + length > bytes.length) {
      throw new CheckpointError(
        'CHECKPOINT_TRUNCATED',
        `${file}: file is truncated inside storage ${key} (${length} bytes needed at byte ${start}, the file has ${bytes.length})`,
        {
          file,
          key,
          expected: start + length,
          actual: bytes.length,
        },
      );
    }
    data.set(key, bytes.subarray(start, start + length));
    position = start + length;
  }
  for (const key of storages.keys())
    if (!data.has(key)) invalidFile(file, `storage ${key} is used by a tensor but has no data`, { key });
  if (position !== bytes.length)
    invalidFile(file, `${bytes.length - position} unexpected bytes after the last storage`);
  const selection = selectTensors(entries, file, options, limits);
  return { ...buildStateDict(selection, (storage) => data.get(storage.key)!, littleEndian), format: 'pytorch-legacy' };
}

/**
 * Reads a `pytorch_model.bin`: the zip format of torch ≥ 1.6 (any record prefix, stored or deflate
 * entries) or the legacy stream of pickles. Pickles go through a restricted unpickler that builds
 * only tensors, storages, dicts and plain containers from an allow-list of globals and executes
 * nothing. Strided views are materialised row-major; F16/BF16 are upcast exactly; integer tensors
 * (e.g. `position_ids`) are listed in `skipped`.
 *
 * Every view is checked against its storage, and (with `options.filter`) every float tensor's shape
 * against the config, before anything is inflated or allocated; only the storages of decoded tensors
 * are inflated, each against the size its storage declares.
 *
 * @param bytes - the whole file.
 * @param file - the file's name, used in errors.
 * @param options - a tensor filter and limits (see `CheckpointReadOptions`).
 * @throws {@link CheckpointError} naming the file and the global, tensor or record.
 */
export async function readPytorchCheckpoint(
  bytes: Uint8Array,
  file: string,
  options: CheckpointReadOptions = {},
): Promise<PytorchCheckpointContents> {
  if (looksLikeZip(bytes)) return readZipCheckpoint(bytes, file, options);
  if (bytes.length > 2 && bytes[0] === 0x80) return readLegacyCheckpoint(bytes, file, options);
  return invalidFile(file, 'not a torch file: neither a zip archive nor a legacy pickle stream');
}

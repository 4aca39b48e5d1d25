import { createTensor, shapeSize } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import { CheckpointError } from './checkpoint-error.js';
import { limitExceeded, resolveCheckpointLimits } from './checkpoint-limits.js';
import type { CheckpointLimits } from './checkpoint-limits.js';
import { bfloat16ToFloat32, float16ToFloat32, float32FromBytes } from './half-precision.js';
import type { StateDict } from './state-dict.js';
import type { TensorFilter } from './tensor-filter.js';

/** Options of the checkpoint readers (`parseSafetensors`, `readPytorchCheckpoint`, `readFlaxMsgpack`, `readCheckpoint`). */
export interface CheckpointReadOptions {
  /**
   * Decides, before allocation, which float tensors are decoded (see `albertTensorFilter`). Absent:
   * every float tensor is decoded.
   */
  readonly filter?: TensorFilter;
  /** Overrides of {@link CheckpointLimits} (defaults: `DEFAULT_CHECKPOINT_LIMITS`). */
  readonly limits?: Partial<CheckpointLimits>;
}

/** Byte size of each safetensors dtype albert-ts understands. */
const DTYPE_SIZES: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
/** Integer dtypes: validated, then left out of the float32 state dict (buffers, not weights). */
const INTEGER_DTYPES = new Set(['I64', 'I32', 'I16', 'I8', 'U8', 'BOOL']);

interface TensorEntry {
  readonly key: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A tensor of a checkpoint that is not a float (an integer buffer such as `position_ids`). */
export interface SkippedTensor {
  /** The key as stored. */
  readonly key: string;
  /** The stored dtype, as the file names it (e.g. `I64`, `torch.LongStorage`). */
  readonly dtype: string;
  /** A float tensor the reader's filter left undecoded because the model does not use it. */
  readonly unused?: boolean;
}

/** Result of {@link parseSafetensors}: the float tensors plus the integer ones that were left out. */
export interface ParsedSafetensors {
  /** Float tensors, upcast to float32, in file order. */
  readonly stateDict: StateDict;
  /** Integer tensors (validated, not decoded). */
  readonly skipped: readonly SkippedTensor[];
  /** `__metadata__` of the header (string → string), empty when absent. */
  readonly metadata: Readonly<Record<string, string>>;
}

function fail(
  code: ConstructorParameters<typeof CheckpointError>[0],
  file: string,
  message: string,
  details: Record<string, unknown> = {},
): never {
  throw new CheckpointError(code, `${file}: ${message}`, { file, ...details });
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseEntry(file: string, key: string, value: unknown): TensorEntry {
  const invalid = (what: string): never =>
    fail('CHECKPOINT_INVALID_HEADER', file, `header entry of tensor ${key} ${what}`, { key });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('is not an object');
  const record = value as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = record;
  if (typeof dtype !== 'string') return invalid('has no string "dtype"');
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger))
    return invalid('has no "shape" list of non-negative integers');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    return invalid('has no "data_offsets" pair of non-negative integers');
  }
  const [begin, end] = offsets as [number, number];
  if (!(dtype in DTYPE_SIZES)) {
    fail(
      'CHECKPOINT_UNSUPPORTED_DTYPE',
      file,
      `tensor ${key} has dtype ${dtype}; albert-ts reads ${Object.keys(DTYPE_SIZES).join(', ')}`,
      {
        key,
        actual: dtype,
        expected: Object.keys(DTYPE_SIZES),
      },
    );
  }
  if (end < begin) {
    fail('CHECKPOINT_SIZE_MISMATCH', file, `tensor ${key} has data_offsets [${begin}, ${end}] with end before begin`, {
      key,
      actual: [begin, end],
    });
  }
  const elements = shapeSize(shape as number[]);
  const expectedBytes = elements * DTYPE_SIZES[dtype]!;
  if (!Number.isSafeInteger(expectedBytes) || expectedBytes !== end - begin) {
    fail(
      'CHECKPOINT_SIZE_MISMATCH',
      file,
      `tensor ${key}: shape [${shape.join(', ')}] × ${dtype} needs ${expectedBytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
      { key, expected: expectedBytes, actual: end - begin, shape: [...shape], dtype },
    );
  }
  return { key, dtype, shape: shape as number[], begin, end };
}

/**
 * Checks that the tensors tile `[0, dataLength)` exactly: sorted by offset, each starts where the
 * previous one ended, and the last ends at the end of the data section.
 */
function checkTiling(file: string, entries: readonly TensorEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  const declaredEnd = sorted.reduce((end, entry) => Math.max(end, entry.end), 0);
  let tiles = true;
  let position = 0;
  for (const entry of sorted) {
    if (entry.begin !== position) tiles = false;
    position = Math.max(position, entry.end);
  }
  if (tiles && declaredEnd > dataLength) {
    // The header is consistent; the file is shorter than it says: the file was cut.
    const cut = sorted.find((entry) => entry.end > dataLength)!;
    fail(
      'CHECKPOINT_TRUNCATED',
      file,
      `file is truncated: the header describes a ${declaredEnd}-byte data section but only ${dataLength} bytes are present; tensor ${cut.key} (data_offsets [${cut.begin}, ${cut.end}]) is cut off`,
      { key: cut.key, expected: declaredEnd, actual: dataLength },
    );
  }
  for (const entry of entries) {
    if (entry.end > dataLength) {
      fail(
        'CHECKPOINT_OFFSETS_OUT_OF_BOUNDS',
        file,
        `tensor ${entry.key} has data_offsets [${entry.begin}, ${entry.end}] outside the ${dataLength}-byte data section`,
        { key: entry.key, expected: [0, dataLength], actual: [entry.begin, entry.end] },
      );
    }
  }
  position = 0;
  let previous: TensorEntry | undefined;
  for (const entry of sorted) {
    if (entry.begin < position && previous !== undefined) {
      fail(
        'CHECKPOINT_OVERLAPPING_OFFSETS',
        file,
        `tensor ${entry.key} has data_offsets [${entry.begin}, ${entry.end}] overlapping tensor ${previous.key} [${previous.begin}, ${previous.end}] (tensors must tile the data section)`,
        { key: entry.key, actual: [entry.begin, entry.end], overlaps: previous.key },
      );
    }
    if (entry.begin > position) {
      fail(
        'CHECKPOINT_OFFSETS_GAP',
        file,
        `bytes [${position}, ${entry.begin}) of the data section belong to no tensor (before tensor ${entry.key}; tensors must tile the data section)`,
        { key: entry.key, expected: position, actual: entry.begin },
      );
    }
    position = Math.max(position, entry.end);
    previous = entry;
  }
  if (position !== dataLength) {
    fail(
      'CHECKPOINT_OFFSETS_GAP',
      file,
      `the last ${dataLength - position} bytes of the data section belong to no tensor`,
      {
        expected: dataLength,
        actual: position,
      },
    );
  }
}

function decodeEntry(entry: TensorEntry, data: Uint8Array): Tensor<'float32'> {
  const bytes = data.subarray(entry.begin, entry.end);
  const count = shapeSize(entry.shape);
  switch (entry.dtype) {
    case 'F32':
      return createTensor('float32', entry.shape, float32FromBytes(bytes, count).data);
    case 'F16':
      return createTensor('float32', entry.shape, float16ToFloat32(bytes, count));
    case 'BF16':
      return createTensor('float32', entry.shape, bfloat16ToFloat32(bytes, count));
    case 'F64': {
      // Rounded to float32, as torch's load_state_dict does when it copies into a float32 model.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const output = new Float32Array(count);
      for (let index = 0; index < count; index += 1) output[index] = view.getFloat64(8 * index, true);
      return createTensor('float32', entry.shape, output);
    }
    default:
      throw new Error(`unreachable dtype ${entry.dtype}`);
  }
}

/**
 * Parses a safetensors file, validating everything before decoding anything: header length against
 * the file size, the header JSON, dtypes, shape × dtype size against each offset span, offsets in
 * bounds, tensors tiling the data section with no overlap or gap, truncation. Float tensors become
 * float32 (F32 as zero-copy views when aligned, F16/BF16 upcast exactly, F64 rounded); integer
 * tensors are validated and listed in `skipped`.
 *
 * @param bytes - the whole file.
 * @param file - the file's name, used in errors.
 * @param options - a tensor filter (checked before any tensor is decoded) and limits.
 * @throws {@link CheckpointError} naming the file and the tensor.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  file: string,
  options: CheckpointReadOptions = {},
): ParsedSafetensors {
  const limits = resolveCheckpointLimits(options.limits);
  if (bytes.byteLength < 8) {
    fail(
      'CHECKPOINT_TRUNCATED',
      file,
      `file is truncated: ${bytes.byteLength} bytes, shorter than the 8-byte header length`,
      {
        actual: bytes.byteLength,
      },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.byteLength - 8)) {
    fail(
      'CHECKPOINT_HEADER_TOO_LARGE',
      file,
      `header length ${headerLength} exceeds the file size (${bytes.byteLength} bytes); the file is corrupt or not safetensors`,
      { expected: `<= ${bytes.byteLength - 8}`, actual: headerLength.toString() },
    );
  }
  if (headerLength > BigInt(limits.maximumHeaderBytes)) {
    limitExceeded(
      file,
      'maximumHeaderBytes',
      'the safetensors header length',
      Number(headerLength),
      limits.maximumHeaderBytes,
    );
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
    header = JSON.parse(text);
  } catch (error) {
    fail(
      'CHECKPOINT_INVALID_HEADER',
      file,
      `header is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('CHECKPOINT_INVALID_HEADER', file, 'header is not a JSON object');
  }
  const entries: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail('CHECKPOINT_INVALID_HEADER', file, '__metadata__ is not an object', { key });
      }
      metadata = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, item]) => [name, String(item)]),
      );
      continue;
    }
    entries.push(parseEntry(file, key, value));
  }
  checkTiling(file, entries, bytes.byteLength - dataStart);

  const data = bytes.subarray(dataStart);
  const stateDict = new Map<string, Tensor<'float32'>>();
  const skipped: SkippedTensor[] = [];
  for (const entry of entries) {
    if (INTEGER_DTYPES.has(entry.dtype)) skipped.push({ key: entry.key, dtype: entry.dtype });
    else if (options.filter !== undefined && !options.filter.admit(entry.key, entry.shape, file))
      skipped.push({ key: entry.key, dtype: entry.dtype, unused: true });
    else stateDict.set(entry.key, decodeEntry(entry, data));
  }
  return { stateDict, skipped, metadata };
}

/**
 * Reads a safetensors file into a {@link StateDict} (float tensors as float32; integer buffers left
 * out). F32 data is a zero-copy `Float32Array` view of `bytes` when its offset is 4-byte aligned
 * (one copy otherwise); F16 and BF16 are upcast exactly. See {@link parseSafetensors} for the checks.
 *
 * @param bytes - the whole file.
 * @param file - the file's name, used in errors.
 * @param options - see {@link parseSafetensors}.
 * @throws {@link CheckpointError} naming the file and the tensor.
 */
export function readSafetensors(bytes: Uint8Array, file: string, options: CheckpointReadOptions = {}): StateDict {
  return parseSafetensors(bytes, file, options).stateDict;
}

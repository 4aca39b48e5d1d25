import { createTensor, shapeSize } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import { CheckpointError } from './checkpoint-error.js';
import { bfloat16ToFloat32, float16ToFloat32, float32FromBytes } from './half-precision.js';
import { decodeMsgpack, MsgpackExtension } from './msgpack/decode-msgpack.js';
import type { MsgpackValue } from './msgpack/decode-msgpack.js';
import type { CheckpointReadOptions, SkippedTensor } from './read-safetensors.js';
import type { StateDict } from './state-dict.js';

/** Result of {@link readFlaxMsgpack}. */
export interface FlaxCheckpointContents {
  /** Float tensors as float32, renamed and transposed to PyTorch keys and layouts. */
  readonly stateDict: StateDict;
  /** Integer leaves, validated and left out of the state dict. */
  readonly skipped: readonly SkippedTensor[];
}

/** Bytes per element of the numpy dtypes a Flax leaf may have. */
const NUMPY_DTYPE_SIZES: Readonly<Record<string, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** Flax's extension type for arrays (`flax.serialization`'s `_MsgpackExtType.ndarray`). */
const NDARRAY_EXTENSION = 1;

function fail(file: string, path: string, message: string, details: Record<string, unknown> = {}): never {
  throw new CheckpointError('CHECKPOINT_INVALID_MSGPACK', `${file}: ${path === '' ? '' : `leaf ${path}: `}${message}`, {
    file,
    ...(path === '' ? {} : { key: path }),
    ...details,
  });
}

interface FlaxLeaf {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly data: Uint8Array;
}

function decodeLeaf(extension: MsgpackExtension, file: string, path: string): FlaxLeaf {
  if (extension.type !== NDARRAY_EXTENSION) {
    fail(
      file,
      path,
      `extension type ${extension.type} is not an array (type ${NDARRAY_EXTENSION}); complex and numpy scalars are not weights`,
    );
  }
  const payload = decodeMsgpack(extension.data, { file });
  if (!Array.isArray(payload) || payload.length !== 3)
    return fail(file, path, 'array payload is not [shape, dtype, data]');
  const [shape, dtype, data] = payload;
  if (
    !Array.isArray(shape) ||
    !shape.every((item) => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0)
  ) {
    return fail(file, path, 'shape is not a list of non-negative integers');
  }
  if (typeof dtype !== 'string') return fail(file, path, 'dtype is not a string');
  if (!(dtype in NUMPY_DTYPE_SIZES)) {
    throw new CheckpointError(
      'CHECKPOINT_UNSUPPORTED_DTYPE',
      `${file}: leaf ${path} has dtype ${dtype}; albert-ts reads ${Object.keys(NUMPY_DTYPE_SIZES).join(', ')}`,
      {
        file,
        key: path,
        actual: dtype,
        expected: Object.keys(NUMPY_DTYPE_SIZES),
      },
    );
  }
  if (!(data instanceof Uint8Array)) return fail(file, path, 'data is not a bin object');
  const expected = shapeSize(shape as number[]) * NUMPY_DTYPE_SIZES[dtype]!;
  if (data.length !== expected) {
    throw new CheckpointError(
      'CHECKPOINT_SIZE_MISMATCH',
      `${file}: leaf ${path}: shape [${shape.join(', ')}] × ${dtype} needs ${expected} bytes but the leaf holds ${data.length}`,
      { file, key: path, expected, actual: data.length },
    );
  }
  return { shape: shape as number[], dtype, data };
}

function leafToFloat32(leaf: FlaxLeaf): Float32Array {
  const count = shapeSize(leaf.shape);
  switch (leaf.dtype) {
    case 'float32':
      return float32FromBytes(leaf.data, count).data;
    case 'float16':
      return float16ToFloat32(leaf.data, count);
    case 'bfloat16':
      return bfloat16ToFloat32(leaf.data, count);
    default: {
      const view = new DataView(leaf.data.buffer, leaf.data.byteOffset, leaf.data.byteLength);
      const output = new Float32Array(count);
      for (let index = 0; index < count; index += 1) output[index] = view.getFloat64(8 * index, true);
      return output;
    }
  }
}

/** [in, out] → [out, in]. */
function transpose2d(data: Float32Array, rows: number, columns: number): Float32Array {
  const output = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) output[column * rows + row] = data[row * columns + column]!;
  }
  return output;
}

/**
 * Maps a Flax parameter path (`/`-joined) and its leaf shape to the PyTorch key and shape:
 * `kernel` → `weight` transposed to [out, in], `scale` → `weight`, `embedding` → `weight`, other
 * names kept; path separators become dots. Nothing is allocated.
 */
function pytorchKeyOf(
  path: string,
  leaf: FlaxLeaf,
  file: string,
): { key: string; shape: readonly number[]; transpose: boolean } {
  const segments = path.split('/');
  const last = segments[segments.length - 1];
  const prefix = segments.slice(0, -1).join('.');
  const key = (name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
  if (last === 'kernel') {
    if (leaf.shape.length !== 2) fail(file, path, `a Dense kernel has 2 dimensions, not [${leaf.shape.join(', ')}]`);
    const [inputs, outputs] = leaf.shape as [number, number];
    return { key: key('weight'), shape: [outputs, inputs], transpose: true };
  }
  if (last === 'scale' || last === 'embedding') return { key: key('weight'), shape: leaf.shape, transpose: false };
  return { key: key(last ?? ''), shape: leaf.shape, transpose: false };
}

/**
 * Reads a `flax_model.msgpack` (Flax `serialization.to_bytes` of the parameter tree): leaves are
 * MessagePack extensions of type 1 holding `[shape, dtype, data]`. The tree is flattened to PyTorch
 * key names (a leading `params` level is stripped; `kernel` is transposed from [in, out] to
 * PyTorch's [out, in] and renamed `weight`; `scale` and `embedding` become `weight`). Float leaves
 * become float32 (float32 leaves are zero-copy views when aligned and not transposed).
 *
 * With `options.filter`, each float leaf's PyTorch key and shape are checked before it is converted.
 *
 * @param bytes - the whole file.
 * @param file - the file's name, used in errors.
 * @param options - a tensor filter (see `CheckpointReadOptions`).
 * @throws {@link CheckpointError} naming the file and the leaf path.
 */
export function readFlaxMsgpack(
  bytes: Uint8Array,
  file: string,
  options: CheckpointReadOptions = {},
): FlaxCheckpointContents {
  let root = decodeMsgpack(bytes, { file });
  if (!(root instanceof Map)) fail(file, '', 'the file does not hold a map of parameters');
  const rootMap = root as Map<MsgpackValue, MsgpackValue>;
  if (rootMap.size === 1 && rootMap.get('params') instanceof Map) root = rootMap.get('params')!;

  // Flatten and validate every leaf before converting anything.
  const leaves: [string, FlaxLeaf][] = [];
  const walk = (node: MsgpackValue, path: string): void => {
    if (node instanceof Map) {
      if (node.get('__msgpack_chunked_array__') === true)
        fail(file, path, 'chunked arrays (over 2^30 bytes) are not supported');
      for (const [name, child] of node) {
        if (typeof name !== 'string' || name.length === 0 || name.includes('/') || name.includes('.')) {
          fail(file, path, `map key ${JSON.stringify(name)} is not a parameter name`);
        }
        walk(child, path === '' ? (name as string) : `${path}/${name as string}`);
      }
      return;
    }
    if (node instanceof MsgpackExtension) {
      leaves.push([path, decodeLeaf(node, file, path)]);
      return;
    }
    fail(file, path, 'is neither a map nor an array extension');
  };
  walk(root, '');

  const stateDict = new Map<string, Tensor<'float32'>>();
  const skipped: SkippedTensor[] = [];
  const seen = new Set<string>();
  for (const [path, leaf] of leaves) {
    if (!['float32', 'float16', 'bfloat16', 'float64'].includes(leaf.dtype)) {
      skipped.push({ key: path.split('/').join('.'), dtype: leaf.dtype });
      continue;
    }
    const { key, shape, transpose } = pytorchKeyOf(path, leaf, file);
    if (seen.has(key)) {
      throw new CheckpointError(
        'CHECKPOINT_DUPLICATE_TENSOR',
        `${file}: leaf ${path} maps to ${key}, which another leaf also maps to`,
        {
          file,
          key,
        },
      );
    }
    seen.add(key);
    if (options.filter !== undefined && !options.filter.admit(key, shape, file)) {
      skipped.push({ key, dtype: leaf.dtype, unused: true });
      continue;
    }
    const data = leafToFloat32(leaf);
    stateDict.set(key, createTensor('float32', shape, transpose ? transpose2d(data, shape[1]!, shape[0]!) : data));
  }
  return { stateDict, skipped };
}

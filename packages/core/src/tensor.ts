/** Element types a {@link Tensor} can hold. Half precision is stored as raw `Uint16Array` bits. */
export type TensorDataType = 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** Maps a {@link TensorDataType} to the typed array that holds its elements. */
export interface TensorDataTypeMap {
  /** IEEE 754 single precision. */
  float32: Float32Array;
  /** IEEE 754 half precision, one raw 16-bit pattern per element (JavaScript has no float16 array here). */
  float16: Uint16Array;
  /** bfloat16 (the upper 16 bits of a float32), one raw 16-bit pattern per element. */
  bfloat16: Uint16Array;
  /** Signed 64-bit integers, as ONNX `int64` inputs such as `input_ids` take them. */
  int64: BigInt64Array;
  /** Signed 32-bit integers. */
  int32: Int32Array;
  /** Signed 8-bit integers. */
  int8: Int8Array;
  /** Unsigned 8-bit integers. */
  uint8: Uint8Array;
  /** Booleans, one byte per element: 0 false, 1 true. */
  bool: Uint8Array;
}

/**
 * albert-ts's own tensor: a dtype, a row-major shape and a typed array. Backends convert to and from
 * their runtime's tensor type at their boundary; no runtime type leaks out of an adapter.
 */
export interface Tensor<T extends TensorDataType = TensorDataType> {
  /** Element type. */
  readonly dtype: T;
  /** Dimensions, outermost first (row-major). */
  readonly shape: readonly number[];
  /** Elements in row-major order; its length is the product of {@link Tensor.shape}. */
  readonly data: TensorDataTypeMap[T];
}

/** Number of elements of a shape (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

/**
 * Creates a {@link Tensor}, checking that the data length matches the shape.
 *
 * @example
 * ```ts
 * import { createTensor } from '@albert-ts/core';
 *
 * const ids = createTensor('int64', [1, 3], new BigInt64Array([2n, 10975n, 3n])); // [batch, sequence]
 * console.log(ids.dtype, ids.shape);
 * ```
 */
export function createTensor<T extends TensorDataType>(
  dtype: T,
  shape: readonly number[],
  data: TensorDataTypeMap[T],
): Tensor<T> {
  const size = shapeSize(shape);
  if (data.length !== size) {
    throw new RangeError(`tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${size}`);
  }
  return { dtype, shape: [...shape], data };
}

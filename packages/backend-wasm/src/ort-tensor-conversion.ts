import { createTensor, shapeSize, type Tensor, type TensorDataType } from '@albert-ts/core';
import type * as ort from 'onnxruntime-web';
import { WebBackendError } from './web-backend-error.js';

/** The onnxruntime-web module (either build: `onnxruntime-web`, `onnxruntime-web/wasm`, `onnxruntime-web/webgpu`). */
export type OrtWebModule = typeof ort;

/** An onnxruntime-web tensor. */
export type OrtWebTensor = ort.Tensor;

const CORE_TO_ORT: Readonly<Record<TensorDataType, ort.Tensor.Type | undefined>> = {
  float32: 'float32',
  float16: 'float16',
  bfloat16: undefined,
  int64: 'int64',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

const ORT_TO_CORE: Readonly<Partial<Record<ort.Tensor.Type, TensorDataType>>> = {
  float32: 'float32',
  float16: 'float16',
  int64: 'int64',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** Maps a core dtype to onnxruntime-web's name for it, `undefined` when onnxruntime-web has none (bfloat16). */
export function ortTypeOf(dtype: TensorDataType): ort.Tensor.Type | undefined {
  return CORE_TO_ORT[dtype];
}

/**
 * Maps onnxruntime-web's name of an element type to core's.
 *
 * @throws {@link WebBackendError} `BACKEND_UNSUPPORTED_DTYPE` for a type albert-ts does not read (naming `output`).
 */
export function coreTypeOf(type: ort.Tensor.Type, context: { backend: string; output: string }): TensorDataType {
  const dtype = ORT_TO_CORE[type];
  if (dtype === undefined) {
    throw new WebBackendError(
      'BACKEND_UNSUPPORTED_DTYPE',
      `${context.backend}: output '${context.output}' has onnxruntime type ${type}, which albert-ts does not read`,
      { backend: context.backend, output: context.output, actual: type },
    );
  }
  return dtype;
}

/**
 * Converts a core {@link Tensor} to an onnxruntime-web tensor without copying (unless `copy`; the proxy
 * worker transfers, i.e. detaches, the buffers it is given, so callers pass `copy: true` there).
 */
export function toOrtTensor(
  runtime: OrtWebModule,
  tensor: Tensor,
  context: { backend: string; input: string; copy?: boolean },
): OrtWebTensor {
  const type = CORE_TO_ORT[tensor.dtype];
  if (type === undefined) {
    throw new WebBackendError(
      'BACKEND_UNSUPPORTED_DTYPE',
      `${context.backend}: input '${context.input}' has dtype ${tensor.dtype}, which onnxruntime-web cannot hold`,
      { backend: context.backend, input: context.input, actual: tensor.dtype },
    );
  }
  const size = shapeSize(tensor.shape);
  if (tensor.data.length !== size || tensor.shape.some((dimension) => !Number.isInteger(dimension) || dimension < 0)) {
    throw new WebBackendError(
      'BACKEND_INVALID_FEED',
      `${context.backend}: input '${context.input}' has ${tensor.data.length} elements but shape [${tensor.shape.join(', ')}]`,
      { backend: context.backend, input: context.input, expected: size, actual: tensor.data.length },
    );
  }
  const data = context.copy ? tensor.data.slice() : tensor.data;
  // The union of typed arrays is checked per dtype by CORE_TO_ORT; onnxruntime's overloads want one pair at a time.
  return new runtime.Tensor(type, data as Float32Array, [...tensor.shape]);
}

/** Converts an onnxruntime-web CPU tensor to a core {@link Tensor} (no copy: the data is already a JS-owned array). */
export function fromOrtTensor(tensor: OrtWebTensor, context: { backend: string; output: string }): Tensor {
  const dtype = coreTypeOf(tensor.type, context);
  const shape = tensor.dims.map(Number);
  const data: unknown = tensor.data;
  switch (dtype) {
    case 'float16': {
      // onnxruntime-web returns a Float16Array where the engine has one; core keeps half precision as raw bits.
      const view = data as ArrayBufferView & { length: number };
      const bits = data instanceof Uint16Array ? data : new Uint16Array(view.buffer, view.byteOffset, view.length);
      return createTensor('float16', shape, bits);
    }
    case 'bool':
      return createTensor(
        'bool',
        shape,
        data instanceof Uint8Array ? data : Uint8Array.from(data as ArrayLike<number>),
      );
    default:
      return createTensor(dtype, shape, data as Tensor['data']);
  }
}

import type { Backend } from '../backend/backend.js';
import type { AlbertGraphPrecision } from '../graph/albert-graph.js';
import type { DynamicInt8Operator } from '../graph/quantize/quantize-dynamic-int8.js';
import { DtypeError } from './dtype-error.js';

/**
 * Weight/compute precision of a model instance (the graph is built on the fly from the float32
 * checkpoint; inputs and outputs stay float32): `fp32` (default, exact to HF), `int8` (dynamic
 * quantization of the MatMuls; onnxruntime CPU and WASM backends), `fp16` (backends whose
 * `capabilities.float16` is true, i.e. GPUs).
 */
export type AlbertModelDtype = 'fp32' | 'int8' | 'fp16';

/** Every {@link AlbertModelDtype}. */
export const ALBERT_MODEL_DTYPES: readonly AlbertModelDtype[] = ['fp32', 'int8', 'fp16'];

/** The graph settings of a {@link AlbertModelDtype} on a backend (see {@link resolveModelDtype}). */
export interface ResolvedModelDtype {
  /** The graph precision. */
  readonly precision: AlbertGraphPrecision;
  /** With `int8`, the quantized MatMul form. */
  readonly int8Operator?: DynamicInt8Operator;
}

/** Whether `backend` runs onnxruntime's CPU kernels (node-cpu, WASM), which have `DynamicQuantizeMatMul`. */
function runsCpuKernels(backend: Pick<Backend, 'name' | 'capabilities'>): boolean {
  return (
    backend.capabilities.contribOperators.includes('DynamicQuantizeMatMul') ||
    backend.name === 'node-cpu' ||
    backend.name.includes('wasm')
  );
}

/**
 * Checks that `backend` can run `dtype` and maps it to graph options; throws {@link DtypeError}
 * (naming the dtype and the backend) otherwise.
 */
export function resolveModelDtype(
  dtype: AlbertModelDtype,
  backend: Pick<Backend, 'name' | 'capabilities'>,
): ResolvedModelDtype {
  switch (dtype) {
    case 'fp32':
      return { precision: 'float32' };
    case 'int8':
      if (!runsCpuKernels(backend)) {
        throw new DtypeError(
          'DTYPE_UNSUPPORTED_BY_BACKEND',
          `dtype int8 needs a CPU or WASM backend (onnxruntime's DynamicQuantizeMatMul); backend ${backend.name} cannot run it`,
          { field: 'dtype', value: dtype, backend: backend.name },
        );
      }
      return { precision: 'int8', int8Operator: 'dynamic-quantize-matmul' };
    case 'fp16':
      if (!backend.capabilities.float16) {
        throw new DtypeError(
          'DTYPE_UNSUPPORTED_BY_BACKEND',
          `dtype fp16 needs a backend with float16 support; backend ${backend.name} has capabilities.float16 = false (use fp32, or int8 on CPU/WASM)`,
          { field: 'dtype', value: dtype, backend: backend.name },
        );
      }
      return { precision: 'float16' };
    default:
      throw new DtypeError('DTYPE_UNKNOWN', `dtype ${String(dtype)} is not one of ${ALBERT_MODEL_DTYPES.join(', ')}`, {
        field: 'dtype',
        value: dtype,
        backend: backend.name,
      });
  }
}

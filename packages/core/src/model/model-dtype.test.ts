import { describe, expect, it } from 'vitest';
import { DtypeError } from './dtype-error.js';
import { resolveModelDtype, type AlbertModelDtype } from './model-dtype.js';

const cpu = { name: 'node-cpu', capabilities: { contribOperators: ['Attention'], float16: false } };
const wasm = { name: 'node-wasm', capabilities: { contribOperators: [], float16: false } };
const gpu = { name: 'node-cuda', capabilities: { contribOperators: [], float16: true } };

describe('resolveModelDtype', () => {
  it('maps dtypes to graph precisions where the backend can run them', () => {
    expect(resolveModelDtype('fp32', gpu)).toEqual({ precision: 'float32' });
    expect(resolveModelDtype('int8', cpu)).toEqual({ precision: 'int8', int8Operator: 'dynamic-quantize-matmul' });
    expect(resolveModelDtype('int8', wasm).precision).toBe('int8');
    expect(resolveModelDtype('fp16', gpu)).toEqual({ precision: 'float16' });
  });

  it('refuses fp16 without float16 support and int8 off CPU/WASM, naming the backend', () => {
    const refuse = (dtype: AlbertModelDtype, backend: typeof cpu) => {
      try {
        resolveModelDtype(dtype, backend);
      } catch (error) {
        return error;
      }
      throw new Error('expected a DtypeError');
    };
    const fp16 = refuse('fp16', cpu);
    expect(fp16).toBeInstanceOf(DtypeError);
    expect(fp16).toMatchObject({
      code: 'DTYPE_UNSUPPORTED_BY_BACKEND',
      details: { field: 'dtype', value: 'fp16', backend: 'node-cpu' },
    });
    expect(String((fp16 as Error).message)).toMatch(/node-cpu/);
    expect(refuse('int8', gpu)).toMatchObject({
      code: 'DTYPE_UNSUPPORTED_BY_BACKEND',
      details: { backend: 'node-cuda' },
    });
    expect(refuse('bf16' as AlbertModelDtype, cpu)).toMatchObject({
      code: 'DTYPE_UNKNOWN',
      details: { value: 'bf16' },
    });
  });
});

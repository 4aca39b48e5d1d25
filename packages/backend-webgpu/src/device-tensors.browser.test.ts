import {
  createTensor,
  DeviceTensorError,
  isDeviceBackendSession,
  supportsDeviceTensors,
  type DeviceBackendSession,
  type DeviceTensor,
  type Tensor,
} from '@albert-ts/core';
import { wasmBackend } from '@albert-ts/backend-wasm';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, ONNX_DATA_TYPE } from '../../backend-wasm/src/test-support/tiny-onnx-model.js';
import { webgpuBackend, type WebGpuBuild } from './index.js';

/**
 * A recurrent state update, the shape of a training step: `state_out = (state_in + x) · 0.5`, `count_out =
 * count_in + 1` (int64), `total = Σ state_out`. Feeding `state_out`/`count_out` back as the next inputs is what
 * the fused training step does with weights and moments.
 */
function stateModel(size: number) {
  return encodeOnnxModel({
    inputs: [
      { name: 'state_in', elementType: ONNX_DATA_TYPE.float32, dims: [size] },
      { name: 'count_in', elementType: ONNX_DATA_TYPE.int64, dims: [1] },
      { name: 'x', elementType: ONNX_DATA_TYPE.float32, dims: [size] },
    ],
    outputs: [
      { name: 'state_out', elementType: ONNX_DATA_TYPE.float32, dims: [size] },
      { name: 'count_out', elementType: ONNX_DATA_TYPE.int64, dims: [1] },
      { name: 'total', elementType: ONNX_DATA_TYPE.float32, dims: [1] },
    ],
    initializers: [
      { name: 'half', dims: [1], data: new Float32Array([0.5]) },
      { name: 'one', dims: [1], data: new BigInt64Array([1n]) },
    ],
    nodes: [
      { opType: 'Add', inputs: ['state_in', 'x'], outputs: ['sum'] },
      { opType: 'Mul', inputs: ['sum', 'half'], outputs: ['state_out'] },
      { opType: 'Add', inputs: ['count_in', 'one'], outputs: ['count_out'] },
      { opType: 'ReduceSum', inputs: ['state_out'], outputs: ['total'] },
    ],
  });
}

const SIZE = 1000;
const batch = (step: number): Tensor<'float32'> =>
  createTensor(
    'float32',
    [SIZE],
    Float32Array.from({ length: SIZE }, (_, index) => Math.sin(step * 7 + index) * 3),
  );
const initialState = (): Tensor<'float32'> =>
  createTensor(
    'float32',
    [SIZE],
    Float32Array.from({ length: SIZE }, (_, index) => index / SIZE),
  );
const initialCount = (): Tensor<'int64'> => createTensor('int64', [1], new BigInt64Array([0n]));

describe.each<WebGpuBuild>(['jsep', 'webgpu'])('webgpu device tensors (browser, %s build)', (build) => {
  const backend = webgpuBackend({ build });
  const model = stateModel(SIZE);
  const deviceOutputNames = ['state_out', 'count_out'];

  const deviceSession = async (): Promise<DeviceBackendSession> => {
    const session = await backend.load(model, { deviceOutputNames });
    if (!isDeviceBackendSession(session)) throw new Error('a session with deviceOutputNames must have runOnDevice');
    return session;
  };

  it('advertises device tensors', () => {
    expect(supportsDeviceTensors(backend)).toBe(true);
  });

  it('a GPU-buffer output fed back gives what the host round trip gives, bit for bit', async () => {
    const host = await backend.load(model);
    let state: Tensor = initialState();
    let count: Tensor = initialCount();
    const hostTotals: number[] = [];
    for (let step = 0; step < 5; step += 1) {
      const outputs = await host.run({ state_in: state, count_in: count, x: batch(step) });
      state = outputs['state_out'] as Tensor;
      count = outputs['count_out'] as Tensor;
      hostTotals.push(Number(outputs['total']?.data[0]));
    }
    await host.dispose();

    const session = await deviceSession();
    let handles: Record<string, DeviceTensor> | undefined;
    const deviceTotals: number[] = [];
    for (let step = 0; step < 5; step += 1) {
      const { host: fetched, device } = await session.runOnDevice({
        state_in: handles?.['state_out'] ?? initialState(),
        count_in: handles?.['count_out'] ?? initialCount(),
        x: batch(step),
      });
      for (const handle of Object.values(handles ?? {})) handle.dispose();
      handles = device;
      expect(Object.keys(fetched)).toEqual(['total']);
      expect(Object.keys(device).sort()).toEqual(['count_out', 'state_out']);
      deviceTotals.push(Number(fetched['total']?.data[0]));
    }
    expect(deviceTotals).toEqual(hostTotals);
    const stateHandle = handles?.['state_out'] as DeviceTensor;
    expect(stateHandle).toMatchObject({
      kind: 'device-tensor',
      dtype: 'float32',
      shape: [SIZE],
      byteLength: SIZE * 4,
      backend: 'webgpu',
      output: 'state_out',
      disposed: false,
    });
    const downloaded = await stateHandle.download();
    expect(downloaded.data).toEqual(state.data);
    expect((await stateHandle.download()).data).toEqual(state.data); // download leaves the handle valid
    expect((await (handles?.['count_out'] as DeviceTensor).download()).data).toEqual(new BigInt64Array([5n]));
    // run() on the same session downloads the device outputs (callers that know nothing of handles still work).
    const plain = await session.run({ state_in: state, count_in: count, x: batch(5) });
    expect(plain['state_out']?.data).toBeInstanceOf(Float32Array);
    expect(plain['count_out']?.data).toEqual(new BigInt64Array([6n]));
    await session.dispose();
    expect(stateHandle.disposed).toBe(true); // the session disposed what was left
  });

  it('disposed and foreign handles are typed errors', async () => {
    const session = await deviceSession();
    const other = await deviceSession();
    const first = await session.runOnDevice({ state_in: initialState(), count_in: initialCount(), x: batch(0) });
    const state = first.device['state_out'] as DeviceTensor;
    const count = first.device['count_out'] as DeviceTensor;
    await expect(other.runOnDevice({ state_in: state, count_in: count, x: batch(1) })).rejects.toSatisfy(
      (error: unknown) => error instanceof DeviceTensorError && error.code === 'DEVICE_TENSOR_FOREIGN',
    );
    state.dispose();
    state.dispose();
    await expect(state.download()).rejects.toMatchObject({
      code: 'DEVICE_TENSOR_DISPOSED',
      details: { output: 'state_out' },
    });
    await expect(session.runOnDevice({ state_in: state, count_in: count, x: batch(1) })).rejects.toMatchObject({
      code: 'DEVICE_TENSOR_DISPOSED',
      details: { input: 'state_in' },
    });
    // The session still runs after a refused feed.
    const next = await session.runOnDevice({ state_in: initialState(), count_in: count, x: batch(1) });
    expect(Number(next.host['total']?.data[0])).toBeTypeOf('number');
    await session.dispose();
    await other.dispose();
    expect(count.disposed).toBe(true);
    await expect(count.download()).rejects.toMatchObject({ code: 'DEVICE_TENSOR_DISPOSED' });
  });

  it('deviceOutputNames must name distinct outputs', async () => {
    await expect(backend.load(model, { deviceOutputNames: ['nope'] })).rejects.toMatchObject({
      code: 'DEVICE_TENSOR_BAD_OUTPUT_NAMES',
    });
    await expect(backend.load(model, { deviceOutputNames: ['total', 'total'] })).rejects.toMatchObject({
      code: 'DEVICE_TENSOR_BAD_OUTPUT_NAMES',
    });
  });
});

describe('wasm backend and device tensors (browser)', () => {
  it('does not advertise them and refuses deviceOutputNames with a typed error', async () => {
    const backend = wasmBackend();
    expect(supportsDeviceTensors(backend)).toBe(false);
    await expect(backend.load(stateModel(4), { deviceOutputNames: ['state_out'] })).rejects.toMatchObject({
      code: 'DEVICE_TENSORS_UNSUPPORTED',
    });
  });
});

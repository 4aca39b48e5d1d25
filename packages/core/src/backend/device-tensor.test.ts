import { describe, expect, it } from 'vitest';
import { createTensor, type Tensor } from '../tensor.js';
import {
  BACKEND_SPECIFICATION_VERSION,
  checkDeviceOutputNames,
  isDeviceBackendSession,
  supportsDeviceTensors,
  type Backend,
  type BackendLoadOptions,
  type BackendSession,
  type OnnxModel,
} from './backend.js';
import { createDeviceTensorOwner, isDeviceTensor, type DeviceTensor } from './device-tensor.js';
import { DeviceTensorError } from './device-tensor-error.js';

/** A "device" holding Float32Arrays, and a graph `state_out = state_in + x`, `sum = Σ state_out`. */
function fakeDeviceBackend(name = 'fake-device'): Backend & { transfers: { up: number; down: number } } {
  const transfers = { up: 0, down: 0 };
  const model: OnnxModel = {
    bytes: new Uint8Array(),
    inputNames: ['state_in', 'x'],
    outputNames: ['state_out', 'sum'],
  };
  const backend = {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    name,
    capabilities: { contribOperators: [], float16: false, deviceTensors: true },
    transfers,
    probe: () => Promise.resolve({ available: true as const }),
    load(_model: OnnxModel, options: BackendLoadOptions = {}): Promise<BackendSession> {
      const onDevice = new Set(checkDeviceOutputNames(backend, model, options.deviceOutputNames));
      const owner = createDeviceTensorOwner<Float32Array>(name);
      const compute = (feeds: Readonly<Record<string, Tensor | DeviceTensor>>) => {
        const value = (input: string): Float32Array => {
          const feed = feeds[input] as Tensor | DeviceTensor;
          if (isDeviceTensor(feed)) return owner.payload(feed, input);
          transfers.up += feed.data.length * 4;
          return feed.data as Float32Array;
        };
        const state = value('state_in');
        const x = value('x');
        const out = state.map((element, index) => element + (x[index] as number));
        return { state_out: out, sum: Float32Array.of(out.reduce((a, b) => a + b, 0)) };
      };
      const session: BackendSession = {
        inputNames: model.inputNames,
        outputNames: model.outputNames,
        async run(feeds) {
          await Promise.resolve();
          const outputs = compute(feeds);
          transfers.down += (outputs.state_out.length + 1) * 4;
          return {
            state_out: createTensor('float32', [outputs.state_out.length], outputs.state_out),
            sum: createTensor('float32', [], outputs.sum),
          };
        },
        async runOnDevice(feeds) {
          await Promise.resolve();
          const outputs = compute(feeds);
          const host: Record<string, Tensor> = {};
          const device: Record<string, DeviceTensor> = {};
          for (const [output, data] of Object.entries(outputs)) {
            const shape = output === 'sum' ? [] : [data.length];
            if (onDevice.has(output))
              device[output] = owner.adopt({
                output,
                dtype: 'float32',
                shape,
                payload: data,
                download: () => {
                  transfers.down += data.length * 4;
                  return Promise.resolve(data.slice());
                },
                release: () => undefined,
              });
            else {
              transfers.down += data.length * 4;
              host[output] = createTensor('float32', shape, data);
            }
          }
          return { host, device };
        },
        dispose() {
          owner.disposeAll();
          return Promise.resolve();
        },
      };
      return Promise.resolve(session);
    },
  } satisfies Backend & { transfers: { up: number; down: number } };
  return backend;
}

const model: OnnxModel = { bytes: new Uint8Array(), inputNames: ['state_in', 'x'], outputNames: ['state_out', 'sum'] };
const vector = (...values: number[]): Tensor<'float32'> =>
  createTensor('float32', [values.length], Float32Array.from(values));

describe('device tensors (the Backend contract with a fake device)', () => {
  it('feeding the device output back gives what the host round trip gives, and moves only the batch', async () => {
    const backend = fakeDeviceBackend();
    expect(supportsDeviceTensors(backend)).toBe(true);
    const hostSession = await backend.load(model);
    let state: Tensor = vector(0, 0, 0);
    for (let step = 1; step <= 3; step += 1) {
      state = (await hostSession.run({ state_in: state, x: vector(step, 2 * step, 3 * step) }))['state_out'] as Tensor;
    }
    const hostBytes = backend.transfers.up + backend.transfers.down;

    backend.transfers.up = 0;
    backend.transfers.down = 0;
    const session = await backend.load(model, { deviceOutputNames: ['state_out'] });
    if (!isDeviceBackendSession(session)) throw new Error('expected runOnDevice');
    let handle: DeviceTensor | undefined;
    let sum = Number.NaN;
    for (let step = 1; step <= 3; step += 1) {
      const result = await session.runOnDevice({
        state_in: handle ?? vector(0, 0, 0),
        x: vector(step, 2 * step, 3 * step),
      });
      handle?.dispose();
      handle = result.device['state_out'];
      sum = Number(result.host['sum']?.data[0]);
      expect(Object.keys(result.host)).toEqual(['sum']);
    }
    expect(handle).toMatchObject({
      kind: 'device-tensor',
      dtype: 'float32',
      shape: [3],
      byteLength: 12,
      output: 'state_out',
    });
    expect(isDeviceTensor(handle)).toBe(true);
    expect(isDeviceTensor(state)).toBe(false);
    const downloaded = await (handle as DeviceTensor).download();
    expect([...downloaded.data]).toEqual([...state.data]);
    expect(sum).toBe(36); // (1+2+3) + (2+4+6) + (3+6+9)
    expect(backend.transfers.up + backend.transfers.down).toBeLessThan(hostBytes);
  });

  it('a disposed handle cannot be downloaded or fed; dispose is idempotent; the session disposes what is left', async () => {
    const backend = fakeDeviceBackend();
    const session = await backend.load(model, { deviceOutputNames: ['state_out'] });
    const run = (state: Tensor | DeviceTensor) =>
      (session.runOnDevice as NonNullable<BackendSession['runOnDevice']>)({ state_in: state, x: vector(1) });
    const first = (await run(vector(0))).device['state_out'] as DeviceTensor;
    first.dispose();
    first.dispose();
    expect(first.disposed).toBe(true);
    await expect(first.download()).rejects.toSatisfy(
      (error: unknown) => error instanceof DeviceTensorError && error.code === 'DEVICE_TENSOR_DISPOSED',
    );
    await expect(run(first)).rejects.toMatchObject({
      code: 'DEVICE_TENSOR_DISPOSED',
      details: { input: 'state_in', output: 'state_out' },
    });
    const second = (await run(vector(0))).device['state_out'] as DeviceTensor;
    expect(second.disposed).toBe(false);
    await session.dispose();
    expect(second.disposed).toBe(true);
    await expect(second.download()).rejects.toMatchObject({ code: 'DEVICE_TENSOR_DISPOSED' });
  });

  it('a handle of another session or backend is refused with DEVICE_TENSOR_FOREIGN', async () => {
    const backend = fakeDeviceBackend();
    const other = fakeDeviceBackend('other-device');
    const a = await backend.load(model, { deviceOutputNames: ['state_out'] });
    const b = await backend.load(model, { deviceOutputNames: ['state_out'] });
    const c = await other.load(model, { deviceOutputNames: ['state_out'] });
    const handle = (
      await (a.runOnDevice as NonNullable<BackendSession['runOnDevice']>)({ state_in: vector(1), x: vector(1) })
    ).device['state_out'] as DeviceTensor;
    await expect(
      (b.runOnDevice as NonNullable<BackendSession['runOnDevice']>)({ state_in: handle, x: vector(1) }),
    ).rejects.toMatchObject({ code: 'DEVICE_TENSOR_FOREIGN', message: expect.stringContaining('another session') });
    await expect(
      (c.runOnDevice as NonNullable<BackendSession['runOnDevice']>)({ state_in: handle, x: vector(1) }),
    ).rejects.toMatchObject({
      code: 'DEVICE_TENSOR_FOREIGN',
      message: expect.stringContaining('another backend (fake-device)'),
    });
    // A look-alike object that no core owner made is foreign too.
    const forged = { ...handle };
    await expect(
      (a.runOnDevice as NonNullable<BackendSession['runOnDevice']>)({ state_in: forged, x: vector(1) }),
    ).rejects.toMatchObject({ code: 'DEVICE_TENSOR_FOREIGN' });
  });

  it('checkDeviceOutputNames: typed errors for a backend without device tensors and for bad names', () => {
    const host = { name: 'host', capabilities: { contribOperators: [], float16: false } };
    expect(supportsDeviceTensors({ ...fakeDeviceBackend(), capabilities: host.capabilities })).toBe(false);
    expect(checkDeviceOutputNames(host, model, undefined)).toEqual([]);
    expect(checkDeviceOutputNames(host, model, [])).toEqual([]);
    expect(() => checkDeviceOutputNames(host, model, ['state_out'])).toThrow(
      expect.objectContaining({ code: 'DEVICE_TENSORS_UNSUPPORTED' }),
    );
    const device = fakeDeviceBackend();
    expect(() => checkDeviceOutputNames(device, model, ['nope'])).toThrow(
      expect.objectContaining({ code: 'DEVICE_TENSOR_BAD_OUTPUT_NAMES', message: expect.stringContaining("'nope'") }),
    );
    expect(() => checkDeviceOutputNames(device, model, ['sum', 'sum'])).toThrow(
      expect.objectContaining({ code: 'DEVICE_TENSOR_BAD_OUTPUT_NAMES', message: expect.stringContaining('twice') }),
    );
    expect(() => checkDeviceOutputNames(device, model, 'sum' as unknown as string[])).toThrow(
      expect.objectContaining({ code: 'DEVICE_TENSOR_BAD_OUTPUT_NAMES' }),
    );
  });
});

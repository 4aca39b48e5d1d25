import { createTensor, shapeSize, type Tensor, type TensorDataType, type TensorDataTypeMap } from '../tensor.js';
import { DeviceTensorError } from './device-tensor-error.js';

/**
 * A tensor that stays in the memory of a backend's device (a WebGPU buffer) between runs: what
 * {@link BackendSession.runOnDevice} returns for the outputs named in {@link BackendLoadOptions.deviceOutputNames},
 * and what it takes back as a feed, so that state such as weights and optimizer moments never crosses to
 * JavaScript between training steps. Only backends with {@link BackendCapabilities.deviceTensors} make them.
 *
 * A handle belongs to the session that produced it: it can be fed to that session only, and it is valid until
 * {@link DeviceTensor.dispose} or the session's `dispose()`, whichever comes first (the device memory is the
 * runtime's; each handle must be disposed by its holder, or the memory stays taken until the session goes).
 *
 * @example
 * ```ts
 * import { supportsDeviceTensors, type Backend, type OnnxModel, type Tensor } from '@albert-ts/core';
 *
 * declare const backend: Backend; // e.g. webgpuBackend()
 * declare const model: OnnxModel; // a graph with a state_in input and a state_out output
 * declare const initial: Tensor;
 * declare const x: Tensor;
 * declare const inputs: Tensor[];
 * if (supportsDeviceTensors(backend)) {
 *   const session = await backend.load(model, { deviceOutputNames: ['state_out'] });
 *   let { host, device } = await session.runOnDevice!({ state_in: initial, x });
 *   for (const x of inputs) {
 *     const next = await session.runOnDevice!({ state_in: device['state_out']!, x }); // no copy to JavaScript
 *     device['state_out']!.dispose(); // the previous state: its holder frees it
 *     ({ host, device } = next);
 *   }
 *   const state = await device['state_out']!.download(); // a host Tensor
 * }
 * ```
 */
export interface DeviceTensor<T extends TensorDataType = TensorDataType> {
  /** Tells a handle from a host {@link Tensor} (which has `data` instead). */
  readonly kind: 'device-tensor';
  /** Element type. */
  readonly dtype: T;
  /** Dimensions, outermost first (row-major). */
  readonly shape: readonly number[];
  /** Size of the data in bytes (what a {@link DeviceTensor.download} moves). */
  readonly byteLength: number;
  /** Name of the backend that holds it (`webgpu`). */
  readonly backend: string;
  /** The graph output that produced it. */
  readonly output: string;
  /** Whether it was disposed (by {@link DeviceTensor.dispose} or its session's `dispose()`). */
  readonly disposed: boolean;
  /**
   * Copies the data to JavaScript. The handle stays valid.
   *
   * @throws {@link DeviceTensorError} `DEVICE_TENSOR_DISPOSED` after {@link DeviceTensor.dispose}.
   */
  download(): Promise<Tensor<T>>;
  /** Frees the device memory. Idempotent. Afterwards `download()` and feeding it throw `DEVICE_TENSOR_DISPOSED`. */
  dispose(): void;
}

/** Whether `value` is a {@link DeviceTensor} (rather than a host {@link Tensor}). */
export function isDeviceTensor(value: unknown): value is DeviceTensor {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'device-tensor';
}

/** What a backend hands {@link DeviceTensorOwner.adopt}: a runtime value on the device and how to read and free it. */
export interface DeviceTensorSource<T extends TensorDataType, P> {
  /** The graph output that produced it. */
  readonly output: string;
  /** Element type. */
  readonly dtype: T;
  /** Dimensions. */
  readonly shape: readonly number[];
  /** The runtime's own value (for instance an onnxruntime-web tensor), handed back by {@link DeviceTensorOwner.payload}. */
  readonly payload: P;
  /** Copies the data from the device (called only while the handle is live). */
  download(): Promise<TensorDataTypeMap[T]>;
  /** Frees the device memory (called once). */
  release(): void;
}

/**
 * The session side of {@link DeviceTensor}s, for backend implementers: one per session. It makes the handles
 * (with the contract's typed errors), checks a handle fed back to its session, and disposes every live handle
 * when the session goes.
 */
export interface DeviceTensorOwner<P> {
  /** Wraps a runtime value as a handle owned by this session. */
  adopt<T extends TensorDataType>(source: DeviceTensorSource<T, P>): DeviceTensor<T>;
  /**
   * The runtime value of `handle`, fed to input `input` of this session.
   *
   * @throws {@link DeviceTensorError} `DEVICE_TENSOR_DISPOSED` for a disposed handle, `DEVICE_TENSOR_FOREIGN` for a
   * handle of another session or backend.
   */
  payload(handle: DeviceTensor, input: string): P;
  /** Disposes every live handle (call it when the session is disposed). */
  disposeAll(): void;
  /** Handles made and not yet disposed. */
  readonly liveCount: number;
}

interface HandleRecord {
  readonly owner: object;
  readonly payload: unknown;
  disposed: boolean;
  readonly release: () => void;
}

/** Every handle made by this copy of core, with its owner and runtime value (a handle of another copy is foreign). */
const records = new WeakMap<DeviceTensor, HandleRecord>();

const BYTES_PER_ELEMENT: Readonly<Record<TensorDataType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/**
 * Creates the {@link DeviceTensorOwner} of one session of backend `backend` (a name for messages).
 *
 * @example
 * ```ts
 * const owner = createDeviceTensorOwner<ort.Tensor>('webgpu');
 * const handle = owner.adopt({ output: 'y', dtype: 'float32', shape: [2], payload: value,
 *   download: () => value.getData(), release: () => value.dispose() });
 * const fed = owner.payload(handle, 'x'); // the same runtime value, checked
 * ```
 */
export function createDeviceTensorOwner<P>(backend: string): DeviceTensorOwner<P> {
  const owner = {};
  const live = new Set<DeviceTensor>();
  const disposedError = (handle: DeviceTensor, action: string, input?: string): DeviceTensorError =>
    new DeviceTensorError(
      'DEVICE_TENSOR_DISPOSED',
      `${backend}: cannot ${action} the device tensor of output '${handle.output}': it was disposed (by dispose() or its session's dispose())`,
      { backend, output: handle.output, ...(input === undefined ? {} : { input }) },
    );
  return {
    adopt<T extends TensorDataType>(source: DeviceTensorSource<T, P>): DeviceTensor<T> {
      const shape = [...source.shape];
      const byteLength = shapeSize(shape) * BYTES_PER_ELEMENT[source.dtype];
      const handle: DeviceTensor<T> = {
        kind: 'device-tensor',
        dtype: source.dtype,
        shape,
        byteLength,
        backend,
        output: source.output,
        get disposed(): boolean {
          return records.get(handle)?.disposed ?? true;
        },
        async download(): Promise<Tensor<T>> {
          if (handle.disposed) throw disposedError(handle, 'download');
          return createTensor(source.dtype, shape, await source.download());
        },
        dispose(): void {
          const record = records.get(handle);
          if (record === undefined || record.disposed) return;
          record.disposed = true;
          live.delete(handle);
          record.release();
        },
      };
      records.set(handle, { owner, payload: source.payload, disposed: false, release: () => source.release() });
      live.add(handle);
      return handle;
    },
    payload(handle: DeviceTensor, input: string): P {
      const record = records.get(handle);
      if (record === undefined || record.owner !== owner)
        throw new DeviceTensorError(
          'DEVICE_TENSOR_FOREIGN',
          `${backend}: input '${input}' was fed a device tensor of output '${handle.output}' from another ${handle.backend === backend ? 'session' : `backend (${handle.backend})`}; a device tensor can only be fed to the session that produced it (download() it and feed the host tensor instead)`,
          { backend, input, output: handle.output, owner: handle.backend },
        );
      if (record.disposed) throw disposedError(handle, `feed input '${input}' with`, input);
      return record.payload as P;
    },
    disposeAll(): void {
      for (const handle of [...live]) handle.dispose();
    },
    get liveCount(): number {
      return live.size;
    },
  };
}

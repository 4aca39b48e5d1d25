import {
  buildProbeModel,
  createDeviceTensorOwner,
  createTensor,
  isDeviceTensor,
  type BackendRunOptions,
  type BackendSession,
  type DeviceRunResult,
  type DeviceTensor,
  type OnnxModel,
  type Tensor,
} from '@albert-ts/core';
import type * as ort from 'onnxruntime-web';
import {
  coreTypeOf,
  fromOrtTensor,
  ortTypeOf,
  toOrtTensor,
  type OrtWebModule,
  type OrtWebTensor,
} from './ort-tensor-conversion.js';
import { WebBackendError } from './web-backend-error.js';

/** How {@link createOrtWebSession} creates and drives an onnxruntime-web session. */
export interface OrtWebSessionOptions {
  /** Backend name for error messages (`wasm`, `webgpu`). */
  readonly backend: string;
  /** onnxruntime session options (execution providers, optimization level, ...). */
  readonly sessionOptions: ort.InferenceSession.SessionOptions;
  /** Copy model bytes and input buffers before handing them over (the proxy worker transfers them). */
  readonly copyBuffers?: boolean;
  /**
   * Outputs to keep in device memory (`preferredOutputLocation: 'gpu-buffer'`, WebGPU builds only): the session
   * gets `runOnDevice`, which returns them as core `DeviceTensor`s; `run` downloads them. Checked by the caller
   * (`checkDeviceOutputNames`).
   */
  readonly deviceOutputNames?: readonly string[];
}

/** Describes an error thrown by onnxruntime (an `Error`, a string or a number from the wasm side). */
export function describeRuntimeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Creates an onnxruntime-web session for `model` and wraps it as a core {@link BackendSession}: feeds are
 * checked against the graph (names, dtypes, fixed dimensions) before onnxruntime sees them, tensors are
 * converted at the boundary, and runs on one session are serialized (onnxruntime-web does not run one
 * session concurrently).
 */
export async function createOrtWebSession(
  runtime: OrtWebModule,
  model: OnnxModel,
  options: OrtWebSessionOptions,
): Promise<BackendSession> {
  const { backend } = options;
  const deviceOutputs = new Set(options.deviceOutputNames ?? []);
  const sessionOptions: ort.InferenceSession.SessionOptions =
    deviceOutputs.size === 0
      ? options.sessionOptions
      : {
          ...options.sessionOptions,
          preferredOutputLocation: Object.fromEntries([...deviceOutputs].map((name) => [name, 'gpu-buffer' as const])),
        };
  let session: ort.InferenceSession;
  try {
    session = await runtime.InferenceSession.create(
      options.copyBuffers ? model.bytes.slice() : model.bytes,
      sessionOptions,
    );
  } catch (error) {
    throw new WebBackendError(
      'BACKEND_LOAD_FAILED',
      `${backend}: onnxruntime-web could not create a session for the model (${model.bytes.length} bytes): ${describeRuntimeError(error)}`,
      { backend, bytes: model.bytes.length },
      { cause: error },
    );
  }
  const inputNames = [...session.inputNames];
  const outputNames = [...session.outputNames];
  const inputMetadata = new Map<string, ort.InferenceSession.ValueMetadata>();
  for (const metadata of session.inputMetadata ?? []) inputMetadata.set(metadata.name, metadata);
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();
  // The device tensors this session returned: fed back only here, disposed with the session (onnxruntime-web
  // destroys its buffer cache when its last session is released, so no handle may outlive its session).
  const owner = createDeviceTensorOwner<OrtWebTensor>(backend);
  // GPU buffers fed to the last run, by input: JSEP keeps a fed buffer registered as that input until another GPU
  // buffer is fed to it (or the session is released), so a handle disposed while bound is released only then —
  // released at once, its buffer went back to JSEP's pool while still registered, and a later session read a
  // destroyed buffer (measured in the training parity suite: "Tensor shape is too large" in the next case).
  const boundInputs = new Map<string, OrtWebTensor>();
  const releaseWhenUnbound = new Set<OrtWebTensor>();
  let closing = false;
  const releaseUnbound = (): void => {
    const bound = new Set(boundInputs.values());
    for (const value of releaseWhenUnbound)
      if (!bound.has(value)) {
        releaseWhenUnbound.delete(value);
        value.dispose();
      }
  };

  const checkFeeds = (feeds: Readonly<Record<string, Tensor | DeviceTensor>>): void => {
    for (const name of Object.keys(feeds)) {
      if (!inputNames.includes(name)) {
        throw new WebBackendError(
          'BACKEND_INVALID_FEED',
          `${backend}: '${name}' is not an input of the graph (inputs: ${inputNames.join(', ')})`,
          {
            backend,
            input: name,
            expected: inputNames,
          },
        );
      }
    }
    for (const name of inputNames) {
      const tensor = feeds[name];
      if (tensor === undefined) {
        throw new WebBackendError('BACKEND_INVALID_FEED', `${backend}: input '${name}' is missing from the feeds`, {
          backend,
          input: name,
        });
      }
      const metadata = inputMetadata.get(name);
      if (metadata === undefined || !metadata.isTensor) continue;
      if (ortTypeOf(tensor.dtype) !== metadata.type) {
        throw new WebBackendError(
          'BACKEND_INVALID_FEED',
          `${backend}: input '${name}' must be ${metadata.type}, got ${tensor.dtype}`,
          {
            backend,
            input: name,
            expected: metadata.type,
            actual: tensor.dtype,
          },
        );
      }
      const expectedShape = metadata.shape;
      if (expectedShape.length === 0) continue; // unknown (or scalar): nothing to check
      const mismatch =
        expectedShape.length !== tensor.shape.length ||
        expectedShape.some(
          (dimension, axis) => typeof dimension === 'number' && dimension >= 0 && dimension !== tensor.shape[axis],
        );
      if (mismatch) {
        throw new WebBackendError(
          'BACKEND_INVALID_FEED',
          `${backend}: input '${name}' must have shape [${expectedShape.join(', ')}], got [${tensor.shape.join(', ')}]`,
          { backend, input: name, expected: [...expectedShape], actual: [...tensor.shape] },
        );
      }
    }
  };

  /** A host tensor of `value`, downloading (and freeing) it when onnxruntime left it on the device. */
  const hostTensor = async (name: string, value: OrtWebTensor): Promise<Tensor> => {
    if (value.location === 'cpu' || value.location === 'cpu-pinned')
      return fromOrtTensor(value, { backend, output: name });
    const data = await value.getData(true);
    value.dispose();
    return fromOrtTensor(new runtime.Tensor(value.type, data as Float32Array, value.dims), { backend, output: name });
  };

  const runOnce = async (
    feeds: Readonly<Record<string, Tensor | DeviceTensor>>,
    runOptions: BackendRunOptions | undefined,
    keepOnDevice: boolean,
  ): Promise<DeviceRunResult> => {
    if (disposed) throw new WebBackendError('BACKEND_DISPOSED', `${backend}: the session was disposed`, { backend });
    const requested = runOptions?.outputNames ? [...runOptions.outputNames] : outputNames;
    for (const name of requested) {
      if (!outputNames.includes(name)) {
        throw new WebBackendError(
          'BACKEND_UNKNOWN_OUTPUT',
          `${backend}: '${name}' is not an output of the graph (outputs: ${outputNames.join(', ')})`,
          {
            backend,
            output: name,
            expected: outputNames,
          },
        );
      }
    }
    checkFeeds(feeds);
    const ortFeeds: Record<string, OrtWebTensor> = {};
    for (const name of inputNames) {
      const feed = feeds[name] as Tensor | DeviceTensor;
      ortFeeds[name] = isDeviceTensor(feed)
        ? owner.payload(feed, name)
        : toOrtTensor(runtime, feed, { backend, input: name, copy: options.copyBuffers ?? false });
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await session.run(ortFeeds, requested);
    } catch (error) {
      releaseUnbound();
      throw new WebBackendError(
        'BACKEND_RUN_FAILED',
        `${backend}: onnxruntime-web failed to run the graph: ${describeRuntimeError(error)}`,
        { backend },
        { cause: error },
      );
    }
    for (const name of inputNames) {
      const value = ortFeeds[name] as OrtWebTensor;
      if (value.location === 'gpu-buffer') boundInputs.set(name, value);
    }
    releaseUnbound();
    const host: Record<string, Tensor> = {};
    const device: Record<string, DeviceTensor> = {};
    const pending = new Set(requested);
    try {
      for (const name of requested) {
        const value = results[name];
        if (value === undefined) {
          throw new WebBackendError(
            'BACKEND_RUN_FAILED',
            `${backend}: onnxruntime-web returned no value for output '${name}'`,
            { backend, output: name },
          );
        }
        if (keepOnDevice && deviceOutputs.has(name)) {
          device[name] = adopt(name, value);
        } else {
          host[name] = await hostTensor(name, value);
        }
        pending.delete(name);
      }
    } catch (error) {
      // Outputs left on the device that no handle owns yet would stay taken until the session goes.
      for (const name of pending) if (results[name]?.location === 'gpu-buffer') results[name].dispose();
      for (const handle of Object.values(device)) handle.dispose();
      throw error instanceof WebBackendError
        ? error
        : new WebBackendError(
            'BACKEND_RUN_FAILED',
            `${backend}: reading the outputs failed: ${describeRuntimeError(error)}`,
            { backend },
            { cause: error },
          );
    }
    return { host, device };
  };

  /** A core device tensor over an onnxruntime-web output (a GPU buffer; a CPU tensor when it is empty). */
  const adopt = (name: string, value: OrtWebTensor): DeviceTensor => {
    const dtype = coreTypeOf(value.type, { backend, output: name });
    return owner.adopt({
      output: name,
      dtype,
      shape: value.dims.map(Number),
      payload: value,
      download: async () => {
        try {
          const data = (await value.getData()) as Float32Array;
          return fromOrtTensor(new runtime.Tensor(value.type, data, value.dims), { backend, output: name }).data;
        } catch (error) {
          throw new WebBackendError(
            'BACKEND_RUN_FAILED',
            `${backend}: downloading output '${name}' from the device failed: ${describeRuntimeError(error)}`,
            { backend, output: name },
            { cause: error },
          );
        }
      },
      release: () => {
        if (closing || [...boundInputs.values()].includes(value)) releaseWhenUnbound.add(value);
        else value.dispose();
      },
    });
  };

  const enqueue = (
    feeds: Readonly<Record<string, Tensor | DeviceTensor>>,
    runOptions: BackendRunOptions | undefined,
    keepOnDevice: boolean,
  ): Promise<DeviceRunResult> => {
    const result = queue.then(() => runOnce(feeds, runOptions, keepOnDevice));
    queue = result.catch(() => undefined);
    return result;
  };

  const wrapped: BackendSession = {
    inputNames,
    outputNames,
    async run(feeds, runOptions) {
      return (await enqueue(feeds, runOptions, false)).host;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      // The handles left are released after the session (which unregisters the fed buffers first).
      closing = true;
      owner.disposeAll();
      await session.release();
      for (const value of releaseWhenUnbound) {
        try {
          value.dispose();
        } catch {
          // onnxruntime-web already dropped its buffers with its last session
        }
      }
      releaseWhenUnbound.clear();
      boundInputs.clear();
    },
  };
  return deviceOutputs.size === 0
    ? wrapped
    : { ...wrapped, runOnDevice: (feeds, runOptions) => enqueue(feeds, runOptions, true) };
}

/**
 * Loads core's probe model (`y = x + x`) and checks its answer: proves that the runtime really initializes
 * here (the `.wasm` is found, the engine accepts it, the device computes). Returns the reason when not.
 */
export async function runProbeModel(ort: OrtWebModule, options: OrtWebSessionOptions): Promise<string | undefined> {
  const model = buildProbeModel();
  const session = await createOrtWebSession(ort, model, options);
  try {
    const input = model.inputNames[0] as string;
    const output = model.outputNames[0] as string;
    const result = await session.run({ [input]: createTensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)) });
    const values = result[output]?.data;
    if (!(values instanceof Float32Array) || values.join(',') !== '2,4,6,8') {
      return `${options.backend}: the probe model (y = x + x) returned ${values === undefined ? 'nothing' : `[${[...values].join(', ')}]`} instead of [2, 4, 6, 8]`;
    }
    return undefined;
  } finally {
    await session.dispose();
  }
}

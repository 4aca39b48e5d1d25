import {
  isDeviceBackendSession,
  isDeviceTensor,
  supportsDeviceTensors,
  type Backend,
  type BackendLoadOptions,
  type BackendSession,
  type DeviceTensor,
  type Tensor,
} from '@albert-ts/core';
import { TRAINING_LOAD_OPTIONS } from './training-load-options.js';
import { checkOptionKeys, type AdamW } from '../optim/adamw.js';
import { adamwStateNames, adamwStepScalars, GRAD_NORM_OUTPUT } from '../optim/adamw-update-graph.js';
import { TrainingError } from '../training-error.js';
import type { ParameterSet, ReadonlyParameterSet } from '../optim/parameter-set.js';
import { trainingGraphFeeds } from './training-graph-feeds.js';
import { adamwGraphFeeds, adamwGraphOutputNames, commitAdamWGraphOutputs } from './adamw-graph-state.js';
import type { AlbertTrainingStepGraph } from './albert-training-step-graph.js';

/** What one fused training step returns. */
export interface TrainingStepResult {
  /** The mean loss of the batch (before the update). */
  readonly loss: number;
  /** The total gradient norm before clipping. */
  readonly gradNorm: number;
  /** The head's outputs (logits), by name. */
  readonly outputs: Readonly<Record<string, Tensor>>;
  /**
   * What crossed between JavaScript and the backend in this step: the bytes of the host tensors fed (weights,
   * moments, batch, step scalars; with the state on the device, only the batch, the scalars and the parameters
   * without a gradient) and fetched (loss, logits, `grad_norm`, and on the host path the updated state).
   */
  readonly transfer: TrainingStepTransfer;
}

/** Bytes moved between JavaScript and the backend by one step (see {@link TrainingStepResult.transfer}). */
export interface TrainingStepTransfer {
  /** Bytes of the host tensors fed to the backend. */
  readonly fedBytes: number;
  /** Bytes of the outputs copied back to JavaScript. */
  readonly fetchedBytes: number;
}

/** Options of {@link TrainingStepSession.load} beside the backend's load options. */
export interface TrainingStepSessionOptions {
  /**
   * Keep the updated weights and both AdamW moments on the backend's device between steps (backends with
   * `capabilities.deviceTensors`: WebGPU). Default `false`, opt-in while a known onnxruntime-web JSEP problem stands:
   * after sessions that fed GPU outputs back, a later session in the same page can fail with "Tensor shape is too
   * large" (docs/architecture.md). `true` on a backend without device tensors is a {@link TrainingError}
   * `TRAINING_UNSUPPORTED_OPTION`.
   */
  readonly keepStateOnDevice?: boolean;
}

const SESSION_OPTION_KEYS: ReadonlySet<string> = new Set(['keepStateOnDevice']);

/** Bytes of a host tensor's elements. */
function tensorBytes(tensor: Tensor): number {
  return tensor.data.byteLength;
}

/**
 * A whole training step (forward, backward, clipping, AdamW) as one graph on a backend
 * ({@link buildAlbertTrainingStepGraph}): each {@link TrainingStepSession.step} feeds the master weights,
 * the moments and a batch, and takes the updated weights and moments back (the output arrays replace the
 * entries of the parameter set; the moments go to the {@link AdamW}, which keeps `stateDict` and saving
 * working as with the TypeScript optimizer).
 *
 * With {@link TrainingStepSessionOptions.keepStateOnDevice} on a backend that keeps tensors on its device (WebGPU),
 * the updated weights and moments stay there instead: each step feeds the previous step's outputs back as
 * device tensors and frees the ones before; only the loss, the logits and `grad_norm` come to JavaScript. The
 * parameter set and the optimizer are then refreshed only at a sync point, {@link TrainingStepSession.download}
 * (which `Trainer.save`, `checkpointFiles`, `evaluate` and `synchronize` call), and
 * {@link TrainingStepSession.release} hands the state back to JavaScript (before the host copies are replaced).
 *
 * @example
 * ```ts
 * const graph = buildAlbertTrainingStepGraph(config, weights, { head, optimizer: { maxGradNorm: 1 } });
 * const session = await TrainingStepSession.load(backend, graph, shapes);
 * const { loss } = await session.step(parameters, optimizer, 5e-5, feeds);
 * await session.download(parameters, optimizer); // parameters and optimizer.stateDict() are current
 * ```
 */
export class TrainingStepSession {
  /**
   * The state on the device (by input name: each updated parameter and its two moments), when the last step
   * left it there; `undefined` when JavaScript holds the current state.
   */
  private deviceState: Map<string, DeviceTensor> | undefined;
  /** Steps taken on the device since the optimizer last recorded one. */
  private pendingSteps = 0;

  private constructor(
    /** The graph. */
    readonly graph: AlbertTrainingStepGraph,
    private readonly session: BackendSession,
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
    /** Whether the updated weights and moments stay on the backend's device between steps. */
    readonly keepsStateOnDevice: boolean,
  ) {}

  /**
   * Loads `graph` on `backend`.
   *
   * @param shapes - the shape of every parameter input (from the weights).
   * @param options - load options; onnxruntime's memory pattern is off unless they turn it on
   *   ({@link TRAINING_LOAD_OPTIONS}).
   */
  static async load(
    backend: Backend,
    graph: AlbertTrainingStepGraph,
    shapes: ReadonlyMap<string, readonly number[]>,
    options: BackendLoadOptions = {},
    sessionOptions: TrainingStepSessionOptions = {},
  ): Promise<TrainingStepSession> {
    checkOptionKeys('TrainingStepSession.load', sessionOptions, SESSION_OPTION_KEYS);
    const { keepStateOnDevice } = sessionOptions;
    if (keepStateOnDevice !== undefined && typeof keepStateOnDevice !== 'boolean')
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `keepStateOnDevice must be a boolean, not ${String(keepStateOnDevice)}`,
        {
          field: 'keepStateOnDevice',
          value: String(keepStateOnDevice),
        },
      );
    const supported = supportsDeviceTensors(backend);
    if (keepStateOnDevice === true && !supported)
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPTION',
        `keepStateOnDevice: the ${backend.name} backend keeps no tensors on a device (its capabilities.deviceTensors is not true)`,
        { field: 'keepStateOnDevice', value: backend.name },
      );
    const onDevice = keepStateOnDevice ?? false;
    const session = await backend.load(graph, {
      ...TRAINING_LOAD_OPTIONS,
      ...options,
      ...(onDevice ? { deviceOutputNames: adamwGraphOutputNames(graph.updated) } : {}),
    });
    if (onDevice && !isDeviceBackendSession(session)) {
      await session.dispose();
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPTION',
        `keepStateOnDevice: the ${backend.name} backend advertises device tensors, but its session has no runOnDevice`,
        { field: 'keepStateOnDevice', value: backend.name },
      );
    }
    return new TrainingStepSession(graph, session, shapes, onDevice);
  }

  /** Whether the current weights and moments are on the device (a {@link TrainingStepSession.download} would copy them). */
  get stateOnDevice(): boolean {
    return this.deviceState !== undefined;
  }

  /**
   * One training step on `feeds` (model inputs and labels by HF name) at learning rate `lr`: the updated
   * parameters replace the entries of `parameters`, `optimizer` records the new moments and the step — at once,
   * or with the state on the device ({@link TrainingStepSession.keepsStateOnDevice}) at the next
   * {@link TrainingStepSession.download}.
   *
   * @throws {@link TrainingError} `TRAINING_BAD_BATCH` when a model input or label is missing.
   */
  async step(
    parameters: ParameterSet,
    optimizer: AdamW,
    lr: number,
    feeds: Readonly<Record<string, Tensor>>,
  ): Promise<TrainingStepResult> {
    const outputNames = [
      'loss',
      ...this.graph.logitOutputs,
      GRAD_NORM_OUTPUT,
      ...adamwGraphOutputNames(this.graph.updated),
    ];
    if (!this.keepsStateOnDevice) {
      const all = this.feeds(parameters, optimizer, lr, feeds);
      const outputs = await this.session.run(all, { outputNames });
      commitAdamWGraphOutputs(this.graph.updated, outputs, parameters, optimizer);
      return this.result(outputs, all);
    }
    const all = this.deviceFeeds(parameters, optimizer, lr, feeds);
    const { host, device } = await (this.session as Required<BackendSession>).runOnDevice(all, { outputNames });
    // The new state replaces the previous one, which this session owns and frees now (the run has read it).
    const next = new Map<string, DeviceTensor>();
    for (const name of this.graph.updated) {
      const names = adamwStateNames(name);
      for (const [input, output] of [
        [name, names.updatedParameter],
        [names.expAvg, names.updatedExpAvg],
        [names.expAvgSq, names.updatedExpAvgSq],
      ] as const) {
        const handle = device[output];
        if (handle === undefined) {
          for (const unused of Object.values(device)) unused.dispose();
          throw new TrainingError('TRAINING_BAD_STATE', `the training step returned no ${output} on the device`, {
            field: output,
          });
        }
        next.set(input, handle);
      }
    }
    for (const handle of this.deviceState?.values() ?? []) handle.dispose();
    this.deviceState = next;
    this.pendingSteps += 1;
    return this.result(host, all);
  }

  /**
   * Copies the weights and moments from the device into `parameters` and `optimizer` (which records the steps
   * taken there): a sync point before reading them (`stateDict`, saving, an evaluation by another session). The
   * state stays on the device for the next step. Nothing to do (and nothing copied) when it is not there.
   */
  async download(parameters: ParameterSet, optimizer: AdamW): Promise<void> {
    const state = this.deviceState;
    if (state === undefined) return;
    const read = async (name: string): Promise<Float32Array> => {
      const tensor = await (state.get(name) as DeviceTensor).download();
      if (tensor.dtype !== 'float32')
        throw new TrainingError('TRAINING_BAD_STATE', `the device state ${name} is ${tensor.dtype}, not float32`, {
          field: name,
        });
      return tensor.data as Float32Array;
    };
    const downloaded = new Map<string, Float32Array>();
    for (const name of state.keys()) downloaded.set(name, await read(name));
    for (const name of this.graph.updated) {
      const names = adamwStateNames(name);
      parameters.set(name, downloaded.get(name) as Float32Array);
      // One record per step taken on the device: the step counts advance as with the host path; the moments are the last.
      for (let step = 0; step < this.pendingSteps; step += 1)
        optimizer.recordStep(
          name,
          downloaded.get(names.expAvg) as Float32Array,
          downloaded.get(names.expAvgSq) as Float32Array,
        );
    }
    this.pendingSteps = 0;
  }

  /**
   * {@link TrainingStepSession.download}, then frees the device copies: JavaScript's `parameters` and
   * `optimizer` are the state again, and the next step feeds them (call it before changing either, e.g. before
   * loading an optimizer state).
   */
  async release(parameters: ParameterSet, optimizer: AdamW): Promise<void> {
    await this.download(parameters, optimizer);
    for (const handle of this.deviceState?.values() ?? []) handle.dispose();
    this.deviceState = undefined;
  }

  /** Forward only: loss and logits (no gradient or update is computed; the state is fed, not changed). */
  async evaluate(
    parameters: ParameterSet,
    optimizer: AdamW,
    feeds: Readonly<Record<string, Tensor>>,
  ): Promise<Omit<TrainingStepResult, 'gradNorm' | 'transfer'>> {
    const outputNames = ['loss', ...this.graph.logitOutputs];
    // With the state on the device, the forward reads it there (no download).
    const outputs =
      this.deviceState === undefined
        ? await this.session.run(this.feeds(parameters, optimizer, optimizer.lr, feeds), { outputNames })
        : (
            await (this.session as Required<BackendSession>).runOnDevice(
              this.deviceFeeds(parameters, optimizer, optimizer.lr, feeds),
              { outputNames },
            )
          ).host;
    return { loss: Number(outputs['loss']?.data[0]), outputs: this.headOutputs(outputs) };
  }

  /** The feeds of a step with the state on the device: the previous step's outputs where there are some. */
  private deviceFeeds(
    parameters: ReadonlyParameterSet,
    optimizer: AdamW,
    lr: number,
    feeds: Readonly<Record<string, Tensor>>,
  ): Record<string, Tensor | DeviceTensor> {
    const state = this.deviceState;
    if (state === undefined) return this.feeds(parameters, optimizer, lr, feeds);
    // Parameters without a gradient and the batch come from JavaScript; the updated ones and the moments do not.
    const all: Record<string, Tensor | DeviceTensor> = trainingGraphFeeds(
      { ...this.graph, parameterInputs: this.graph.parameterInputs.filter((name) => !state.has(name)) },
      this.shapes,
      parameters,
      feeds,
      'training step',
    );
    for (const [name, handle] of state) all[name] = handle;
    const first = this.graph.updated[0];
    const hostStep =
      first === undefined ? 0 : optimizer.moments(first, (parameters.get(first) ?? new Float32Array()).length).step;
    const { betas, weightDecay } = optimizer.hyperParameters;
    return { ...all, ...adamwStepScalars({ lr, step: hostStep + this.pendingSteps + 1, betas, weightDecay }) };
  }

  private result(
    outputs: Readonly<Record<string, Tensor>>,
    fed: Readonly<Record<string, Tensor | DeviceTensor>>,
  ): TrainingStepResult {
    let fedBytes = 0;
    for (const tensor of Object.values(fed)) if (!isDeviceTensor(tensor)) fedBytes += tensorBytes(tensor);
    let fetchedBytes = 0;
    for (const tensor of Object.values(outputs)) fetchedBytes += tensorBytes(tensor);
    return {
      loss: Number(outputs['loss']?.data[0]),
      gradNorm: Number(outputs[GRAD_NORM_OUTPUT]?.data[0]),
      outputs: this.headOutputs(outputs),
      transfer: { fedBytes, fetchedBytes },
    };
  }

  private feeds(
    parameters: ReadonlyParameterSet,
    optimizer: AdamW,
    lr: number,
    feeds: Readonly<Record<string, Tensor>>,
  ): Record<string, Tensor> {
    return {
      ...adamwGraphFeeds(this.graph.updated, this.shapes, parameters, optimizer, lr),
      ...trainingGraphFeeds(this.graph, this.shapes, parameters, feeds, 'training step'),
    };
  }

  private headOutputs(outputs: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
    const head: Record<string, Tensor> = {};
    for (const name of this.graph.logitOutputs) {
      const tensor = outputs[name];
      if (tensor !== undefined) head[name] = tensor;
    }
    return head;
  }

  /**
   * Frees the backend session, and with it the state on the device: {@link TrainingStepSession.download} first
   * to keep it.
   */
  async dispose(): Promise<void> {
    this.deviceState = undefined;
    await this.session.dispose();
  }
}

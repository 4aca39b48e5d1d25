import { checkOptionKeys, type AlbertConfig } from '@albert-ts/config';
import type { Backend, BackendLoadOptions, BackendSession } from '../backend/backend.js';
import { selectBackend } from '../backend/select-backend.js';
import { requireBackend } from '../backend/require-backend.js';
import { loadPretrainedWeights, type CheckpointLimits, type ModelFileSource } from '../checkpoint/index.js';
import {
  pickResolvePretrainedOptions,
  RESOLVE_PRETRAINED_OPTION_KEYS,
  resolvePretrained,
  type ResolvePretrainedOptions,
} from '../hub/resolve-pretrained.js';
import {
  buildAlbertGraph,
  type AlbertGraph,
  type AlbertGraphFlavour,
  type AlbertGraphOptions,
  type AlbertGraphWeights,
  type AlbertHeadName,
} from '../graph/albert-graph.js';
import { chooseFusedAttention } from '../graph/fused/choose-fused-attention.js';
import { releaseWholeBuffer } from '../memory/release-array-buffer.js';
import { createTensor, type Tensor } from '../tensor.js';
import {
  padEncodings,
  runInLengthBuckets,
  sliceBatchRow,
  type LengthBucketOptions,
  type SequenceEncoding,
} from './length-buckets.js';
import { resolveModelDtype, type AlbertModelDtype, type ResolvedModelDtype } from './model-dtype.js';
import { InputError } from './input-error.js';
import { ModelStateError } from './model-state-error.js';
import {
  prepareAlbertInputs,
  prepareHeadMask,
  type AlbertInputs,
  type ArrayInput,
  type PreparedInputs,
} from './model-inputs.js';

/** Everything a model instance is made of; {@link AlbertPreTrainedModel.fromPretrained} loads it. */
export interface AlbertModelParts {
  /** The model's config. */
  readonly config: AlbertConfig;
  /** Canonical weights (e.g. from `resolveAlbertWeights`). */
  readonly weights: AlbertGraphWeights;
  /** The backend that runs the graphs. */
  readonly backend: Backend;
  /** Where the model came from (used to find the tokenizer files), when known. */
  readonly source?: ModelFileSource;
  /**
   * Reads the weights again (e.g. from the checkpoint file). When given, the model releases its copy
   * of the weights once a graph session holds them, and calls this when it needs another graph
   * variant (unless {@link AlbertModelParts.keepWeights}). {@link loadAlbertParts} sets it.
   */
  readonly reloadWeights?: () => Promise<AlbertGraphWeights>;
  /** Keep the weights after the sessions are built (see {@link FromPretrainedOptions.keepWeights}). */
  readonly keepWeights?: boolean;
  /** Passed to {@link Backend.load}. */
  readonly loadOptions?: BackendLoadOptions;
  /** Graph flavour (default `auto`, see {@link AlbertModelFlavour}). */
  readonly flavour?: AlbertModelFlavour;
  /** Precision (default `fp32`, see {@link AlbertModelDtype}). */
  readonly dtype?: AlbertModelDtype;
}

/**
 * The graph flavour a model instance asks for: `auto` (default) and `fused` build the fused graph
 * where `chooseFusedAttention` finds the backend's operators and the requested outputs allow it, and
 * the plain graph otherwise; `plain` always builds the standard-operator graph. Results are the same.
 */
export type AlbertModelFlavour = 'auto' | AlbertGraphFlavour;

/**
 * Options of `fromPretrained`: the backend and graph settings, plus every option of
 * {@link resolvePretrained} (`revision`, `cacheDir`, `localFilesOnly`, `token`, `onProgress`,
 * `endpoint`, `cwd`, `environment`, ...) for the default `resolveSource`, as in
 * `AlbertForMaskedLM.fromPretrained('albert/albert-base-v2', { backend, revision: 'main', onProgress })`.
 */
export interface FromPretrainedOptions extends ResolvePretrainedOptions {
  /** The backend, or candidates of which the first available one is used (see `selectBackend`). */
  readonly backend: Backend | readonly Backend[];
  /**
   * Turns a string into a file source. Default: `resolvePretrained` — an existing local directory,
   * else a Hugging Face Hub id (`albert/albert-base-v2`) downloaded into the Python-compatible cache
   * (Node) or fetched into the Cache API (browsers), with these options' Hub fields (then
   * {@link FromPretrainedOptions.hub}, which overrides them).
   */
  readonly resolveSource?: (nameOrPath: string) => ModelFileSource | Promise<ModelFileSource>;
  /** Hub options for the default `resolveSource`, overriding the same fields given at the top level (kept for compatibility). */
  readonly hub?: ResolvePretrainedOptions;
  /** Use this config instead of the source's `config.json`. */
  readonly config?: AlbertConfig;
  /** Session options passed to the backend. */
  readonly loadOptions?: BackendLoadOptions;
  /** Graph flavour (default `auto`: fused where the backend allows it; `plain` forces the plain graph). */
  readonly flavour?: AlbertModelFlavour;
  /**
   * Precision of the graph built from the float32 checkpoint (default `fp32`): `int8` on CPU/WASM
   * backends, `fp16` where `backend.capabilities.float16`; a `DtypeError` naming the backend
   * otherwise. Outputs are float32 tensors in every case.
   */
  readonly dtype?: AlbertModelDtype;
  /**
   * Keep the JavaScript copy of the weights for the model's lifetime (default `false`). By default a
   * model loaded from a source releases it once a graph session holds the weights (the session has
   * its own copy; ~1× the checkpoint saved) and re-reads the checkpoint if it later needs another
   * graph variant (e.g. `outputHiddenStates` for the first time). Set it when the source may change
   * or disappear, or to read `model.weights` at any time.
   */
  readonly keepWeights?: boolean;
  /**
   * Raises (or lowers) the bounds the checkpoint readers enforce before allocating (header, index
   * and pickle sizes, storage overhead; see `CheckpointLimits` and docs/testing.md). Only for files
   * you trust.
   */
  readonly checkpointLimits?: Partial<CheckpointLimits>;
  /**
   * Initialize the head weights a checkpoint lacks (the pooler, a new classifier, ...) as HF does —
   * normal(0, `initializer_range`) weights, zero biases, LayerNorm 1/0 — and warn with HF's "Some weights
   * of ... were not initialized" message (default true). `false` fails with `CHECKPOINT_MISSING_TENSOR`.
   * A missing embedding or encoder tensor is always an error.
   */
  readonly initializeMissingHead?: boolean;
  /** Seed of that initialization (default: a random one, kept for re-reads of the same model). */
  readonly seed?: number;
  /** Initialize weights whose checkpoint shape differs from the config's instead of failing (HF `ignore_mismatched_sizes`). */
  readonly ignoreMismatchedSizes?: boolean;
  /** Receives loading warnings (newly initialized weights); default `console.warn`. */
  readonly onWarning?: (message: string) => void;
  /** Sets the config's `output_attentions` (the default of every `forward`), as HF's `from_pretrained(..., output_attentions=True)`. */
  readonly outputAttentions?: boolean;
  /** Sets the config's `output_hidden_states` (the default of every `forward`). */
  readonly outputHiddenStates?: boolean;
}

/** Every key of {@link FromPretrainedOptions} (they are checked: an unknown key is an `OptionsError`). */
export const FROM_PRETRAINED_OPTION_KEYS = [
  'backend',
  'resolveSource',
  'hub',
  'config',
  'loadOptions',
  'flavour',
  'dtype',
  'keepWeights',
  'checkpointLimits',
  'initializeMissingHead',
  'seed',
  'ignoreMismatchedSizes',
  'onWarning',
  'outputAttentions',
  'outputHiddenStates',
  ...RESOLVE_PRETRAINED_OPTION_KEYS,
] as const;

/** Every key of {@link ForwardOptions}. */
export const FORWARD_OPTION_KEYS = ['outputHiddenStates', 'outputAttentions', 'headMask'] as const;

/** Options of every `forward`. */
export interface ForwardOptions {
  /** Also return `hiddenStates` (L + 1 tensors `[batch, sequence, hidden]`). */
  readonly outputHiddenStates?: boolean;
  /** Also return `attentions` (L × inner_group_num tensors `[batch, heads, sequence, sequence]`). */
  readonly outputAttentions?: boolean;
  /** Multiplies the attention probabilities: shape `[heads]` or `[num_hidden_layers, heads]` (HF rows). */
  readonly headMask?: ArrayInput;
}

/** The optional outputs every head can return. */
export interface AlbertOptionalOutputs {
  /** The embedding output after E→H, then the output of each of the L layer applications. */
  readonly hiddenStates?: Tensor<'float32'>[];
  /** Attention probabilities (after the head mask), in the order the layers were applied. */
  readonly attentions?: Tensor<'float32'>[];
}

/** What a graph run returns before a head shapes it. */
export interface AlbertRunResult extends AlbertOptionalOutputs {
  /** Graph outputs by ONNX name. */
  readonly outputs: Record<string, Tensor<'float32'>>;
  /** The validated inputs. */
  readonly prepared: PreparedInputs;
}

/** A model class: constructible from parts, with its head name. */
export interface AlbertModelClass<T> {
  /** Builds the model from loaded parts. */
  new (parts: AlbertModelParts): T;
  /** The HF class name of the head. */
  readonly head: AlbertHeadName;
}

/** Reads config + checkpoint from a source and resolves the weights a head needs. */
export async function loadAlbertParts(
  head: AlbertHeadName,
  dirOrSource: string | ModelFileSource,
  options: FromPretrainedOptions,
): Promise<AlbertModelParts> {
  requireBackend(options, 'fromPretrained'); // a typed error naming the package to install, before any file is read
  checkOptionKeys(options, FROM_PRETRAINED_OPTION_KEYS, `${head}.fromPretrained`);
  const resolveSource =
    options.resolveSource ??
    ((nameOrPath: string) =>
      resolvePretrained(nameOrPath, pickResolvePretrainedOptions({ ...options, ...options.hub })));
  const source = typeof dirOrSource === 'string' ? await resolveSource(dirOrSource) : dirOrSource;
  const backend = Array.isArray(options.backend) ? await selectBackend(options.backend) : (options.backend as Backend);
  // fail before reading the checkpoint when the backend cannot run the dtype
  if (options.dtype !== undefined) resolveModelDtype(options.dtype, backend);
  const limits = options.checkpointLimits === undefined ? {} : { checkpointLimits: options.checkpointLimits };
  // one seed for the model's life: a re-read of the checkpoint initializes the same weights again
  const initialization = {
    ...limits,
    initializeMissingHead: options.initializeMissingHead !== false,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    ...(options.ignoreMismatchedSizes === undefined ? {} : { ignoreMismatchedSizes: options.ignoreMismatchedSizes }),
  };
  const weightOptions = options.config === undefined ? initialization : { ...initialization, config: options.config };
  const loaded = await loadPretrainedWeights(source, head, weightOptions);
  const { weights, warnings } = loaded;
  const overrides = {
    ...(options.outputAttentions === undefined ? {} : { outputAttentions: options.outputAttentions }),
    ...(options.outputHiddenStates === undefined ? {} : { outputHiddenStates: options.outputHiddenStates }),
  };
  const config = Object.keys(overrides).length === 0 ? loaded.config : loaded.config.with(overrides);
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  for (const warning of warnings) warn(warning);
  return {
    config,
    weights,
    backend,
    source,
    reloadWeights: async () => (await loadPretrainedWeights(source, head, { ...initialization, config })).weights,
    ...(options.keepWeights === undefined ? {} : { keepWeights: options.keepWeights }),
    ...(options.loadOptions === undefined ? {} : { loadOptions: options.loadOptions }),
    ...(options.flavour === undefined ? {} : { flavour: options.flavour }),
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
  };
}

/**
 * Base of the ALBERT model classes: holds the config, weights and backend, builds one ONNX graph per
 * requested output set (cached), validates inputs and runs the graph.
 */
export abstract class AlbertPreTrainedModel {
  /** The model's config. */
  readonly config: AlbertConfig;
  /** The backend that runs the graphs. */
  readonly backend: Backend;
  /** Where the model came from, when loaded with `fromPretrained`. */
  readonly source: ModelFileSource | undefined;
  /** The HF class name of this head. */
  abstract readonly head: AlbertHeadName;
  private readonly loadOptions: BackendLoadOptions | undefined;
  private readonly flavour: AlbertModelFlavour;
  private readonly precision: ResolvedModelDtype;
  /** The precision the graphs are built with. */
  readonly dtype: AlbertModelDtype;
  private readonly sessions = new Map<string, Promise<BackendSession>>();
  private heldWeights: AlbertGraphWeights | undefined;
  private readonly reloadWeights: (() => Promise<AlbertGraphWeights>) | undefined;
  private readonly releaseWeights: boolean;
  private reloading: Promise<AlbertGraphWeights> | undefined;
  /** Calls in flight (forward, forwardMany, fillMask...); `dispose` lets them finish first. */
  private readonly pending = new Set<Promise<unknown>>();
  private disposing: Promise<void> | undefined;

  /** @param parts - config, weights, backend (see {@link loadAlbertParts}). */
  constructor(parts: AlbertModelParts) {
    this.config = parts.config;
    this.heldWeights = parts.weights;
    this.reloadWeights = parts.reloadWeights;
    this.releaseWeights = parts.reloadWeights !== undefined && parts.keepWeights !== true;
    this.backend = parts.backend;
    this.source = parts.source;
    this.loadOptions = parts.loadOptions;
    this.flavour = parts.flavour ?? 'auto';
    this.dtype = parts.dtype ?? 'fp32';
    this.precision = resolveModelDtype(this.dtype, this.backend);
  }

  /**
   * Loads a model from a directory path, a {@link ModelFileSource} or (with `resolveSource`) a Hub id:
   * `config.json` + a checkpoint (safetensors, PyTorch, Flax).
   *
   * @example
   * ```ts
   * import { AlbertForMaskedLM } from '@albert-ts/core';
   * import { nodeBackend } from '@albert-ts/backend-node';
   *
   * // A Hub id (downloaded into the cache Python uses), a local directory, or a ModelFileSource.
   * const model = await AlbertForMaskedLM.fromPretrained('albert/albert-base-v2', {
   *   backend: nodeBackend(),
   *   revision: 'main',
   *   dtype: 'fp32',
   *   onProgress: (progress) => console.log(progress),
   * });
   * ```
   */
  static async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: FromPretrainedOptions,
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, options));
  }

  /**
   * The ONNX graph of this head for the given optional outputs, as this model runs it: its dtype, and
   * its flavour resolved for its backend (`options.flavour: 'plain'` gives the portable graph).
   * Re-reads the weights first if the model released them.
   */
  async exportGraph(options: Omit<AlbertGraphOptions, 'head'> = {}): Promise<AlbertGraph> {
    this.checkAlive('exportGraph');
    return this.buildGraph(await this.loadWeights(), options);
  }

  /**
   * The weights the graphs are built from. A model loaded with `fromPretrained` releases them once a
   * graph session holds them (unless `keepWeights: true`); reading them then throws
   * {@link ModelStateError} `MODEL_WEIGHTS_RELEASED` — use {@link AlbertPreTrainedModel.loadWeights}.
   */
  get weights(): AlbertGraphWeights {
    if (this.heldWeights === undefined) {
      throw new ModelStateError(
        'MODEL_WEIGHTS_RELEASED',
        'model.weights: the weights were released after the graph session was built (it holds its own copy); use `await model.loadWeights()` to read them again, or load the model with `keepWeights: true`',
        {
          field: 'weights',
          hint: 'await model.loadWeights() or fromPretrained(..., { keepWeights: true })',
        },
      );
    }
    return this.heldWeights;
  }

  /** The weights, re-read from the model's source if they were released (then held until the next session is built). */
  async loadWeights(): Promise<AlbertGraphWeights> {
    if (this.heldWeights !== undefined) return this.heldWeights;
    this.checkAlive('loadWeights');
    if (this.reloadWeights === undefined) throw new Error('internal: weights released without a way to reload them');
    this.reloading ??= this.reloadWeights().finally(() => (this.reloading = undefined));
    this.heldWeights = await this.reloading;
    return this.heldWeights;
  }

  private buildGraph(weights: AlbertGraphWeights, options: Omit<AlbertGraphOptions, 'head'>): AlbertGraph {
    return buildAlbertGraph(
      this.config,
      weights,
      this.resolveFlavour({ ...this.precision, ...options, flavour: options.flavour ?? this.flavour, head: this.head }),
    );
  }

  /**
   * The graph options of a variant: with the fused flavour, the fused attention the backend supports
   * for it (`chooseFusedAttention`), or the plain flavour where none can reproduce HF.
   */
  private resolveFlavour(
    requested: Omit<AlbertGraphOptions, 'flavour'> & { readonly flavour?: AlbertModelFlavour },
  ): AlbertGraphOptions {
    const { flavour, ...rest } = requested;
    if (flavour === 'plain' || flavour === undefined) return { ...rest, flavour: 'plain' };
    const options: AlbertGraphOptions = { ...rest, flavour: 'fused' };
    const choice = chooseFusedAttention(this.backend, 'auto', {
      positionEmbeddingType: this.config.positionEmbeddingType,
      hiddenAct: this.config.hiddenAct,
      headMask: options.headMask === true,
      outputAttentions: options.outputAttentions === true,
      precision: options.precision ?? 'float32',
    });
    return choice.kind === null
      ? { ...options, flavour: 'plain' }
      : { ...options, fusedAttention: choice.kind, skipLayerNormalization: choice.skipLayerNormalization };
  }

  private session(
    requested: Omit<AlbertGraphOptions, 'flavour'> & { readonly flavour?: AlbertModelFlavour },
  ): Promise<BackendSession> {
    const options = this.resolveFlavour(requested);
    const key = JSON.stringify([
      options.outputHiddenStates === true,
      options.outputAttentions === true,
      options.headMask === true,
      options.inputsEmbeds === true,
      options.logitsPositions === true,
    ]);
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = (async () => {
        const graph = buildAlbertGraph(this.config, await this.loadWeights(), options);
        const loaded = await this.backend.load(graph, this.loadOptions);
        // The session holds its own copy of the graph and of every weight: free the encoded graph now
        // (docs/performance.md, section 9) and drop our weights (re-read if another variant is needed).
        releaseWholeBuffer(graph.bytes);
        if (this.releaseWeights) this.heldWeights = undefined;
        return loaded;
      })();
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
    }
    return session;
  }

  /**
   * Validates inputs, runs the graph variant for `options` and collects the outputs. With
   * `logitsPositions` (MLM heads), the graph computes logits at those positions of each row only.
   */
  protected runGraph(
    inputs: AlbertInputs,
    options: ForwardOptions,
    rank: 2 | 3,
    logitsPositions?: readonly (readonly number[])[],
  ): Promise<AlbertRunResult> {
    return this.track('forward', () => this.runGraphNow(inputs, options, rank, logitsPositions));
  }

  /** Whether {@link AlbertPreTrainedModel.dispose} was called. */
  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  /** Throws `MODEL_DISPOSED` once `dispose()` was called. */
  private checkAlive(operation: string): void {
    if (this.disposing !== undefined) {
      throw new ModelStateError(
        'MODEL_DISPOSED',
        `model.${operation}: the model was disposed; load it again to use it`,
        {
          field: operation,
          hint: 'load the model again (fromPretrained) after dispose()',
        },
      );
    }
  }

  /**
   * Runs `work` as a call in flight: refused with `MODEL_DISPOSED` once `dispose()` was called, and
   * waited for by `dispose()` when it started before.
   */
  private track<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      this.checkAlive(operation);
    } catch (error) {
      return Promise.reject(error);
    }
    const running = work();
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return running;
  }

  private async runGraphNow(
    inputs: AlbertInputs,
    options: ForwardOptions,
    rank: 2 | 3,
    logitsPositions?: readonly (readonly number[])[],
  ): Promise<AlbertRunResult> {
    const prepared = prepareAlbertInputs(this.config, inputs, { rank });
    const feeds = { ...prepared.feeds };
    if (options.headMask !== undefined && options.headMask !== null)
      feeds['head_mask'] = prepareHeadMask(this.config, options.headMask);
    if (logitsPositions !== undefined)
      feeds['logits_positions'] = prepareLogitsPositions(logitsPositions, prepared.shape as readonly number[]);
    const graphOptions = {
      ...this.precision,
      head: this.head,
      flavour: this.flavour,
      outputHiddenStates: (options.outputHiddenStates ?? this.config.outputHiddenStates) === true,
      outputAttentions: (options.outputAttentions ?? this.config.outputAttentions) === true,
      headMask: 'head_mask' in feeds,
      inputsEmbeds: 'inputs_embeds' in feeds,
      logitsPositions: 'logits_positions' in feeds,
    };
    const session = await this.session(graphOptions);
    const used: typeof feeds = {};
    for (const name of session.inputNames) {
      const feed = feeds[name];
      if (feed === undefined) throw new Error(`internal: graph input ${name} has no feed`);
      used[name] = feed;
    }
    const raw = await session.run(used);
    const outputs: Record<string, Tensor<'float32'>> = {};
    for (const [name, tensor] of Object.entries(raw)) {
      if (tensor.dtype !== 'float32')
        throw new Error(`internal: graph output ${name} is ${tensor.dtype}, expected float32`);
      outputs[name] = tensor as Tensor<'float32'>;
    }
    const collect = (prefix: string): Tensor<'float32'>[] => {
      const list: Tensor<'float32'>[] = [];
      for (let index = 0; outputs[`${prefix}.${index}`] !== undefined; index += 1)
        list.push(outputs[`${prefix}.${index}`] as Tensor<'float32'>);
      return list;
    };
    return {
      outputs,
      prepared,
      ...(graphOptions.outputHiddenStates === true ? { hiddenStates: collect('hidden_states') } : {}),
      ...(graphOptions.outputAttentions === true ? { attentions: collect('attentions') } : {}),
    };
  }

  /**
   * Runs many encodings of different lengths in length buckets: sorted by length, batched under a
   * token budget (rows × longest, default 256), right-padded, run, and returned one per encoding in
   * input order, each as a batch of one cut to its own length. `sequenceOutputs` names the graph
   * outputs with a sequence axis 1 (cut to the row's length); hidden states are cut too.
   * Attention probabilities are not supported here (use `forward`).
   */
  protected runGraphMany(
    encodings: readonly SequenceEncoding[],
    options: Omit<ForwardOptions, 'outputAttentions'> & LengthBucketOptions,
    sequenceOutputs: readonly string[],
    logitsPositions?: readonly (readonly number[])[],
  ): Promise<AlbertRunResult[]> {
    return this.track('forwardMany', () => this.runGraphManyNow(encodings, options, sequenceOutputs, logitsPositions));
  }

  private async runGraphManyNow(
    encodings: readonly SequenceEncoding[],
    options: Omit<ForwardOptions, 'outputAttentions'> & LengthBucketOptions,
    sequenceOutputs: readonly string[],
    logitsPositions?: readonly (readonly number[])[],
  ): Promise<AlbertRunResult[]> {
    if (logitsPositions !== undefined) {
      if (logitsPositions.length !== encodings.length) {
        throw new InputError(
          'INPUT_SHAPE_MISMATCH',
          `logitsPositions has ${logitsPositions.length} rows for ${encodings.length} sequences`,
          { field: 'logitsPositions', expected: [encodings.length], actual: [logitsPositions.length] },
        );
      }
      // each row against its own sequence (a batch pads rows to its longest, whose padding must not be picked)
      encodings.forEach((encoding, index) =>
        checkLogitsPositionsRow(logitsPositions[index] as readonly number[], index, encoding.inputIds.length),
      );
    }
    const padTokenId = this.config.padTokenId ?? 0;
    // forwardMany cannot return attentions (rows are cut to their own lengths): the config's default is not applied
    const forward: ForwardOptions = {
      outputAttentions: false,
      ...(options.outputHiddenStates === undefined ? {} : { outputHiddenStates: options.outputHiddenStates }),
      ...(options.headMask === undefined ? {} : { headMask: options.headMask }),
    };
    const buckets: LengthBucketOptions = {
      ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    };
    return runInLengthBuckets(
      encodings.map((encoding, index) => ({ encoding, positions: logitsPositions?.[index] })),
      (item) => item.encoding.inputIds.length,
      async (items) => {
        const padded = padEncodings(
          items.map((item) => item.encoding),
          padTokenId,
        );
        // each row's positions, padded with position 0 to the batch's largest count (those rows are dropped below)
        const positionCounts = items.map((item) => item.positions?.length ?? 0);
        const widest = Math.max(...positionCounts);
        const positions =
          logitsPositions === undefined
            ? undefined
            : items.map((item, row) => [
                ...(item.positions ?? []),
                ...new Array<number>(widest - (positionCounts[row] as number)).fill(0),
              ]);
        const result = await this.runGraphNow(
          { inputIds: padded.inputIds, attentionMask: padded.attentionMask, tokenTypeIds: padded.tokenTypeIds },
          forward,
          2,
          positions,
        );
        return padded.lengths.map((length, row): AlbertRunResult => {
          const outputs: Record<string, Tensor<'float32'>> = {};
          for (const [name, tensor] of Object.entries(result.outputs)) {
            if (name.startsWith('hidden_states.')) continue;
            const perPosition = positions !== undefined && name === 'logits';
            outputs[name] = sliceBatchRow(
              tensor,
              row,
              perPosition ? (positionCounts[row] as number) : length,
              perPosition || sequenceOutputs.includes(name) ? [1] : [],
            );
          }
          const prepared: PreparedInputs = {
            shape: [1, length],
            feeds: {},
            attentionMask: (padded.attentionMask[row] as number[]).slice(0, length),
            inputIds: (padded.inputIds[row] as number[]).slice(0, length),
          };
          return {
            outputs,
            prepared,
            ...(result.hiddenStates === undefined
              ? {}
              : { hiddenStates: result.hiddenStates.map((tensor) => sliceBatchRow(tensor, row, length, [1])) }),
          };
        });
      },
      buckets,
    );
  }

  /**
   * Makes a `forward` / `forwardMany` options object strict.
   * @param method - the method, for the message (`forward`).
   * @param extraKeys - the head's own keys (`labels`, ...).
   * @throws `OptionsError` `OPTIONS_UNKNOWN_KEY` naming the key and its right spelling (`output_attentions is spelled outputAttentions`).
   */
  protected checkOptions(options: unknown, method: 'forward' | 'forwardMany', extraKeys: readonly string[] = []): void {
    const base: readonly string[] =
      method === 'forward' ? FORWARD_OPTION_KEYS : ['outputHiddenStates', 'headMask', 'tokenBudget', 'maxBatchSize'];
    checkOptionKeys(options, [...base, ...extraKeys], `${this.head}.${method}`);
  }

  /**
   * Frees every backend session of this model. The lifecycle: calls already in flight (`forward`,
   * `forwardMany`, `fillMask`, ...) finish first, with their results; every call made after
   * `dispose()` — including while it waits — rejects with {@link ModelStateError} `MODEL_DISPOSED`.
   * Calling `dispose()` again returns the same promise.
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      while (this.pending.size > 0) await Promise.all([...this.pending]);
      const sessions = [...this.sessions.values()];
      this.sessions.clear();
      for (const session of sessions) {
        try {
          await (await session).dispose();
        } catch {
          // a session that failed to load has nothing to free
        }
      }
    })();
    return this.disposing;
  }
}

/** Picks `hiddenStates` / `attentions` from a run result. */
export function optionalOutputs(result: AlbertRunResult): AlbertOptionalOutputs {
  return {
    ...(result.hiddenStates === undefined ? {} : { hiddenStates: result.hiddenStates }),
    ...(result.attentions === undefined ? {} : { attentions: result.attentions }),
  };
}

/** The graph output `name`, which the head always produces. */
export function requiredOutput(result: AlbertRunResult, name: string): Tensor<'float32'> {
  const tensor = result.outputs[name];
  if (tensor === undefined) throw new Error(`internal: graph output ${name} is missing`);
  return tensor;
}

/**
 * Checks row `rowIndex` of `logitsPositions`: at least one position, each an integer in `[0, sequence)`.
 * @throws {@link InputError} naming `logitsPositions` and the offending row / value.
 */
function checkLogitsPositionsRow(row: readonly number[], rowIndex: number, sequence: number): void {
  const field = 'logitsPositions';
  if (!Array.isArray(row as unknown))
    throw new InputError('INPUT_RANK', `${field}[${rowIndex}] must be an array of positions, got ${typeof row}`, {
      field,
      index: rowIndex,
    });
  if (row.length === 0)
    throw new InputError('INPUT_EMPTY', `${field} must name at least one position per row (row ${rowIndex} has none)`, {
      field,
      index: rowIndex,
    });
  // an index loop: forEach would skip the holes of a sparse row
  for (let column = 0; column < row.length; column += 1) {
    const position = row[column] as number;
    if (!Number.isInteger(position))
      throw new InputError('INPUT_NOT_INTEGER', `${field}[${rowIndex}][${column}] is ${position}, not an integer`, {
        field,
        index: [rowIndex, column],
        value: position,
      });
    if (position < 0 || position >= sequence)
      throw new InputError(
        'INPUT_OUT_OF_RANGE',
        `${field}[${rowIndex}][${column}] is ${position}, outside [0, ${sequence})`,
        { field, index: [rowIndex, column], value: position, expected: [0, sequence] },
      );
  }
}

/**
 * The `logits_positions` feed `[batch, positions]`: one row per batch row, the same count in each (see
 * {@link checkLogitsPositionsRow}).
 * @throws {@link InputError} naming `logitsPositions` and the offending row / value.
 */
function prepareLogitsPositions(
  positions: readonly (readonly number[])[],
  inputShape: readonly number[],
): Tensor<'int64'> {
  const [batch, sequence] = inputShape as [number, number];
  const field = 'logitsPositions';
  if (!Array.isArray(positions as unknown))
    throw new InputError('INPUT_RANK', `${field} must be an array of rows, got ${typeof positions}`, { field });
  if (positions.length !== batch)
    throw new InputError('INPUT_SHAPE_MISMATCH', `${field} has ${positions.length} rows for a batch of ${batch}`, {
      field,
      expected: [batch],
      actual: [positions.length],
    });
  const count = positions[0]?.length ?? 0;
  const data = new BigInt64Array(batch * count);
  for (let rowIndex = 0; rowIndex < batch; rowIndex += 1) {
    const row = positions[rowIndex] as readonly number[];
    checkLogitsPositionsRow(row, rowIndex, sequence);
    if (row.length !== count)
      throw new InputError('INPUT_RAGGED', `${field} row ${rowIndex} has ${row.length} positions, row 0 has ${count}`, {
        field,
        index: rowIndex,
        expected: count,
        actual: row.length,
      });
    for (let column = 0; column < count; column += 1) data[rowIndex * count + column] = BigInt(row[column] as number);
  }
  return createTensor('int64', [batch, count], data);
}

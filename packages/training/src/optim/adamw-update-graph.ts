import {
  ALBERT_GRAPH_OPSET,
  createTensor,
  encodeModel,
  type GraphValue,
  type OnnxModel,
  type Tensor,
} from '@albert-ts/core';
import { GraphEditor } from '../graph/graph-editor.js';
import { TrainingError } from '../training-error.js';
import { decaysByDefault } from './parameter-groups.js';

// AdamW (+ clip_grad_norm_) as ONNX nodes. The nodes are the same float32 operations, in the same order,
// as the TypeScript `AdamW` and `clipGradNorm` (which follow PyTorch's single-tensor kernels), so the
// graph and the TypeScript optimizer agree to the last bit on CPU; the per-step scalars that PyTorch
// computes in Python (double precision) from lr and the step count are graph inputs computed the same way
// by `adamwStepScalars`, so a learning-rate schedule changes inputs, not the graph.

/** The hyper-parameters an AdamW update graph is built with (the learning rate is an input). */
export interface AdamWGraphOptions {
  /** `(β1, β2)` (default `[0.9, 0.999]`). */
  readonly betas?: readonly [number, number];
  /** Added to `√v̂` (default 1e-8). */
  readonly eps?: number;
  /** Decoupled weight decay (default 0.01) for the parameters `decays` selects. */
  readonly weightDecay?: number;
  /** Which parameters get weight decay (default {@link decaysByDefault}). */
  readonly decays?: (name: string) => boolean;
  /**
   * Clip the total gradient norm to this before the update, as `torch.nn.utils.clip_grad_norm_` (2-norm of
   * the per-tensor 2-norms, scale `min(maxNorm / (total + 1e-6), 1)` always applied). Absent or `Infinity`:
   * no clipping (the `grad_norm` output is still the total norm).
   */
  readonly maxGradNorm?: number;
}

/** The names of the step scalars an AdamW update graph takes as float32 scalar inputs. */
export const ADAMW_STEP_INPUTS = {
  /** `−lr / (1 − β1ᵗ)`. */
  stepSize: 'optimizer.step_size',
  /** `√(1 − β2ᵗ)`. */
  biasCorrection2Sqrt: 'optimizer.bias_correction2_sqrt',
  /** `1 − lr·λ` (the decoupled decay factor of the decaying parameters). */
  decayFactor: 'optimizer.decay_factor',
} as const;

/** The graph output holding the total gradient norm before clipping. */
export const GRAD_NORM_OUTPUT = 'grad_norm';

/** The graph value names of one parameter's optimizer state. */
export interface AdamWStateNames {
  /** Input: the first moment. */
  readonly expAvg: string;
  /** Input: the second moment. */
  readonly expAvgSq: string;
  /** Output: the updated parameter. */
  readonly updatedParameter: string;
  /** Output: the updated first moment. */
  readonly updatedExpAvg: string;
  /** Output: the updated second moment. */
  readonly updatedExpAvgSq: string;
}

/** The input and output names of `parameter`'s AdamW state (HF parameter names never start with these prefixes). */
export function adamwStateNames(parameter: string): AdamWStateNames {
  return {
    expAvg: `exp_avg.${parameter}`,
    expAvgSq: `exp_avg_sq.${parameter}`,
    updatedParameter: `updated.${parameter}`,
    updatedExpAvg: `updated.exp_avg.${parameter}`,
    updatedExpAvgSq: `updated.exp_avg_sq.${parameter}`,
  };
}

/** The name of the gradient input of a standalone update graph. */
export function gradientInputName(parameter: string): string {
  return `gradient.${parameter}`;
}

/** One parameter to update: its name (a graph value holding the current weights), shape and gradient value. */
export interface AdamWGraphParameter {
  /** HF name; also the graph value of the current weights. */
  readonly name: string;
  /** Its shape. */
  readonly shape: readonly number[];
  /** The graph value of its gradient. */
  readonly gradient: GraphValue;
}

const f = Math.fround;

/** Resolves the defaults and checks the hyper-parameters. */
function resolveOptions(options: AdamWGraphOptions): Required<AdamWGraphOptions> {
  const allowed = new Set(['betas', 'eps', 'weightDecay', 'decays', 'maxGradNorm']);
  for (const key of Object.keys(options))
    if (!allowed.has(key))
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `AdamW graph: unknown option ${key} (${[...allowed].join(', ')})`,
        {
          field: key,
        },
      );
  const resolved = {
    betas: options.betas ?? [0.9, 0.999],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? 0.01,
    decays: options.decays ?? decaysByDefault,
    maxGradNorm: options.maxGradNorm ?? Infinity,
  } as const;
  const check = (field: string, value: number, low: number, high: number): void => {
    if (!(typeof value === 'number' && value >= low && value <= high))
      throw new TrainingError(
        'TRAINING_BAD_OPTIONS',
        `AdamW graph: ${field} must be in [${low}, ${high}], not ${value}`,
        {
          field,
          value,
        },
      );
  };
  check('betas[0]', resolved.betas[0], 0, 1 - Number.EPSILON);
  check('betas[1]', resolved.betas[1], 0, 1 - Number.EPSILON);
  check('eps', resolved.eps, 0, Infinity);
  check('weightDecay', resolved.weightDecay, 0, Infinity);
  check('maxGradNorm', resolved.maxGradNorm, 0, Infinity);
  return resolved;
}

/**
 * Appends gradient clipping and one AdamW step for `parameters` to `e`: declares the state inputs
 * ({@link adamwStateNames}, shaped like the parameter) and the step scalars ({@link ADAMW_STEP_INPUTS}),
 * and outputs the updated parameter and moments plus {@link GRAD_NORM_OUTPUT}.
 *
 * Per parameter, in float32 as PyTorch's single-tensor AdamW: `p ← p·(1 − lr·λ)` (decaying parameters
 * only), `m ← m + (1 − β1)·(g − m)`, `v ← v·β2 + ((1 − β2)·g)·g`, `p ← p + stepSize · m / (√v / √(1 − β2ᵗ) + ε)`.
 */
export function appendAdamWUpdate(
  e: GraphEditor,
  parameters: readonly AdamWGraphParameter[],
  options: AdamWGraphOptions = {},
): void {
  const { betas, eps, weightDecay, decays, maxGradNorm } = resolveOptions(options);
  if (parameters.length === 0)
    throw new TrainingError('TRAINING_NO_PARAMETERS', 'AdamW graph: no parameter has a gradient', {});
  e.within('optimizer', () => {
    const scalar = (name: string): GraphValue => e.input(name, 'float32', []);
    const stepSize = scalar(ADAMW_STEP_INPUTS.stepSize);
    const biasCorrection2Sqrt = scalar(ADAMW_STEP_INPUTS.biasCorrection2Sqrt);
    const decayFactor = scalar(ADAMW_STEP_INPUTS.decayFactor);

    // clip_grad_norm_: the 2-norm of the per-tensor 2-norms
    const norms = parameters.map((parameter) =>
      e.op('Sqrt', [e.reduceSum(e.mul(parameter.gradient, parameter.gradient), [], false)]),
    );
    const squares = norms.map((norm) => e.mul(norm, norm));
    const total = e.op('Sqrt', [squares.length === 1 ? (squares[0] as GraphValue) : e.op('Sum', squares)]);
    e.output(total, GRAD_NORM_OUTPUT);
    const coefficient = Number.isFinite(maxGradNorm)
      ? e.op('Min', [e.div(e.float(maxGradNorm), e.add(total, e.float(1e-6))), e.float(1)])
      : undefined;

    const lerpWeight = e.float(f(1 - betas[0]));
    const beta2 = e.float(f(betas[1]));
    const oneMinusBeta2 = e.float(f(1 - betas[1]));
    const epsilon = e.float(f(eps));
    for (const parameter of parameters) {
      const names = adamwStateNames(parameter.name);
      const m = e.input(names.expAvg, 'float32', parameter.shape);
      const v = e.input(names.expAvgSq, 'float32', parameter.shape);
      const g = coefficient === undefined ? parameter.gradient : e.mul(parameter.gradient, coefficient);
      const decayed = weightDecay !== 0 && decays(parameter.name) ? e.mul(parameter.name, decayFactor) : parameter.name;
      const mean = e.add(m, e.mul(lerpWeight, e.sub(g, m)));
      const square = e.add(e.mul(v, beta2), e.mul(e.mul(oneMinusBeta2, g), g));
      const denominator = e.add(e.div(e.op('Sqrt', [square]), biasCorrection2Sqrt), epsilon);
      const updated = e.add(decayed, e.mul(stepSize, e.div(mean, denominator)));
      e.output(updated, names.updatedParameter);
      e.output(mean, names.updatedExpAvg);
      e.output(square, names.updatedExpAvgSq);
    }
  });
}

/** The per-step scalar inputs of an AdamW update graph, as PyTorch computes them (double precision, then float32). */
export function adamwStepScalars(options: {
  /** The learning rate of this step. */
  readonly lr: number;
  /** The step number (1 for the first step). */
  readonly step: number;
  /** `(β1, β2)`. */
  readonly betas: readonly [number, number];
  /** The decoupled weight decay. */
  readonly weightDecay: number;
}): Record<string, Tensor<'float32'>> {
  const { lr, step, betas, weightDecay } = options;
  if (!Number.isInteger(step) || step < 1)
    throw new TrainingError('TRAINING_BAD_STATE', `AdamW graph: the step number must be an integer ≥ 1, not ${step}`, {
      field: 'step',
      value: step,
    });
  const scalar = (value: number): Tensor<'float32'> => createTensor('float32', [], Float32Array.of(value));
  return {
    [ADAMW_STEP_INPUTS.stepSize]: scalar(f(-(lr / (1 - betas[0] ** step)))),
    [ADAMW_STEP_INPUTS.biasCorrection2Sqrt]: scalar(f(Math.sqrt(1 - betas[1] ** step))),
    [ADAMW_STEP_INPUTS.decayFactor]: scalar(f(1 - lr * weightDecay)),
  };
}

/** A standalone AdamW update graph (see {@link buildAdamWUpdateGraph}). */
export interface AdamWUpdateGraph extends OnnxModel {
  /** The parameters it updates, in input order. */
  readonly parameters: readonly string[];
}

/**
 * The AdamW update as its own graph: inputs every parameter (HF name), its gradient
 * ({@link gradientInputName}), its moments ({@link adamwStateNames}) and the step scalars; outputs the
 * updated parameters and moments and the total gradient norm. Clips the gradients first when
 * `options.maxGradNorm` is finite.
 *
 * @example
 * ```ts
 * const graph = buildAdamWUpdateGraph(shapes, { weightDecay: 0.01, maxGradNorm: 1 });
 * const session = await backend.load(graph);
 * ```
 */
export function buildAdamWUpdateGraph(
  shapes: ReadonlyMap<string, readonly number[]>,
  options: AdamWGraphOptions = {},
): AdamWUpdateGraph {
  const e = new GraphEditor({
    irVersion: 8,
    opsetImports: [{ domain: '', version: ALBERT_GRAPH_OPSET }],
    producerName: 'albert-ts',
    producerVersion: '0',
    graph: { name: 'adamw_update', nodes: [], initializers: [], inputs: [], outputs: [] },
  });
  const parameters: AdamWGraphParameter[] = [];
  for (const [name, shape] of shapes) {
    e.input(name, 'float32', shape);
    parameters.push({ name, shape, gradient: e.input(gradientInputName(name), 'float32', shape) });
  }
  appendAdamWUpdate(e, parameters, options);
  const model = e.build(`AdamW update of ${parameters.length} parameters, built by albert-ts`);
  return {
    bytes: encodeModel(model),
    inputNames: e.inputs.map((input) => input.name),
    outputNames: e.outputs.map((output) => output.name),
    parameters: [...shapes.keys()],
  };
}

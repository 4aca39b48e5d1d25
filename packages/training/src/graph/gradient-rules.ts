import { attribute, type GraphValue, type OnnxNodeProto } from '@albert-ts/core';
import { TrainingError } from '../training-error.js';
import type { GraphEditor } from './graph-editor.js';
import { broadcastDimensions, type StaticDimension, type StaticShape } from './static-shapes.js';

/** What a backward rule sees of one forward node. */
export interface GradientContext {
  /** The graph the backward nodes are appended to. */
  readonly e: GraphEditor;
  /** The forward node. */
  readonly node: OnnxNodeProto;
  /** The gradient of the loss with respect to output 0 (the only output the rules differentiate). */
  readonly dy: GraphValue;
  /** Whether input `index` needs a gradient (a rule may skip the others). */
  needs(index: number): boolean;
  /** The static shape of a forward value. */
  shape(value: GraphValue): StaticShape;
}

/**
 * A backward rule: the gradients of the loss with respect to the node's inputs (one per input,
 * `undefined` where none is needed or defined), from the gradient `dy` of its output.
 */
export type GradientRule = (context: GradientContext) => (GraphValue | undefined)[];

const x = (context: GradientContext, index: number): GraphValue => context.node.inputs[index] as GraphValue;
const y = (context: GradientContext): GraphValue => context.node.outputs[0] as GraphValue;
const intAttribute = (node: OnnxNodeProto, name: string, fallback: number): number => {
  const value = node.attributes[name];
  return value?.kind === 'int' ? value.value : value?.kind === 'float' ? value.value : fallback;
};
const floatAttribute = (node: OnnxNodeProto, name: string, fallback: number): number => {
  const value = node.attributes[name];
  return value?.kind === 'float' ? value.value : fallback;
};
const normalizeAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
const inversePermutation = (perm: readonly number[]): number[] => {
  const inverse = new Array<number>(perm.length);
  perm.forEach((axis, index) => (inverse[axis] = index));
  return inverse;
};

/**
 * Sums `grad` (of shape `gradDims`, a broadcast of `target`'s shape) back to the shape of `target`:
 * over the leading axes the broadcast added and over the axes where `target` has size 1. The one
 * place where broadcasting is undone, as PyTorch's `sum_to_size`.
 */
export function sumToShapeOf(
  context: GradientContext,
  grad: GraphValue,
  gradDims: readonly StaticDimension[],
  target: GraphValue,
): GraphValue {
  const { e } = context;
  const targetDims = context.shape(target).dims;
  const leading = gradDims.length - targetDims.length;
  const ones: number[] = [];
  targetDims.forEach((dimension, index) => {
    if (dimension === 1 && gradDims[index + leading] !== 1) ones.push(index + leading);
  });
  let result = grad;
  if (ones.length > 0) result = e.reduceSum(result, ones, true);
  if (leading > 0)
    result = e.reduceSum(
      result,
      Array.from({ length: leading }, (_, index) => index),
      false,
    );
  return result;
}

const outputDims = (context: GradientContext): readonly StaticDimension[] => context.shape(y(context)).dims;
const reshapeLike = (context: GradientContext, grad: GraphValue, like: GraphValue): GraphValue =>
  context.e.reshape(grad, context.e.shape(like));
/** Swaps the last two axes of a value of rank `rank`. */
const swapLast = (context: GradientContext, value: GraphValue, rank: number): GraphValue =>
  context.e.transpose(value, [...Array.from({ length: rank - 2 }, (_, index) => index), rank - 1, rank - 2]);

/** The constant `axes` input of an Unsqueeze or Squeeze, where the graph has one. */
const constantAxes = (c: GradientContext): number[] | undefined => {
  const axes = c.node.inputs[1];
  if (axes === undefined || axes === '') return undefined;
  const values = c.shape(axes).values;
  return values === undefined || values.some((value) => value === null) ? undefined : (values as number[]);
};

/**
 * The shape a Reshape's output gradient is reshaped back to, as a constant where it can be: the input's
 * fixed sizes, `0` (copy the gradient's size) where the forward shape copied the input's size at the same
 * axis, and `-1` for one remaining unknown size. Only where that fails is it `Shape(input)`, which would keep
 * the forward input alive until the backward pass reads its shape (for the attention's query, key, value
 * and context, 4 × 3 MiB per layer at albert-base's 8 × 128).
 */
const inverseReshapeTarget = (c: GradientContext): GraphValue => {
  const input = x(c, 0);
  const inputDims = c.shape(input).dims;
  const forwardTarget = c.shape(c.node.inputs[1] as GraphValue).values;
  const allowZero = intAttribute(c.node, 'allowzero', 0) === 1;
  const target = inputDims.map((dimension, index) =>
    dimension !== null ? dimension : !allowZero && forwardTarget?.[index] === 0 ? 0 : null,
  );
  const unknown = target.filter((dimension) => dimension === null).length;
  // a fixed size 0 would read as "copy" in the target
  if (unknown > 1 || inputDims.some((dimension) => dimension === 0)) return c.e.shape(input);
  return c.e.ints(target.map((dimension) => dimension ?? -1));
};

// Masks are multiplies by 0/1 rather than Where with a broadcast condition, which onnxruntime-web's
// WebGPU evaluates wrongly (see docs/architecture.md, training).

/** A rule for an element-wise unary operator: `dx = local(x, y, dy)`. */
const unary =
  (local: (context: GradientContext) => GraphValue): GradientRule =>
  (context) => [local(context)];

/**
 * Backward rules, one per ONNX operator, stated once beside its name (as PyTorch's
 * `derivatives.yaml`): the operators of core's plain ALBERT graph, the in-graph losses and a few more.
 * Each rule is tested on its own against finite differences (`gradient-rules.test.ts`).
 */
export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = {
  Identity: ({ dy }) => [dy],
  // float → float casts only (integer values never carry gradients)
  Cast: ({ dy }) => [dy],
  Neg: ({ e, dy }) => [e.neg(dy)],
  Add: (c) => [
    c.needs(0) ? sumToShapeOf(c, c.dy, outputDims(c), x(c, 0)) : undefined,
    c.needs(1) ? sumToShapeOf(c, c.dy, outputDims(c), x(c, 1)) : undefined,
  ],
  Sub: (c) => [
    c.needs(0) ? sumToShapeOf(c, c.dy, outputDims(c), x(c, 0)) : undefined,
    c.needs(1) ? c.e.neg(sumToShapeOf(c, c.dy, outputDims(c), x(c, 1))) : undefined,
  ],
  Mul: (c) => [
    c.needs(0) ? sumToShapeOf(c, c.e.mul(c.dy, x(c, 1)), outputDims(c), x(c, 0)) : undefined,
    c.needs(1) ? sumToShapeOf(c, c.e.mul(c.dy, x(c, 0)), outputDims(c), x(c, 1)) : undefined,
  ],
  // d(a/b) = da / b - db · (a/b) / b
  Div: (c) => [
    c.needs(0) ? sumToShapeOf(c, c.e.div(c.dy, x(c, 1)), outputDims(c), x(c, 0)) : undefined,
    c.needs(1) ? sumToShapeOf(c, c.e.neg(c.e.div(c.e.mul(c.dy, y(c)), x(c, 1))), outputDims(c), x(c, 1)) : undefined,
  ],
  Where: (c) => {
    const zero = c.e.float(0);
    return [
      undefined,
      c.needs(1) ? sumToShapeOf(c, c.e.where(x(c, 0), c.dy, zero), outputDims(c), x(c, 1)) : undefined,
      c.needs(2) ? sumToShapeOf(c, c.e.where(x(c, 0), zero, c.dy), outputDims(c), x(c, 2)) : undefined,
    ];
  },
  MatMul: (c) => {
    const { e, dy } = c;
    const a = x(c, 0);
    const b = x(c, 1);
    const aDims = c.shape(a).dims;
    const bDims = c.shape(b).dims;
    const yDims = outputDims(c);
    if (aDims.length < 2 || bDims.length < 2)
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPERATOR',
        `MatMul backward needs inputs of rank ≥ 2 (node ${c.node.name})`,
        { operator: 'MatMul', node: c.node.name },
      );
    let gradA: GraphValue | undefined;
    let gradB: GraphValue | undefined;
    if (c.needs(0)) {
      // dA = dY · Bᵀ  [..., M, K]
      const product = e.matMul(dy, swapLast(c, b, bDims.length));
      const productDims = [
        ...broadcastDimensions(yDims.slice(0, -2), bDims.slice(0, -2)),
        aDims[aDims.length - 2] as StaticDimension,
        aDims[aDims.length - 1] as StaticDimension,
      ];
      gradA = sumToShapeOf(c, product, productDims, a);
    }
    if (c.needs(1)) {
      const [k, n] = [bDims[0], bDims[1]];
      if (bDims.length === 2 && aDims.length > 2 && typeof k === 'number' && typeof n === 'number') {
        // a weight [K, N] applied to every row: dB = A_flatᵀ · dY_flat, one [K, rows] · [rows, N] MatMul
        gradB = e.matMul(e.transpose(e.reshape(a, [-1, k]), [1, 0]), e.reshape(dy, [-1, n]));
      } else {
        // dB = Aᵀ · dY  [..., K, N]
        const product = e.matMul(swapLast(c, a, aDims.length), dy);
        const productDims = [
          ...broadcastDimensions(yDims.slice(0, -2), aDims.slice(0, -2)),
          bDims[bDims.length - 2] as StaticDimension,
          bDims[bDims.length - 1] as StaticDimension,
        ];
        gradB = sumToShapeOf(c, product, productDims, b);
      }
    }
    return [gradA, gradB];
  },
  Transpose: (c) => {
    const rank = c.shape(x(c, 0)).dims.length;
    const perm =
      c.node.attributes['perm']?.kind === 'ints'
        ? c.node.attributes['perm'].value
        : Array.from({ length: rank }, (_, index) => rank - 1 - index);
    return [c.e.transpose(c.dy, inversePermutation(perm))];
  },
  Reshape: (c) => [c.e.reshape(c.dy, inverseReshapeTarget(c))],
  // with constant axes the inverse needs no Shape of the (large) input
  Unsqueeze: (c) => {
    const axes = constantAxes(c);
    return [axes === undefined ? reshapeLike(c, c.dy, x(c, 0)) : c.e.squeeze(c.dy, axes)];
  },
  Squeeze: (c) => {
    const axes = constantAxes(c);
    return [axes === undefined ? reshapeLike(c, c.dy, x(c, 0)) : c.e.unsqueeze(c.dy, axes)];
  },
  Expand: (c) => [sumToShapeOf(c, c.dy, outputDims(c), x(c, 0))],
  Concat: (c) => {
    const { e, node } = c;
    const rank = c.shape(x(c, 0)).dims.length;
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), rank);
    const sizes = node.inputs.map((input) => c.shape(input).dims[axis] as StaticDimension);
    const splitSizes = sizes.every((size) => size !== null)
      ? e.ints(sizes as number[])
      : e.op(
          'Concat',
          node.inputs.map((input) => e.shape(input, axis, axis + 1)),
          { axis: attribute.int(0) },
        );
    const parts = e.opWithOutputs('Split', [c.dy, splitSizes], node.inputs.length, { axis: attribute.int(axis) });
    return parts.map((part, index) => (c.needs(index) ? part : undefined));
  },
  Slice: (c) => {
    const { e, node } = c;
    const dims = c.shape(x(c, 0)).dims;
    const starts = c.shape(node.inputs[1] as string).values;
    const ends = c.shape(node.inputs[2] as string).values;
    const axes =
      node.inputs[3] === undefined || node.inputs[3] === ''
        ? dims.map((_, index) => index)
        : c.shape(node.inputs[3]).values;
    const steps = node.inputs[4] === undefined || node.inputs[4] === '' ? undefined : c.shape(node.inputs[4]).values;
    if (
      starts === undefined ||
      ends === undefined ||
      axes === undefined ||
      (steps !== undefined && steps.some((step) => step !== 1))
    ) {
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPERATOR',
        `Slice backward needs constant starts/ends/axes and unit steps (node ${node.name})`,
        { operator: 'Slice', node: node.name },
      );
    }
    const pads = new Array<number>(dims.length * 2).fill(0);
    axes.forEach((axisValue, position) => {
      const axis = normalizeAxis(axisValue as number, dims.length);
      const dimension = dims[axis];
      if (dimension === null || dimension === undefined)
        throw new TrainingError(
          'TRAINING_UNSUPPORTED_OPERATOR',
          `Slice backward needs the sliced axis ${axis} to have a fixed size (node ${node.name})`,
          { operator: 'Slice', node: node.name },
        );
      const clamp = (value: number): number => Math.min(Math.max(value < 0 ? value + dimension : value, 0), dimension);
      const start = clamp(starts[position] as number);
      const end = Math.max(clamp(ends[position] as number), start);
      pads[axis] = start;
      pads[axis + dims.length] = dimension - end;
    });
    return [e.op('Pad', [c.dy, e.ints(pads)], { mode: attribute.string('constant') })];
  },
  Gather: (c) => {
    const { e, node, dy } = c;
    const data = x(c, 0);
    const indices = x(c, 1);
    const rank = c.shape(data).dims.length;
    const indexRank = c.shape(indices).dims.length;
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), rank);
    // Scatter-add dY into zeros of data's shape along axis 0 (duplicate indices accumulate, as
    // PyTorch's embedding backward); other axes are moved to the front and back.
    const indexTuples = indexRank === 0 ? e.reshape(indices, [1]) : e.unsqueeze(indices, [-1]); // [..., 1]
    const dataDims = c.shape(data).dims;
    // a weight's shape is known: a constant (no Shape node reading the weight)
    const dataShape = dataDims.every((dimension) => dimension !== null) ? e.ints(dataDims as number[]) : e.shape(data);
    if (axis === 0)
      return [
        e.op('ScatterND', [e.zeros(dataShape), indexTuples, dy], { reduction: attribute.string('add') }),
        undefined,
      ];
    const front = [axis, ...Array.from({ length: rank }, (_, index) => index).filter((index) => index !== axis)];
    // dY is data[:axis] + indices + data[axis+1:]; the scatter wants indices + data[:axis] + data[axis+1:]
    const dyPerm = [
      ...Array.from({ length: indexRank }, (_, index) => axis + index),
      ...Array.from({ length: axis }, (_, index) => index),
      ...Array.from({ length: rank - axis - 1 }, (_, index) => axis + indexRank + index),
    ];
    const movedShape = e.op('Gather', [dataShape, e.ints(front)]);
    const scattered = e.op('ScatterND', [e.zeros(movedShape), indexTuples, e.transpose(dy, dyPerm)], {
      reduction: attribute.string('add'),
    });
    return [e.transpose(scattered, inversePermutation(front)), undefined];
  },
  ReduceSum: (c) => {
    const { e, node, dy } = c;
    const rank = c.shape(x(c, 0)).dims.length;
    const axes =
      node.inputs[1] === undefined || node.inputs[1] === ''
        ? Array.from({ length: rank }, (_, index) => index)
        : (c.shape(node.inputs[1]).values as number[]);
    const keep = intAttribute(node, 'keepdims', 1) === 1;
    const kept = keep
      ? dy
      : e.unsqueeze(
          dy,
          axes.map((axis) => normalizeAxis(axis, rank)),
        );
    return [e.op('Expand', [kept, e.shape(x(c, 0))]), undefined];
  },
  ReduceMean: (c) => {
    const { e, node, dy } = c;
    const rank = c.shape(x(c, 0)).dims.length;
    const axesAttribute = node.attributes['axes'];
    const axes =
      axesAttribute?.kind === 'ints'
        ? axesAttribute.value.map((axis) => normalizeAxis(axis, rank))
        : Array.from({ length: rank }, (_, index) => index);
    const keep = intAttribute(node, 'keepdims', 1) === 1;
    const kept = keep ? dy : e.unsqueeze(dy, axes);
    const input = x(c, 0);
    const count = e.cast(
      e.op('ReduceProd', [e.op('Gather', [e.shape(input), e.ints(axes)])], { keepdims: attribute.int(0) }),
      'float32',
    );
    return [e.div(e.op('Expand', [kept, e.shape(input)]), count)];
  },
  Tanh: unary(({ e, dy, node }) =>
    e.mul(dy, e.sub(e.float(1), e.mul(node.outputs[0] as string, node.outputs[0] as string))),
  ),
  Sigmoid: unary(({ e, dy, node }) => {
    const s = node.outputs[0] as string;
    return e.mul(dy, e.mul(s, e.sub(e.float(1), s)));
  }),
  // d erf(x) = 2/√π · exp(-x²)
  Erf: unary(({ e, dy, node }) => {
    const input = node.inputs[0] as string;
    return e.mul(dy, e.mul(e.float(2 / Math.sqrt(Math.PI)), e.op('Exp', [e.neg(e.mul(input, input))])));
  }),
  Exp: unary(({ e, dy, node }) => e.mul(dy, node.outputs[0] as string)),
  Log: unary(({ e, dy, node }) => e.div(dy, node.inputs[0] as string)),
  Sqrt: unary(({ e, dy, node }) => e.div(dy, e.mul(e.float(2), node.outputs[0] as string))),
  Abs: unary(({ e, dy, node }) => e.mul(dy, e.op('Sign', [node.inputs[0] as string]))),
  Softplus: unary(({ e, dy, node }) => e.mul(dy, e.op('Sigmoid', [node.inputs[0] as string]))),
  // PyTorch: threshold_backward(dy, result, 0)
  Relu: unary(({ e, dy, node }) =>
    e.mul(dy, e.cast(e.op('Greater', [node.outputs[0] as string, e.float(0)]), 'float32')),
  ),
  LeakyRelu: unary(({ e, dy, node }) => {
    const alpha = floatAttribute(node, 'alpha', 0.01);
    const positive = e.cast(e.op('Greater', [node.inputs[0] as string, e.float(0)]), 'float32');
    return e.mul(dy, e.add(positive, e.mul(e.sub(e.float(1), positive), e.float(alpha))));
  }),
  // PyTorch clamp: the gradient passes where min ≤ x ≤ max
  Clip: (c) => {
    const { e, node, dy } = c;
    const input = x(c, 0);
    let keep: GraphValue | undefined;
    if (node.inputs[1] !== undefined && node.inputs[1] !== '') keep = e.op('GreaterOrEqual', [input, node.inputs[1]]);
    if (node.inputs[2] !== undefined && node.inputs[2] !== '') {
      const upper = e.op('LessOrEqual', [input, node.inputs[2]]);
      keep = keep === undefined ? upper : e.op('And', [keep, upper]);
    }
    return [keep === undefined ? dy : e.mul(dy, e.cast(keep, 'float32'))];
  },
  // dx = y ⊙ (dy − Σ dy ⊙ y)
  Softmax: (c) => {
    const { e, dy } = c;
    const rank = c.shape(x(c, 0)).dims.length;
    const axis = normalizeAxis(intAttribute(c.node, 'axis', -1), rank);
    const probabilities = y(c);
    return [e.mul(probabilities, e.sub(dy, e.reduceSum(e.mul(dy, probabilities), [axis], true)))];
  },
  // dx = dy − softmax ⊙ Σ dy
  LogSoftmax: (c) => {
    const { e, dy } = c;
    const rank = c.shape(x(c, 0)).dims.length;
    const axis = normalizeAxis(intAttribute(c.node, 'axis', -1), rank);
    return [e.sub(dy, e.mul(e.op('Exp', [y(c)]), e.reduceSum(dy, [axis], true)))];
  },
  // x̂ = (x − μ)·r, r = 1/√(σ² + ε): dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ; dγ = Σ dy·x̂; dβ = Σ dy
  LayerNormalization: (c) => {
    const { e, node, dy } = c;
    const input = x(c, 0);
    const rank = c.shape(input).dims.length;
    if (normalizeAxis(intAttribute(node, 'axis', -1), rank) !== rank - 1) {
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPERATOR',
        `LayerNormalization backward supports the last axis only (node ${node.name})`,
        { operator: 'LayerNormalization', node: node.name },
      );
    }
    const epsilon = floatAttribute(node, 'epsilon', 1e-5);
    const centered = e.sub(input, e.reduceMean(input, [-1], true));
    const variance = e.reduceMean(e.mul(centered, centered), [-1], true);
    const inverseDeviation = e.op('Reciprocal', [e.op('Sqrt', [e.add(variance, e.float(epsilon))])]);
    const normalized = e.mul(centered, inverseDeviation);
    const dims = outputDims(c);
    let gradX: GraphValue | undefined;
    if (c.needs(0)) {
      const g = e.mul(dy, x(c, 1));
      const inner = e.sub(
        e.sub(g, e.reduceMean(g, [-1], true)),
        e.mul(normalized, e.reduceMean(e.mul(g, normalized), [-1], true)),
      );
      gradX = e.mul(inverseDeviation, inner);
    }
    return [
      gradX,
      c.needs(1) ? sumToShapeOf(c, e.mul(dy, normalized), dims, x(c, 1)) : undefined,
      c.needs(2) ? sumToShapeOf(c, dy, dims, x(c, 2)) : undefined,
    ];
  },
};

/** Operators whose outputs never carry a gradient (integer or boolean results, shapes, constants). */
export const NON_DIFFERENTIABLE_OPERATORS: ReadonlySet<string> = new Set([
  'Shape',
  'Equal',
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'Not',
  'And',
  'Or',
  'Range',
  'ConstantOfShape',
  'Sign',
  'ArgMax',
]);

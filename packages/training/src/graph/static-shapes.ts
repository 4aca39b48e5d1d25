import type { OnnxAttributeValue, OnnxNodeProto, OnnxTensorProto } from '@albert-ts/core';
import { TrainingError } from '../training-error.js';
import type { GraphEditor } from './graph-editor.js';

/** One dimension as far as it is known before the graph runs: a size, or `null` (batch, sequence, ...). */
export type StaticDimension = number | null;

/**
 * What is known about a value before the graph runs: its rank and the sizes that are fixed, and for
 * small int64 tensors (shape tensors, constants) their values where fixed. The backward rules need
 * ranks (which axes a broadcast added) and the size-1 axes of broadcast operands.
 */
export interface StaticShape {
  /** Dimensions, outermost first. */
  readonly dims: readonly StaticDimension[];
  /** Elements of a small int64 tensor (row-major), where known. */
  readonly values?: readonly StaticDimension[];
}

type ShapeRule = (inputs: readonly (StaticShape | undefined)[], node: OnnxNodeProto) => StaticShape[];

const intAttribute = (node: OnnxNodeProto, name: string, fallback: number): number => {
  const value: OnnxAttributeValue | undefined = node.attributes[name];
  return value?.kind === 'int' ? value.value : fallback;
};
const intsAttribute = (node: OnnxNodeProto, name: string): readonly number[] | undefined => {
  const value = node.attributes[name];
  return value?.kind === 'ints' ? value.value : undefined;
};
const normalizeAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** Numpy-style broadcast of static dimensions. */
export function broadcastDimensions(a: readonly StaticDimension[], b: readonly StaticDimension[]): StaticDimension[] {
  const rank = Math.max(a.length, b.length);
  const result: StaticDimension[] = [];
  for (let index = 0; index < rank; index += 1) {
    const x = index - (rank - a.length) >= 0 ? (a[index - (rank - a.length)] as StaticDimension) : 1;
    const y = index - (rank - b.length) >= 0 ? (b[index - (rank - b.length)] as StaticDimension) : 1;
    if (x === 1) result.push(y);
    else if (y === 1) result.push(x);
    else if (x !== null && y !== null) result.push(Math.max(x, y));
    else result.push(x ?? y);
  }
  return result;
}

const same: ShapeRule = ([x]) => [{ dims: (x as StaticShape).dims }];
const sameWithValues: ShapeRule = ([x]) => [x as StaticShape];
const elementwise: ShapeRule = (inputs) => [
  {
    dims: inputs.reduce<StaticDimension[]>((dims, input) => broadcastDimensions(dims, (input as StaticShape).dims), []),
  },
];
const integerArithmetic =
  (combine: (a: number, b: number) => number): ShapeRule =>
  (inputs) => {
    const [a, b] = inputs as [StaticShape, StaticShape];
    const dims = broadcastDimensions(a.dims, b.dims);
    if (a.values === undefined || b.values === undefined || dims.length > 1) return [{ dims }];
    const length = Math.max(a.values.length, b.values.length);
    const pick = (values: readonly StaticDimension[], index: number): StaticDimension =>
      values.length === 1 ? (values[0] as StaticDimension) : (values[index] as StaticDimension);
    const values = Array.from({ length }, (_, index) => {
      const x = pick(a.values as StaticDimension[], index);
      const y = pick(b.values as StaticDimension[], index);
      return x === null || y === null ? null : combine(x, y);
    });
    return [{ dims, values }];
  };

/** How each operator's output shapes follow from its inputs' (the operators core's plain graph, the losses and the backward rules use). */
const SHAPE_RULES: Readonly<Record<string, ShapeRule>> = {
  Identity: sameWithValues,
  Cast: sameWithValues,
  Neg: same,
  Tanh: same,
  Erf: same,
  Relu: same,
  LeakyRelu: same,
  Sigmoid: same,
  Softplus: same,
  Exp: same,
  Log: same,
  Abs: same,
  Sqrt: same,
  Reciprocal: same,
  Not: same,
  Sign: same,
  Sin: same,
  Cos: same,
  Softmax: same,
  LogSoftmax: same,
  Clip: same,
  LayerNormalization: ([x]) => [{ dims: (x as StaticShape).dims }],
  Add: integerArithmetic((a, b) => a + b),
  Sub: integerArithmetic((a, b) => a - b),
  Mul: integerArithmetic((a, b) => a * b),
  Div: elementwise,
  Pow: elementwise,
  Equal: elementwise,
  Greater: elementwise,
  GreaterOrEqual: elementwise,
  Less: elementwise,
  LessOrEqual: elementwise,
  And: elementwise,
  Or: elementwise,
  Where: elementwise,
  Max: elementwise,
  Min: elementwise,
  MatMul: ([a, b]) => {
    const x = (a as StaticShape).dims;
    const y = (b as StaticShape).dims;
    const batch = broadcastDimensions(x.slice(0, -2), y.slice(0, -2));
    return [{ dims: [...batch, x[x.length - 2] as StaticDimension, y[y.length - 1] as StaticDimension] }];
  },
  Transpose: ([x], node) => {
    const dims = (x as StaticShape).dims;
    const perm = intsAttribute(node, 'perm') ?? dims.map((_, index) => dims.length - 1 - index);
    return [{ dims: perm.map((axis) => dims[axis] as StaticDimension) }];
  },
  Reshape: ([x, shape]) => {
    const input = (x as StaticShape).dims;
    const target = shape as StaticShape;
    if (target.values === undefined)
      return [{ dims: Array.from({ length: (target.dims[0] as number | null) ?? 0 }, () => null) }];
    const dims = target.values.map((value, index) =>
      value === 0 ? (input[index] ?? null) : value === -1 ? null : value,
    );
    const unknown = dims.indexOf(null);
    if (
      unknown >= 0 &&
      target.values[unknown] === -1 &&
      input.every((value) => value !== null) &&
      dims.filter((value) => value === null).length === 1
    ) {
      const total = (input as number[]).reduce((product, value) => product * value, 1);
      const known = (dims.filter((value) => value !== null) as number[]).reduce((product, value) => product * value, 1);
      dims[unknown] = total / known;
    }
    return [{ dims }];
  },
  Unsqueeze: ([x, axes]) => {
    const input = x as StaticShape;
    const list = (axes as StaticShape).values as number[];
    const rank = input.dims.length + list.length;
    const normalized = list.map((axis) => normalizeAxis(axis, rank));
    const dims: StaticDimension[] = [];
    let next = 0;
    for (let index = 0; index < rank; index += 1)
      dims.push(normalized.includes(index) ? 1 : (input.dims[next++] as StaticDimension));
    return [input.values === undefined ? { dims } : { dims, values: input.values }];
  },
  Squeeze: ([x, axes]) => {
    const input = x as StaticShape;
    const list =
      ((axes as StaticShape | undefined)?.values as number[] | undefined) ??
      input.dims.flatMap((value, index) => (value === 1 ? [index] : []));
    const normalized = list.map((axis) => normalizeAxis(axis, input.dims.length));
    const dims = input.dims.filter((_, index) => !normalized.includes(index));
    return [input.values === undefined ? { dims } : { dims, values: input.values }];
  },
  Shape: ([x], node) => {
    const dims = (x as StaticShape).dims;
    const start = normalizeAxis(intAttribute(node, 'start', 0), dims.length);
    const end =
      node.attributes['end'] === undefined
        ? dims.length
        : normalizeAxis(intAttribute(node, 'end', dims.length), dims.length);
    const values = dims.slice(start, end);
    return [{ dims: [values.length], values }];
  },
  Concat: (inputs, node) => {
    const shapes = inputs as StaticShape[];
    const first = shapes[0] as StaticShape;
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), first.dims.length);
    const dims = first.dims.map((value, index) => {
      if (index !== axis)
        return (
          shapes.map((shape) => shape.dims[index] as StaticDimension).find((dimension) => dimension !== null) ?? value
        );
      return shapes.every((shape) => shape.dims[index] !== null)
        ? shapes.reduce((sum, shape) => sum + (shape.dims[index] as number), 0)
        : null;
    });
    const values =
      first.dims.length === 1 && shapes.every((shape) => shape.values !== undefined)
        ? shapes.flatMap((shape) => shape.values as StaticDimension[])
        : undefined;
    return [values === undefined ? { dims } : { dims, values }];
  },
  Gather: ([data, indices], node) => {
    const source = data as StaticShape;
    const index = indices as StaticShape;
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), source.dims.length);
    const dims = [...source.dims.slice(0, axis), ...index.dims, ...source.dims.slice(axis + 1)];
    if (source.values !== undefined && index.values !== undefined && source.dims.length === 1) {
      return [
        {
          dims,
          values: index.values.map((position) => (position === null ? null : (source.values?.at(position) ?? null))),
        },
      ];
    }
    return [{ dims }];
  },
  Range: ([start, limit, delta]) => {
    const [a, b, c] = [start, limit, delta].map((shape) => shape?.values?.[0] ?? null);
    return [
      {
        dims: [
          a === null || b === null || c === null || a === undefined || b === undefined || c === undefined
            ? null
            : Math.max(Math.ceil((b - a) / c), 0),
        ],
      },
    ];
  },
  Slice: ([data, starts, ends, axes]) => {
    const source = (data as StaticShape).dims;
    const axisList = (axes?.values as number[] | undefined) ?? source.map((_, index) => index);
    const dims = [...source];
    axisList.forEach((axis, position) => {
      const normalized = normalizeAxis(axis, source.length);
      const dimension = source[normalized] as StaticDimension;
      const start = starts?.values?.[position] ?? null;
      const end = ends?.values?.[position] ?? null;
      if (dimension === null || start === null || end === null || start === undefined || end === undefined)
        dims[normalized] = null;
      else {
        const clamp = (value: number): number =>
          Math.min(Math.max(value < 0 ? value + dimension : value, 0), dimension);
        dims[normalized] = Math.max(clamp(end) - clamp(start), 0);
      }
    });
    return [{ dims }];
  },
  Expand: ([x, shape]) => {
    const target = shape as StaticShape;
    const targetDims = target.values ?? Array.from({ length: (target.dims[0] as number | null) ?? 0 }, () => null);
    return [{ dims: broadcastDimensions((x as StaticShape).dims, targetDims) }];
  },
  ConstantOfShape: ([shape]) => {
    const target = shape as StaticShape;
    return [{ dims: target.values ?? Array.from({ length: (target.dims[0] as number | null) ?? 0 }, () => null) }];
  },
  ReduceSum: ([x, axes], node) =>
    reduced(
      (x as StaticShape).dims,
      (axes?.values as number[] | undefined) ?? [],
      intAttribute(node, 'keepdims', 1) === 1,
    ),
  ReduceMean: ([x], node) =>
    reduced((x as StaticShape).dims, intsAttribute(node, 'axes') ?? [], intAttribute(node, 'keepdims', 1) === 1),
  ReduceProd: ([x], node) =>
    reduced((x as StaticShape).dims, intsAttribute(node, 'axes') ?? [], intAttribute(node, 'keepdims', 1) === 1),
  ReduceMax: ([x], node) =>
    reduced((x as StaticShape).dims, intsAttribute(node, 'axes') ?? [], intAttribute(node, 'keepdims', 1) === 1),
};

function reduced(dims: readonly StaticDimension[], axes: readonly number[], keepDims: boolean): StaticShape[] {
  const normalized =
    axes.length === 0 ? dims.map((_, index) => index) : axes.map((axis) => normalizeAxis(axis, dims.length));
  return [
    {
      dims: keepDims
        ? dims.map((value, index) => (normalized.includes(index) ? 1 : value))
        : dims.filter((_, index) => !normalized.includes(index)),
    },
  ];
}

function decodeInt64(tensor: OnnxTensorProto): number[] | undefined {
  if (tensor.elementType !== 'int64' || tensor.rawData.byteLength > 8 * 64) return undefined;
  const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
  return Array.from({ length: tensor.rawData.byteLength / 8 }, (_, index) => Number(view.getBigInt64(index * 8, true)));
}

/**
 * Infers the {@link StaticShape} of every value of the graph: inputs from their declared dims (named
 * dimensions unknown), initializers exactly, then each node in order by its operator's rule.
 *
 * @throws {@link TrainingError} `TRAINING_UNSUPPORTED_OPERATOR` for an operator without a shape rule.
 */
export function inferStaticShapes(editor: GraphEditor): Map<string, StaticShape> {
  const shapes = new Map<string, StaticShape>();
  for (const input of editor.inputs)
    shapes.set(input.name, { dims: (input.dims ?? []).map((value) => (typeof value === 'number' ? value : null)) });
  for (const tensor of editor.initializers) {
    const values = decodeInt64(tensor);
    shapes.set(tensor.name, values === undefined ? { dims: tensor.dims } : { dims: tensor.dims, values });
  }
  for (const node of editor.nodes) {
    const rule = SHAPE_RULES[node.opType];
    if (rule === undefined || node.domain !== '') {
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPERATOR',
        `the training graph cannot infer shapes through ${node.domain === '' ? '' : `${node.domain}.`}${node.opType} (node ${node.name}); build the plain graph flavour`,
        { operator: node.opType, node: node.name },
      );
    }
    const outputs = rule(
      node.inputs.map((input) => (input === '' ? undefined : shapes.get(input))),
      node,
    );
    node.outputs.forEach((output, index) => {
      const shape = outputs[index];
      if (shape !== undefined) shapes.set(output, shape);
    });
  }
  return shapes;
}

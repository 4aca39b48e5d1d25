import { nodeBackend } from '@albert-ts/backend-node';
import {
  attribute,
  createTensor,
  encodeModel,
  type Backend,
  type GraphValue,
  type OnnxModelProto,
  type Tensor,
} from '@albert-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { differentiate } from './differentiate.js';
import { GraphEditor } from './graph-editor.js';
import { GRADIENT_RULES } from './gradient-rules.js';

// Each backward rule on its own: a tiny graph `loss = Σ op(inputs) ⊙ R` (R fixed random weights, so
// that dy is not uniform) is differentiated and its gradients compared with central finite differences
// of the same graph on onnxruntime-node (float32: step 1e-2, tolerance 2e-3 + 2e-2·|fd|).

const backend: Backend = nodeBackend({ device: 'cpu' });

interface RuleCase {
  /** Case name (the operator first). */
  readonly name: string;
  /** Float inputs and their shapes. */
  readonly inputs: Readonly<Record<string, readonly number[]>>;
  /** Builds the op(s) under test from the inputs; returns the value whose weighted sum is the loss. */
  readonly build: (e: GraphEditor, inputs: Record<string, GraphValue>) => GraphValue;
  /** Inputs that get no gradient (integer data is never differentiated). */
  readonly constant?: readonly string[];
  /** Makes input values (default: seeded uniform in [-1, 1]). */
  readonly values?: (name: string, size: number) => Float32Array;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const emptyModel: OnnxModelProto = {
  irVersion: 8,
  opsetImports: [{ domain: '', version: 17 }],
  producerName: 'albert-ts-test',
  producerVersion: '0',
  graph: { name: 'rule', nodes: [], initializers: [], inputs: [], outputs: [] },
};

const size = (shape: readonly number[]): number => shape.reduce((product, value) => product * value, 1);

async function checkRule(ruleCase: RuleCase): Promise<number> {
  const e = new GraphEditor(emptyModel);
  const values: Record<string, GraphValue> = {};
  for (const [name, shape] of Object.entries(ruleCase.inputs)) values[name] = e.input(name, 'float32', shape);
  const result = ruleCase.build(e, values);
  // a fixed weighting sin(1.37·k) of the flattened element k, so that dy is not uniform
  const count = e.op('ReduceProd', [e.shape(result)], { keepdims: attribute.int(0) });
  const steps = e.cast(e.op('Range', [e.int(0), count, e.int(1)]), 'float32');
  const weighting = e.reshape(e.op('Sin', [e.mul(steps, e.float(1.37))]), e.shape(result));
  const loss = e.reduceSum(e.mul(result, weighting), [], false);
  e.output(loss, 'loss');
  const differentiable = Object.keys(ruleCase.inputs).filter((name) => !(ruleCase.constant ?? []).includes(name));
  const { gradients } = differentiate(e, { loss, parameters: differentiable });
  const proto = e.build();
  const session = await backend.load({
    bytes: encodeModel(proto),
    inputNames: e.inputs.map((input) => input.name),
    outputNames: e.outputs.map((output) => output.name),
  });
  try {
    const inputRandom = seeded(11);
    const feeds: Record<string, Tensor> = {};
    for (const [name, shape] of Object.entries(ruleCase.inputs)) {
      const data =
        ruleCase.values?.(name, size(shape)) ?? Float32Array.from({ length: size(shape) }, () => inputRandom() * 2 - 1);
      feeds[name] = createTensor('float32', shape, data);
    }
    const outputs = await session.run(feeds);
    let worst = 0;
    for (const name of differentiable) {
      const gradName = gradients.get(name);
      expect(gradName, `gradient of ${name}`).toBeDefined();
      const analytic = outputs[gradName as string]?.data as Float32Array;
      const base = feeds[name]?.data as Float32Array;
      expect(analytic.length).toBe(base.length);
      for (let index = 0; index < base.length; index += 1) {
        const step = 1e-2;
        const evaluate = async (delta: number): Promise<number> => {
          const data = Float32Array.from(base);
          data[index] = (data[index] as number) + delta;
          const run = await session.run(
            { ...feeds, [name]: createTensor('float32', feeds[name]?.shape ?? [], data) },
            { outputNames: ['loss'] },
          );
          return Number(run['loss']?.data[0]);
        };
        const numeric = ((await evaluate(step)) - (await evaluate(-step))) / (2 * step);
        const difference = Math.abs((analytic[index] as number) - numeric);
        worst = Math.max(worst, difference);
        expect(
          difference,
          `${ruleCase.name}: d loss / d ${name}[${index}] analytic ${analytic[index]} vs finite difference ${numeric}`,
        ).toBeLessThanOrEqual(2e-3 + 2e-2 * Math.abs(numeric));
      }
    }
    return worst;
  } finally {
    await session.dispose();
  }
}

const positive = (_name: string, count: number): Float32Array => {
  const random = seeded(5);
  return Float32Array.from({ length: count }, () => 0.5 + random());
};
const awayFromZero = (_name: string, count: number): Float32Array => {
  const random = seeded(3);
  return Float32Array.from({ length: count }, (_, index) => (index % 2 === 0 ? 1 : -1) * (0.2 + random()));
};

const CASES: RuleCase[] = [
  { name: 'Identity', inputs: { a: [2, 3] }, build: (e, { a }) => e.op('Identity', [a as string]) },
  { name: 'Cast', inputs: { a: [2, 3] }, build: (e, { a }) => e.cast(a as string, 'float32') },
  { name: 'Neg', inputs: { a: [2, 3] }, build: (e, { a }) => e.neg(a as string) },
  {
    name: 'Add (broadcast rank and size-1 axes)',
    inputs: { a: [2, 3, 4], b: [3, 1], c: [4] },
    build: (e, { a, b, c }) => e.add(e.add(a as string, b as string), c as string),
  },
  { name: 'Sub (broadcast)', inputs: { a: [2, 3], b: [3] }, build: (e, { a, b }) => e.sub(a as string, b as string) },
  {
    name: 'Mul (broadcast, same input twice)',
    inputs: { a: [2, 3], b: [1, 3] },
    build: (e, { a, b }) => e.mul(e.mul(a as string, b as string), a as string),
  },
  {
    name: 'Div (broadcast)',
    inputs: { a: [2, 3], b: [3] },
    values: (name, count) => (name === 'b' ? positive(name, count) : awayFromZero(name, count)),
    build: (e, { a, b }) => e.div(a as string, b as string),
  },
  {
    // dropout in a training graph is `x · mask` with a fixed mask input of 0 (dropped) or 1/(1−p) (kept):
    // Mul's rule gives dx = dy · mask, zero at the dropped positions
    name: 'Mul (dropout: x · a fixed mask of 0 and 1/(1−p))',
    inputs: { a: [2, 3, 4] },
    build: (e, { a }) =>
      e.mul(
        a as string,
        e.floats(
          Array.from({ length: 24 }, (_, index) =>
            index % 3 === 1 || index === 4 ? 0 : Math.fround(1 / Math.fround(0.75)),
          ),
          [2, 3, 4],
        ),
      ),
  },
  {
    name: 'Where',
    inputs: { a: [2, 3], b: [3] },
    build: (e, { a, b }) => e.where(e.op('Greater', [a as string, e.float(0)]), a as string, b as string),
    values: awayFromZero,
  },
  {
    name: 'MatMul (weight [K, N] on rank 3)',
    inputs: { a: [2, 3, 4], b: [4, 5] },
    build: (e, { a, b }) => e.matMul(a as string, b as string),
  },
  {
    name: 'MatMul (batched, broadcast batch)',
    inputs: { a: [2, 3, 3, 4], b: [3, 4, 2] },
    build: (e, { a, b }) => e.matMul(a as string, b as string),
  },
  { name: 'Transpose', inputs: { a: [2, 3, 4] }, build: (e, { a }) => e.transpose(a as string, [2, 0, 1]) },
  { name: 'Reshape', inputs: { a: [2, 3, 4] }, build: (e, { a }) => e.reshape(a as string, [0, -1]) },
  { name: 'Unsqueeze', inputs: { a: [2, 3] }, build: (e, { a }) => e.unsqueeze(a as string, [1]) },
  { name: 'Squeeze', inputs: { a: [2, 1, 3] }, build: (e, { a }) => e.squeeze(a as string, [1]) },
  { name: 'Expand', inputs: { a: [3, 1] }, build: (e, { a }) => e.op('Expand', [a as string, e.ints([2, 3, 4])]) },
  {
    name: 'Concat',
    inputs: { a: [2, 3], b: [2, 2] },
    build: (e, { a, b }) => e.op('Concat', [a as string, b as string, a as string], { axis: attribute.int(1) }),
  },
  {
    name: 'Slice',
    inputs: { a: [5, 3] },
    build: (e, { a }) => e.op('Slice', [a as string, e.ints([1]), e.ints([4]), e.ints([0])]),
  },
  {
    name: 'Gather (axis 0, repeated indices)',
    inputs: { a: [5, 3] },
    build: (e, { a }) => e.op('Gather', [a as string, e.ints([1, 3, 1, 0], [2, 2])]),
  },
  {
    name: 'Gather (axis 1)',
    inputs: { a: [4, 5, 2] },
    build: (e, { a }) => e.op('Gather', [a as string, e.ints([4, 0, 4], [3])], { axis: attribute.int(1) }),
  },
  {
    name: 'Gather (scalar index, axis 2)',
    inputs: { a: [2, 3, 4] },
    build: (e, { a }) => e.op('Gather', [a as string, e.int(2)], { axis: attribute.int(2) }),
  },
  {
    name: 'ReduceSum (keepdims 0)',
    inputs: { a: [2, 3, 4] },
    build: (e, { a }) => e.reduceSum(a as string, [1], false),
  },
  { name: 'ReduceMean', inputs: { a: [2, 3, 4] }, build: (e, { a }) => e.reduceMean(a as string, [-1], true) },
  { name: 'Tanh', inputs: { a: [2, 3] }, build: (e, { a }) => e.op('Tanh', [a as string]) },
  { name: 'Sigmoid', inputs: { a: [2, 3] }, build: (e, { a }) => e.op('Sigmoid', [a as string]) },
  { name: 'Erf', inputs: { a: [2, 3] }, build: (e, { a }) => e.op('Erf', [a as string]) },
  { name: 'Exp', inputs: { a: [2, 3] }, build: (e, { a }) => e.op('Exp', [a as string]) },
  { name: 'Log', inputs: { a: [2, 3] }, values: positive, build: (e, { a }) => e.op('Log', [a as string]) },
  { name: 'Sqrt', inputs: { a: [2, 3] }, values: positive, build: (e, { a }) => e.op('Sqrt', [a as string]) },
  { name: 'Abs', inputs: { a: [2, 3] }, values: awayFromZero, build: (e, { a }) => e.op('Abs', [a as string]) },
  { name: 'Softplus', inputs: { a: [2, 3] }, build: (e, { a }) => e.op('Softplus', [a as string]) },
  { name: 'Relu', inputs: { a: [2, 3] }, values: awayFromZero, build: (e, { a }) => e.op('Relu', [a as string]) },
  {
    name: 'LeakyRelu',
    inputs: { a: [2, 3] },
    values: awayFromZero,
    build: (e, { a }) => e.op('LeakyRelu', [a as string], { alpha: attribute.float(0.1) }),
  },
  {
    name: 'Clip',
    inputs: { a: [2, 4] },
    values: awayFromZero,
    build: (e, { a }) => e.op('Clip', [a as string, e.float(-0.5), e.float(0.6)]),
  },
  {
    name: 'Softmax',
    inputs: { a: [2, 3, 4] },
    build: (e, { a }) => e.op('Softmax', [a as string], { axis: attribute.int(-1) }),
  },
  {
    name: 'LogSoftmax',
    inputs: { a: [3, 5] },
    build: (e, { a }) => e.op('LogSoftmax', [a as string], { axis: attribute.int(1) }),
  },
  {
    name: 'LayerNormalization',
    inputs: { a: [2, 3, 6], scale: [6], bias: [6] },
    build: (e, { a, scale, bias }) =>
      e.op('LayerNormalization', [a as string, scale as string, bias as string], {
        axis: attribute.int(-1),
        epsilon: attribute.float(1e-5),
      }),
  },
];

describe('backward rules against finite differences (node-cpu)', () => {
  afterAll(() => undefined);

  it('every rule has a case here', () => {
    const covered = new Set(CASES.map((ruleCase) => ruleCase.name.split(' ')[0]));
    expect(Object.keys(GRADIENT_RULES).filter((operator) => !covered.has(operator))).toEqual([]);
  });

  for (const ruleCase of CASES) {
    it(ruleCase.name, async () => {
      const worst = await checkRule(ruleCase);
      expect(worst).toBeLessThan(1e-1);
    });
  }
});

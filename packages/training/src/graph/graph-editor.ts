import {
  attribute,
  littleEndianBytes,
  type GraphValue,
  type OnnxAttributeValue,
  type OnnxDimension,
  type OnnxElementType,
  type OnnxModelProto,
  type OnnxNodeProto,
  type OnnxTensorProto,
  type OnnxValueInfoProto,
} from '@albert-ts/core';

/**
 * Appends to an existing ONNX `ModelProto`: the training graph starts from the model core's graph
 * builder emitted and adds the weight inputs, the loss and the backward nodes with this editor. Node
 * names get the current scope (`loss/`, `backward/…`), constants are deduplicated by value.
 */
export class GraphEditor {
  /** Nodes in topological order. */
  readonly nodes: OnnxNodeProto[];
  /** Initializers (weights and constants). */
  readonly initializers: OnnxTensorProto[];
  /** Graph inputs. */
  readonly inputs: OnnxValueInfoProto[];
  /** Graph outputs. */
  readonly outputs: OnnxValueInfoProto[];
  private readonly names = new Set<string>();
  private readonly constantNames = new Map<string, string>();
  private readonly scopes: string[] = [];
  private counter = 0;

  /** @param model - the model to extend (not modified: the editor copies its lists). */
  constructor(private readonly model: OnnxModelProto) {
    this.nodes = [...model.graph.nodes];
    this.initializers = [...model.graph.initializers];
    this.inputs = [...model.graph.inputs];
    this.outputs = [...model.graph.outputs];
    for (const tensor of this.initializers) this.names.add(tensor.name);
    for (const input of this.inputs) this.names.add(input.name);
    for (const node of this.nodes) for (const output of node.outputs) this.names.add(output);
  }

  /** A name not yet used by any value of the graph. */
  uniqueName(base: string): string {
    let name = base;
    for (let index = 1; this.names.has(name); index += 1) name = `${base}_${index}`;
    this.names.add(name);
    return name;
  }

  /** Runs `body` with node names prefixed by `scope`. */
  within<T>(scope: string, body: () => T): T {
    this.scopes.push(scope);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  /** Adds a node with `outputCount` outputs and returns them. */
  opWithOutputs(
    opType: string,
    inputs: readonly GraphValue[],
    outputCount: number,
    attributes: Readonly<Record<string, OnnxAttributeValue>> = {},
  ): GraphValue[] {
    const prefix = this.scopes.length === 0 ? '' : `${this.scopes.join('/')}/`;
    const name = this.uniqueName(`${prefix}${opType}_${this.counter}`);
    this.counter += 1;
    const outputs = Array.from({ length: outputCount }, (_, index) =>
      outputCount === 1 ? name : this.uniqueName(`${name}:${index}`),
    );
    this.nodes.push({ name, opType, domain: '', inputs, outputs, attributes });
    return outputs;
  }

  /** Adds a node with one output and returns it. */
  op(
    opType: string,
    inputs: readonly GraphValue[],
    attributes: Readonly<Record<string, OnnxAttributeValue>> = {},
  ): GraphValue {
    return this.opWithOutputs(opType, inputs, 1, attributes)[0] as GraphValue;
  }

  /** Declares a graph input. */
  input(name: string, elementType: OnnxElementType, dims: readonly OnnxDimension[]): GraphValue {
    this.names.add(name);
    this.inputs.push({ name, elementType, dims });
    return name;
  }

  /** Declares `value` as the graph output `name` (through an `Identity` node when the names differ). */
  output(value: GraphValue, name: string, elementType: OnnxElementType = 'float32'): void {
    if (value !== name) {
      this.names.add(name);
      this.nodes.push({
        name: `output/${name}`,
        opType: 'Identity',
        domain: '',
        inputs: [value],
        outputs: [name],
        attributes: {},
      });
    }
    this.outputs.push({ name, elementType });
  }

  /** Removes and returns the initializer `name` (undefined when there is none). */
  takeInitializer(name: string): OnnxTensorProto | undefined {
    const index = this.initializers.findIndex((tensor) => tensor.name === name);
    if (index < 0) return undefined;
    const [tensor] = this.initializers.splice(index, 1);
    return tensor;
  }

  private constant(
    elementType: OnnxElementType,
    dims: readonly number[],
    values: readonly number[],
    bytes: () => Uint8Array,
  ): GraphValue {
    const key = `${elementType}[${dims.join(',')}]:${values.join(',')}`;
    const existing = this.constantNames.get(key);
    if (existing !== undefined) return existing;
    const shown = values.length <= 4 ? values.join('_') : `${values.length}values`;
    const name = this.uniqueName(`training_const/${elementType}/${shown}`);
    this.initializers.push({ name, elementType, dims, rawData: bytes() });
    this.constantNames.set(key, name);
    return name;
  }

  /** A float32 constant of shape `dims` (1-D by default). */
  floats(values: readonly number[], dims: readonly number[] = [values.length]): GraphValue {
    return this.constant('float32', dims, values, () => littleEndianBytes(Float32Array.from(values)));
  }

  /** A float32 scalar. */
  float(value: number): GraphValue {
    return this.floats([value], []);
  }

  /** An int64 constant of shape `dims` (1-D by default). */
  ints(values: readonly number[], dims: readonly number[] = [values.length]): GraphValue {
    return this.constant('int64', dims, values, () =>
      littleEndianBytes(BigInt64Array.from(values, (value) => BigInt(value))),
    );
  }

  /** An int64 scalar. */
  int(value: number): GraphValue {
    return this.ints([value], []);
  }

  // ---- one operator each -------------------------------------------------------------------
  /** `a + b`. */
  add(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Add', [a, b]);
  }
  /** `a - b`. */
  sub(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Sub', [a, b]);
  }
  /** `a · b`. */
  mul(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Mul', [a, b]);
  }
  /** `a / b`. */
  div(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Div', [a, b]);
  }
  /** `-x`. */
  neg(x: GraphValue): GraphValue {
    return this.op('Neg', [x]);
  }
  /** Batched matrix product. */
  matMul(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('MatMul', [a, b]);
  }
  /** Permutes dimensions. */
  transpose(x: GraphValue, perm: readonly number[]): GraphValue {
    return this.op('Transpose', [x], { perm: attribute.ints(perm) });
  }
  /** Reshape to a constant shape or a shape tensor. */
  reshape(x: GraphValue, shape: readonly number[] | GraphValue): GraphValue {
    return this.op('Reshape', [x, typeof shape === 'string' ? shape : this.ints(shape)]);
  }
  /** Inserts size-1 axes. */
  unsqueeze(x: GraphValue, axes: readonly number[]): GraphValue {
    return this.op('Unsqueeze', [x, this.ints(axes)]);
  }
  /** Removes size-1 axes. */
  squeeze(x: GraphValue, axes: readonly number[]): GraphValue {
    return this.op('Squeeze', [x, this.ints(axes)]);
  }
  /** The shape of `x` (dimensions `start` to `end`). */
  shape(x: GraphValue, start?: number, end?: number): GraphValue {
    const attributes: Record<string, OnnxAttributeValue> = {};
    if (start !== undefined) attributes['start'] = attribute.int(start);
    if (end !== undefined) attributes['end'] = attribute.int(end);
    return this.op('Shape', [x], attributes);
  }
  /** Sum over `axes` (every axis when empty). */
  reduceSum(x: GraphValue, axes: readonly number[], keepDims: boolean): GraphValue {
    return this.op('ReduceSum', axes.length === 0 ? [x] : [x, this.ints(axes)], {
      keepdims: attribute.int(keepDims ? 1 : 0),
    });
  }
  /** Mean over `axes` (opset 17: axes as an attribute). */
  reduceMean(x: GraphValue, axes: readonly number[], keepDims: boolean): GraphValue {
    return this.op('ReduceMean', [x], { axes: attribute.ints(axes), keepdims: attribute.int(keepDims ? 1 : 0) });
  }
  /** Float32 zeros of the shape tensor `shape`. */
  zeros(shape: GraphValue): GraphValue {
    const zero: OnnxTensorProto = {
      name: 'value',
      elementType: 'float32',
      dims: [1],
      rawData: littleEndianBytes(Float32Array.of(0)),
    };
    return this.op('ConstantOfShape', [shape], { value: { kind: 'tensor', value: zero } });
  }
  /** Casts to `to`. */
  cast(x: GraphValue, to: OnnxElementType): GraphValue {
    const codes: Record<OnnxElementType, number> = {
      float32: 1,
      uint8: 2,
      int8: 3,
      int32: 6,
      int64: 7,
      bool: 9,
      float16: 10,
      bfloat16: 16,
    };
    return this.op('Cast', [x], { to: attribute.int(codes[to]) });
  }
  /** `condition ? a : b`. */
  where(condition: GraphValue, a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Where', [condition, a, b]);
  }

  /** The edited model (same opsets and metadata as the original). */
  build(docString?: string): OnnxModelProto {
    return {
      ...this.model,
      ...(docString === undefined ? {} : { docString }),
      graph: {
        name: this.model.graph.name,
        nodes: this.nodes,
        initializers: this.initializers,
        inputs: this.inputs,
        outputs: this.outputs,
      },
    };
  }
}

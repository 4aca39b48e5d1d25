import type { Tensor } from '../tensor.js';
import {
  littleEndianBytes,
  type OnnxAttributeValue,
  type OnnxDimension,
  type OnnxElementType,
  type OnnxModelProto,
  type OnnxNodeProto,
  type OnnxOpsetImport,
  type OnnxTensorProto,
  type OnnxValueInfoProto,
} from './onnx-proto.js';

/** The name of a value (tensor) in the graph being built. */
export type GraphValue = string;

/** Attribute constructors for {@link GraphBuilder.op}. */
export const attribute = {
  /** An INT attribute. */
  int: (value: number): OnnxAttributeValue => ({ kind: 'int', value }),
  /** A FLOAT attribute. */
  float: (value: number): OnnxAttributeValue => ({ kind: 'float', value }),
  /** An INTS attribute. */
  ints: (value: readonly number[]): OnnxAttributeValue => ({ kind: 'ints', value }),
  /** A STRING attribute. */
  string: (value: string): OnnxAttributeValue => ({ kind: 'string', value }),
} as const;

/** Options of {@link GraphBuilder.op}. */
export interface OpOptions {
  /** Operator domain (`com.microsoft` for contrib operators); the default ONNX domain when absent. */
  readonly domain?: string;
}

/**
 * A small DSL that builds an ONNX graph: inputs, weights (one initializer per tensor object, however
 * often it is used), constants and operators, with readable helpers (`matMul`, `layerNorm`, ...).
 * Node names follow the current scope (`encoder/layer_3/attention/MatMul_2`).
 */
export class GraphBuilder {
  private readonly nodes: OnnxNodeProto[] = [];
  private readonly initializers: OnnxTensorProto[] = [];
  private readonly initializerNames = new Set<string>();
  private readonly weightNames = new Map<object, string>();
  private readonly constantNames = new Map<string, string>();
  private readonly inputs: OnnxValueInfoProto[] = [];
  private readonly outputs: OnnxValueInfoProto[] = [];
  private readonly counters = new Map<string, number>();
  private readonly scopes: string[] = [];
  private readonly domains = new Set<string>();

  /** @param name - graph name. */
  constructor(readonly name: string) {}

  /** Declares a graph input. */
  input(name: string, elementType: OnnxElementType, dims: readonly OnnxDimension[]): GraphValue {
    this.inputs.push({ name, elementType, dims });
    return name;
  }

  /** Declares `value` as the graph output `name` (through an `Identity` node when the names differ). */
  output(value: GraphValue, name: string, elementType: OnnxElementType, dims?: readonly OnnxDimension[]): void {
    if (value !== name)
      this.nodes.push({
        name: `output/${name}`,
        opType: 'Identity',
        domain: '',
        inputs: [value],
        outputs: [name],
        attributes: {},
      });
    this.outputs.push(dims === undefined ? { name, elementType } : { name, elementType, dims });
  }

  /**
   * A float32 weight as an initializer named `name`. The same tensor object always yields the same
   * initializer, so a weight shared by several layers (or tied between two keys) is stored once.
   */
  weight(name: string, tensor: Tensor<'float32'>): GraphValue {
    const existing = this.weightNames.get(tensor);
    if (existing !== undefined) return existing;
    if (this.initializerNames.has(name)) throw new Error(`graph builder: two different tensors named ${name}`);
    this.addInitializer({ name, elementType: 'float32', dims: tensor.shape, rawData: littleEndianBytes(tensor.data) });
    this.weightNames.set(tensor, name);
    return name;
  }

  /**
   * A weight derived from `source` by `derive` (e.g. its transpose, tagged `'transposed'`), computed
   * once per (source tensor, tag) and stored as one initializer named `name`.
   */
  derivedWeight(
    source: Tensor<'float32'>,
    tag: string,
    name: string,
    derive: (tensor: Tensor<'float32'>) => Tensor<'float32'>,
  ): GraphValue {
    let byTag = this.derivedNames.get(source);
    if (byTag === undefined) {
      byTag = new Map();
      this.derivedNames.set(source, byTag);
    }
    const existing = byTag.get(tag);
    if (existing !== undefined) return existing;
    if (this.initializerNames.has(name)) throw new Error(`graph builder: two different tensors named ${name}`);
    const derived = derive(source);
    this.addInitializer({
      name,
      elementType: 'float32',
      dims: derived.shape,
      rawData: littleEndianBytes(derived.data),
    });
    byTag.set(tag, name);
    return name;
  }

  private readonly derivedNames = new Map<object, Map<string, string>>();

  /** A float32 constant (deduplicated by value). */
  floats(values: readonly number[], dims: readonly number[] = [values.length]): GraphValue {
    return this.constant('float32', dims, values, () => littleEndianBytes(Float32Array.from(values)));
  }

  /** A float32 scalar constant. */
  float(value: number): GraphValue {
    return this.constant('float32', [], [value], () => littleEndianBytes(Float32Array.of(value)));
  }

  /** An int64 constant (deduplicated by value); 1-D unless `dims` is given. */
  ints(values: readonly number[], dims: readonly number[] = [values.length]): GraphValue {
    return this.constant('int64', dims, values, () =>
      littleEndianBytes(BigInt64Array.from(values, (value) => BigInt(value))),
    );
  }

  /** An int64 scalar constant. */
  int(value: number): GraphValue {
    return this.ints([value], []);
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
    const name = this.uniqueInitializerName(`const/${elementType}/${shown}`);
    this.addInitializer({ name, elementType, dims, rawData: bytes() });
    this.constantNames.set(key, name);
    return name;
  }

  private uniqueInitializerName(base: string): string {
    let name = base;
    for (let index = 1; this.initializerNames.has(name); index += 1) name = `${base}_${index}`;
    return name;
  }

  private addInitializer(tensor: OnnxTensorProto): void {
    this.initializers.push(tensor);
    this.initializerNames.add(tensor.name);
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

  /** Adds a node with one output and returns that output. */
  op(
    opType: string,
    inputs: readonly GraphValue[],
    attributes: Readonly<Record<string, OnnxAttributeValue>> = {},
    options: OpOptions = {},
  ): GraphValue {
    const [output] = this.opWithOutputs(opType, inputs, 1, attributes, options);
    return output as GraphValue;
  }

  /** Adds a node with `outputCount` outputs and returns them. */
  opWithOutputs(
    opType: string,
    inputs: readonly GraphValue[],
    outputCount: number,
    attributes: Readonly<Record<string, OnnxAttributeValue>> = {},
    options: OpOptions = {},
  ): GraphValue[] {
    const prefix = this.scopes.length === 0 ? '' : `${this.scopes.join('/')}/`;
    const base = `${prefix}${opType}`;
    const count = this.counters.get(base) ?? 0;
    this.counters.set(base, count + 1);
    const name = `${base}_${count}`;
    const outputs = Array.from({ length: outputCount }, (_, index) =>
      outputCount === 1 ? `${name}` : `${name}:${index}`,
    );
    const domain = options.domain ?? '';
    if (domain !== '') this.domains.add(domain);
    this.nodes.push({ name, opType, domain, inputs, outputs, attributes });
    return outputs;
  }

  // ---- helpers: one ONNX operator each -------------------------------------------------------

  /** `a + b` (broadcasting). */
  add(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Add', [a, b]);
  }
  /** `a - b` (broadcasting). */
  sub(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Sub', [a, b]);
  }
  /** `a * b` (broadcasting). */
  mul(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Mul', [a, b]);
  }
  /** `a / b` (broadcasting). */
  div(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('Div', [a, b]);
  }
  /** Batched matrix product. */
  matMul(a: GraphValue, b: GraphValue): GraphValue {
    return this.op('MatMul', [a, b]);
  }
  /** `Gemm`: `alpha · A' · B' + beta · C` on 2-D inputs. */
  gemm(a: GraphValue, b: GraphValue, c: GraphValue, options: { transposeB?: boolean } = {}): GraphValue {
    return this.op('Gemm', [a, b, c], options.transposeB === true ? { transB: attribute.int(1) } : {});
  }
  /** Reshape to a constant shape (`0` copies a dimension, `-1` infers one) or to a shape tensor. */
  reshape(x: GraphValue, shape: readonly number[] | GraphValue): GraphValue {
    return this.op('Reshape', [x, typeof shape === 'string' ? shape : this.ints(shape)]);
  }
  /** Permutes dimensions. */
  transpose(x: GraphValue, perm: readonly number[]): GraphValue {
    return this.op('Transpose', [x], { perm: attribute.ints(perm) });
  }
  /** Softmax over `axis`. */
  softmax(x: GraphValue, axis: number): GraphValue {
    return this.op('Softmax', [x], { axis: attribute.int(axis) });
  }
  /** LayerNormalization (opset 17) over the last axis. */
  layerNorm(x: GraphValue, scale: GraphValue, bias: GraphValue, epsilon: number): GraphValue {
    return this.op('LayerNormalization', [x, scale, bias], {
      axis: attribute.int(-1),
      epsilon: attribute.float(epsilon),
    });
  }
  /** Gathers entries of `data` along `axis`. */
  gather(data: GraphValue, indices: GraphValue, axis = 0): GraphValue {
    return this.op('Gather', [data, indices], axis === 0 ? {} : { axis: attribute.int(axis) });
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
  /** Inserts size-1 axes. */
  unsqueeze(x: GraphValue, axes: readonly number[]): GraphValue {
    return this.op('Unsqueeze', [x, this.ints(axes)]);
  }
  /** The shape of `x` (optionally the dimensions `start` to `end`) as a 1-D int64 tensor. */
  shape(x: GraphValue, start?: number, end?: number): GraphValue {
    const attributes: Record<string, OnnxAttributeValue> = {};
    if (start !== undefined) attributes['start'] = attribute.int(start);
    if (end !== undefined) attributes['end'] = attribute.int(end);
    return this.op('Shape', [x], attributes);
  }
  /** Concatenates along `axis`. */
  concat(values: readonly GraphValue[], axis: number): GraphValue {
    return this.op('Concat', values, { axis: attribute.int(axis) });
  }
  /** `0, 1, ..., n-1` for a scalar int64 `n`. */
  range(limit: GraphValue): GraphValue {
    return this.op('Range', [this.int(0), limit, this.int(1)]);
  }
  /** Element-wise unary operator (`Tanh`, `Erf`, `Relu`, `Sigmoid`, ...). */
  unary(opType: string, x: GraphValue): GraphValue {
    return this.op(opType, [x]);
  }

  /** Assembles the `ModelProto` (opset 17 plus any contrib domain used). */
  build(options: { producerVersion: string; docString?: string; opsetVersion?: number }): OnnxModelProto {
    const opsetImports: OnnxOpsetImport[] = [{ domain: '', version: options.opsetVersion ?? 17 }];
    for (const domain of this.domains) opsetImports.push({ domain, version: 1 });
    return {
      irVersion: 8,
      opsetImports,
      producerName: 'albert-ts',
      producerVersion: options.producerVersion,
      ...(options.docString === undefined ? {} : { docString: options.docString }),
      graph: {
        name: this.name,
        nodes: this.nodes,
        initializers: this.initializers,
        inputs: this.inputs,
        outputs: this.outputs,
      },
    };
  }

  /** Graph input names, in declaration order. */
  get inputNames(): string[] {
    return this.inputs.map((input) => input.name);
  }

  /** Graph output names, in declaration order. */
  get outputNames(): string[] {
    return this.outputs.map((output) => output.name);
  }
}

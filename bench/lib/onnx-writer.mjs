// A minimal ONNX ModelProto writer for the benchmark's own exports (the "standard exporter" peer and the
// GEMM floor model). Independent of @albert-ts/core on purpose: the peers must not share our code.

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

/** ONNX TensorProto.DataType codes. */
export const DataType = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };

const textEncoder = new TextEncoder();

/** A protobuf message being written: a list of chunks and their total length. */
class Message {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }
  push(bytes) {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  varint(value) {
    const bytes = [];
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.push(Uint8Array.from(bytes));
  }
  tag(field, wire) {
    this.varint((field << 3) | wire);
  }
  int(field, value) {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }
  float(field, value) {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
  }
  bytes(field, value) {
    this.tag(field, WIRE_BYTES);
    this.varint(value.length);
    this.push(value);
  }
  string(field, value) {
    this.bytes(field, textEncoder.encode(value));
  }
  message(field, message) {
    this.tag(field, WIRE_BYTES);
    this.varint(message.length);
    for (const chunk of message.chunks) this.push(chunk);
  }
  toBytes() {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

function tensorProto(name, dataType, dims, data) {
  const message = new Message();
  for (const dim of dims) message.int(1, dim);
  message.int(2, DataType[dataType]);
  message.string(8, name);
  message.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return message;
}

function valueInfo(name, dataType, shape) {
  const dims = new Message();
  for (const dim of shape) {
    const dimension = new Message();
    if (typeof dim === 'number') dimension.int(1, dim);
    else dimension.string(2, dim);
    dims.message(1, dimension);
  }
  const tensorType = new Message();
  tensorType.int(1, DataType[dataType]);
  tensorType.message(2, dims);
  const type = new Message();
  type.message(1, tensorType);
  const info = new Message();
  info.string(1, name);
  info.message(2, type);
  return info;
}

function attribute(name, value) {
  const message = new Message();
  message.string(1, name);
  if (typeof value === 'number' && Number.isInteger(value) && !Object.is(value, -0)) {
    message.int(3, value);
    message.int(20, 2);
  } else if (typeof value === 'number') {
    message.float(2, value);
    message.int(20, 1);
  } else if (typeof value === 'string') {
    message.string(4, value);
    message.int(20, 3);
  } else if (value && value.kind === 'float') {
    message.float(2, value.value);
    message.int(20, 1);
  } else if (value && value.kind === 'tensor') {
    message.message(5, tensorProto('', value.dataType, value.dims, value.data));
    message.int(20, 4);
  } else if (Array.isArray(value)) {
    for (const item of value) message.int(8, item);
    message.int(20, 7);
  } else {
    throw new Error(`unsupported attribute ${name}`);
  }
  return message;
}

/** Marks a number as a FLOAT attribute even when it is integral. */
export const float = (value) => ({ kind: 'float', value });

/** A small graph DSL: nodes, initializers, inputs and outputs; `toBytes()` gives the ModelProto. */
export class OnnxGraph {
  constructor(name = 'graph') {
    this.name = name;
    this.nodes = [];
    this.initializers = [];
    this.inputs = [];
    this.outputs = [];
    this.counter = 0;
    this.constants = new Map();
    this.initializerNames = new Set();
    this.domains = new Set();
  }
  fresh(prefix) {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }
  input(name, dataType, shape) {
    this.inputs.push(valueInfo(name, dataType, shape));
    return name;
  }
  output(name, dataType, shape) {
    this.outputs.push(valueInfo(name, dataType, shape));
    return name;
  }
  /** Adds an initializer (once per name) and returns its name. */
  initializer(name, dataType, dims, data) {
    if (!this.initializerNames.has(name)) {
      this.initializerNames.add(name);
      this.initializers.push(tensorProto(name, dataType, dims, data));
    }
    return name;
  }
  /** A constant initializer deduplicated by value. */
  constant(dataType, dims, values) {
    const key = `${dataType}:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = `const_${this.constants.size}`;
      const Array_ = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array }[dataType];
      const data = dataType === 'int64' ? BigInt64Array.from(values.map((v) => BigInt(v))) : Array_.from(values);
      this.initializer(name, dataType, dims, data);
      this.constants.set(key, name);
    }
    return name;
  }
  scalar(value) {
    return this.constant('float32', [], [value]);
  }
  ints(values) {
    return this.constant('int64', [values.length], values);
  }
  /** Adds a node; returns its single output name (or the array when `outputCount` > 1). */
  node(opType, inputs, attributes = {}, options = {}) {
    const outputCount = options.outputCount ?? 1;
    const outputs = options.outputs ?? Array.from({ length: outputCount }, () => this.fresh(opType));
    const node = new Message();
    for (const input of inputs) node.string(1, input ?? '');
    for (const output of outputs) node.string(2, output);
    node.string(3, this.fresh(`n_${opType}`));
    node.string(4, opType);
    for (const [name, value] of Object.entries(attributes))
      if (value !== undefined) node.message(5, attribute(name, value));
    if (options.domain) {
      node.string(7, options.domain);
      this.domains.add(options.domain);
    }
    this.nodes.push(node);
    return outputs.length === 1 ? outputs[0] : outputs;
  }
  toBytes(opset = 17) {
    const graph = new Message();
    for (const node of this.nodes) graph.message(1, node);
    graph.string(2, this.name);
    for (const init of this.initializers) graph.message(5, init);
    for (const input of this.inputs) graph.message(11, input);
    for (const output of this.outputs) graph.message(12, output);
    const model = new Message();
    model.int(1, 8);
    model.string(2, 'albert-ts-bench');
    model.message(7, graph);
    const onnxOpset = new Message();
    onnxOpset.string(1, '');
    onnxOpset.int(2, opset);
    model.message(8, onnxOpset);
    for (const domain of this.domains) {
      const opsetId = new Message();
      opsetId.string(1, domain);
      opsetId.int(2, 1);
      model.message(8, opsetId);
    }
    return model.toBytes();
  }
}

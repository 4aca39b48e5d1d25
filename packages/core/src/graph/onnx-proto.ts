/**
 * A minimal ONNX protobuf encoder (write-only).
 *
 * We encode the handful of ONNX messages the graph builder needs ourselves instead of depending on a
 * protobuf library: it is ~300 lines, has no dependency, runs in browsers, and — the main reason —
 * it streams initializer bytes without copying them: a weight's raw data goes into the output as a
 * view of the checkpoint's own `Float32Array`, and the only copy is the final concatenation (or none
 * at all when the chunks are written to a file one after another, see {@link encodeModelChunks}).
 *
 * Field numbers follow `onnx/onnx.proto` (proto2). Repeated scalars are written unpacked, which every
 * protobuf parser accepts.
 */

/** ONNX `TensorProto.DataType` values for the element types albert-ts writes. */
export const OnnxDataType = {
  /** `FLOAT` (1). */
  float32: 1,
  /** `UINT8` (2). */
  uint8: 2,
  /** `INT8` (3). */
  int8: 3,
  /** `INT32` (6). */
  int32: 6,
  /** `INT64` (7). */
  int64: 7,
  /** `BOOL` (9). */
  bool: 9,
  /** `FLOAT16` (10). */
  float16: 10,
  /** `BFLOAT16` (16). */
  bfloat16: 16,
} as const;

/** An element type the encoder can write. */
export type OnnxElementType = keyof typeof OnnxDataType;

/** A `TensorProto` with its data as raw little-endian bytes. */
export interface OnnxTensorProto {
  /** Initializer name. */
  readonly name: string;
  /** Element type. */
  readonly elementType: OnnxElementType;
  /** Dimensions. */
  readonly dims: readonly number[];
  /** Raw little-endian element bytes (`raw_data`), written as is. */
  readonly rawData: Uint8Array;
}

/** One dimension of a value's type: a fixed size or a symbolic name such as `batch`. */
export type OnnxDimension = number | string;

/** A `ValueInfoProto` of a tensor value: name, element type and shape. */
export interface OnnxValueInfoProto {
  /** Value name. */
  readonly name: string;
  /** Element type. */
  readonly elementType: OnnxElementType;
  /** Shape; `undefined` leaves the shape unknown. */
  readonly dims?: readonly OnnxDimension[];
}

/**
 * An attribute value of a node (`AttributeProto`): `kind` picks the attribute type written to the
 * proto's `type` field and which value field holds `value`.
 */
export type OnnxAttributeValue =
  | {
      /** `INT`: one integer (`i`). */
      readonly kind: 'int';
      /** The integer; must be a safe integer. */
      readonly value: number;
    }
  | {
      /** `FLOAT`: one float (`f`). */
      readonly kind: 'float';
      /** The value, written as float32. */
      readonly value: number;
    }
  | {
      /** `STRING`: one string (`s`). */
      readonly kind: 'string';
      /** The string, written as UTF-8. */
      readonly value: string;
    }
  | {
      /** `INTS`: a list of integers (`ints`), e.g. `perm` of `Transpose`. */
      readonly kind: 'ints';
      /** The integers. */
      readonly value: readonly number[];
    }
  | {
      /** `FLOATS`: a list of floats (`floats`). */
      readonly kind: 'floats';
      /** The values, each written as float32. */
      readonly value: readonly number[];
    }
  | {
      /** `TENSOR`: a tensor (`t`), e.g. the `value` of `Constant`. */
      readonly kind: 'tensor';
      /** The tensor. */
      readonly value: OnnxTensorProto;
    };

/** A `NodeProto`. */
export interface OnnxNodeProto {
  /** Node name (unique within the graph). */
  readonly name: string;
  /** Operator type, e.g. `MatMul`. */
  readonly opType: string;
  /** Operator domain; `''` is the default ONNX domain. */
  readonly domain: string;
  /** Input value names (`''` for an omitted optional input). */
  readonly inputs: readonly string[];
  /** Output value names. */
  readonly outputs: readonly string[];
  /** Attributes by name. */
  readonly attributes: Readonly<Record<string, OnnxAttributeValue>>;
}

/** A `GraphProto`. */
export interface OnnxGraphProto {
  /** Graph name. */
  readonly name: string;
  /** Nodes in topological order. */
  readonly nodes: readonly OnnxNodeProto[];
  /** Initializers (weights and constants). */
  readonly initializers: readonly OnnxTensorProto[];
  /** Graph inputs. */
  readonly inputs: readonly OnnxValueInfoProto[];
  /** Graph outputs. */
  readonly outputs: readonly OnnxValueInfoProto[];
  /** Free text. */
  readonly docString?: string;
}

/** An `OperatorSetIdProto`. */
export interface OnnxOpsetImport {
  /** `''` for the default domain, `com.microsoft` for onnxruntime's contrib operators. */
  readonly domain: string;
  /** Opset version. */
  readonly version: number;
}

/** A `ModelProto`. */
export interface OnnxModelProto {
  /** ONNX IR version (8 goes with opset 17). */
  readonly irVersion: number;
  /** Opsets the graph uses. */
  readonly opsetImports: readonly OnnxOpsetImport[];
  /** Producer name, e.g. `albert-ts`. */
  readonly producerName: string;
  /** Producer version. */
  readonly producerVersion: string;
  /** The graph. */
  readonly graph: OnnxGraphProto;
  /** Free text. */
  readonly docString?: string;
}

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

const textEncoder = new TextEncoder();
const littleEndianPlatform = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Appends protobuf fields to a list of byte chunks. Small fields go to a scratch buffer; large byte
 * strings are appended as chunks by reference (no copy).
 */
class ProtoWriter {
  readonly chunks: Uint8Array[] = [];
  /** Total bytes written so far. */
  length = 0;
  private scratch = new Uint8Array(256);
  private scratchLength = 0;

  private ensure(extra: number): void {
    if (this.scratchLength + extra <= this.scratch.length) return;
    const grown = new Uint8Array(Math.max(this.scratch.length * 2, this.scratchLength + extra));
    grown.set(this.scratch.subarray(0, this.scratchLength));
    this.scratch = grown;
  }

  private byte(value: number): void {
    this.ensure(1);
    this.scratch[this.scratchLength++] = value;
    this.length += 1;
  }

  private rawVarint(value: number): void {
    if (value < 0) {
      // int64 two's complement: always 10 bytes.
      let big = BigInt.asUintN(64, BigInt(value));
      while (big >= 0x80n) {
        this.byte(Number(big & 0x7fn) | 0x80);
        big >>= 7n;
      }
      this.byte(Number(big));
      return;
    }
    let remaining = value;
    while (remaining >= 0x80) {
      this.byte((remaining % 0x80) | 0x80);
      remaining = Math.floor(remaining / 0x80);
    }
    this.byte(remaining);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private flushScratch(): void {
    if (this.scratchLength === 0) return;
    this.chunks.push(this.scratch.slice(0, this.scratchLength));
    this.scratchLength = 0;
  }

  varint(field: number, value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf field ${field}: ${value} is not a safe integer`);
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
  }

  float32(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    for (const b of bytes) this.byte(b);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(data.byteLength);
    if (data.byteLength <= 64) {
      this.ensure(data.byteLength);
      this.scratch.set(data, this.scratchLength);
      this.scratchLength += data.byteLength;
    } else {
      this.flushScratch();
      this.chunks.push(data);
    }
    this.length += data.byteLength;
  }

  string(field: number, value: string): void {
    this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, child: ProtoWriter): void {
    child.flushScratch();
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(child.length);
    this.flushScratch();
    for (const chunk of child.chunks) this.chunks.push(chunk);
    this.length += child.length;
  }

  finishChunks(): Uint8Array[] {
    this.flushScratch();
    return this.chunks;
  }
}

function writeTensor(tensor: OnnxTensorProto): ProtoWriter {
  const writer = new ProtoWriter();
  for (const dim of tensor.dims) writer.varint(1, dim);
  writer.varint(2, OnnxDataType[tensor.elementType]);
  writer.string(8, tensor.name);
  writer.bytes(9, tensor.rawData);
  return writer;
}

function writeValueInfo(info: OnnxValueInfoProto): ProtoWriter {
  const tensorType = new ProtoWriter();
  tensorType.varint(1, OnnxDataType[info.elementType]);
  if (info.dims !== undefined) {
    const shape = new ProtoWriter();
    for (const dim of info.dims) {
      const dimension = new ProtoWriter();
      if (typeof dim === 'number') dimension.varint(1, dim);
      else dimension.string(2, dim);
      shape.message(1, dimension);
    }
    tensorType.message(2, shape);
  }
  const type = new ProtoWriter();
  type.message(1, tensorType);
  const writer = new ProtoWriter();
  writer.string(1, info.name);
  writer.message(2, type);
  return writer;
}

function writeAttribute(name: string, attribute: OnnxAttributeValue): ProtoWriter {
  const writer = new ProtoWriter();
  writer.string(1, name);
  switch (attribute.kind) {
    case 'float':
      writer.float32(2, attribute.value);
      break;
    case 'int':
      writer.varint(3, attribute.value);
      break;
    case 'string':
      writer.string(4, attribute.value);
      break;
    case 'tensor':
      writer.message(5, writeTensor(attribute.value));
      break;
    case 'floats':
      for (const value of attribute.value) writer.float32(7, value);
      break;
    case 'ints':
      for (const value of attribute.value) writer.varint(8, value);
      break;
  }
  writer.varint(20, ATTRIBUTE_TYPE[attribute.kind]);
  return writer;
}

function writeNode(node: OnnxNodeProto): ProtoWriter {
  const writer = new ProtoWriter();
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  writer.string(3, node.name);
  writer.string(4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes)) writer.message(5, writeAttribute(name, attribute));
  if (node.domain !== '') writer.string(7, node.domain);
  return writer;
}

function writeGraph(graph: OnnxGraphProto): ProtoWriter {
  const writer = new ProtoWriter();
  for (const node of graph.nodes) writer.message(1, writeNode(node));
  writer.string(2, graph.name);
  for (const initializer of graph.initializers) writer.message(5, writeTensor(initializer));
  if (graph.docString !== undefined) writer.string(10, graph.docString);
  for (const input of graph.inputs) writer.message(11, writeValueInfo(input));
  for (const output of graph.outputs) writer.message(12, writeValueInfo(output));
  return writer;
}

/**
 * Encodes a model as a list of byte chunks whose concatenation is the `ModelProto`. Initializer data
 * appear as views of the caller's arrays (no copy), so a file can be written chunk by chunk.
 */
export function encodeModelChunks(model: OnnxModelProto): Uint8Array[] {
  const writer = new ProtoWriter();
  writer.varint(1, model.irVersion);
  writer.string(2, model.producerName);
  writer.string(3, model.producerVersion);
  if (model.docString !== undefined) writer.string(6, model.docString);
  writer.message(7, writeGraph(model.graph));
  for (const opset of model.opsetImports) {
    const entry = new ProtoWriter();
    if (opset.domain !== '') entry.string(1, opset.domain);
    entry.varint(2, opset.version);
    writer.message(8, entry);
  }
  return writer.finishChunks();
}

/** Encodes a model into one `Uint8Array` (the only copy of the initializer bytes). */
export function encodeModel(model: OnnxModelProto): Uint8Array {
  const chunks = encodeModelChunks(model);
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The little-endian bytes of a typed array: a view on little-endian platforms (no copy), a
 * byte-swapped copy otherwise.
 */
export function littleEndianBytes(
  data: Float32Array | Int32Array | BigInt64Array | Uint16Array | Uint8Array | Int8Array,
): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (littleEndianPlatform || data.BYTES_PER_ELEMENT === 1) return view;
  const width = data.BYTES_PER_ELEMENT;
  const swapped = new Uint8Array(view.byteLength);
  for (let offset = 0; offset < view.byteLength; offset += width) {
    for (let index = 0; index < width; index += 1) swapped[offset + index] = view[offset + width - 1 - index] ?? 0;
  }
  return swapped;
}

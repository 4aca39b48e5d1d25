/**
 * Test support: hand-encoded ONNX models (a few protobuf fields written by hand) so the adapters can be
 * tested before, and independently of, core's graph builder. Not part of the package API.
 */
import type { OnnxModel } from '@albert-ts/core';

/** ONNX `TensorProto.DataType` codes used here. */
export const ONNX_DATA_TYPE = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;

/** Minimal protobuf writer: varints, length-delimited fields and nested messages. */
class ProtoWriter {
  private readonly chunks: number[] = [];

  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(BigInt(value.length));
    for (const byte of value) this.chunks.push(byte);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    for (const byte of new Uint8Array(new Float32Array([value]).buffer)) this.chunks.push(byte);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const nested = new ProtoWriter();
    build(nested);
    return this.bytes(field, nested.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(BigInt((field << 3) | wireType));
  }

  private rawVarint(value: bigint): void {
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      this.chunks.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.chunks.push(Number(rest));
  }
}

/** A graph value: name, ONNX element type and dims (a string is a symbolic dimension). */
export interface ValueSpec {
  readonly name: string;
  readonly elementType: number;
  readonly dims: readonly (number | string)[];
}

/** A graph node. */
export interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly domain?: string;
  readonly attributes?: readonly { readonly name: string; readonly int?: number; readonly float?: number }[];
}

/** An initializer with float32 or int64 data. */
export interface InitializerSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/** Encodes a `ModelProto` (IR 8, opset 17 + com.microsoft 1). */
export function encodeOnnxModel(graph: {
  readonly nodes: readonly NodeSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly initializers?: readonly InitializerSpec[];
}): OnnxModel {
  const writeValueInfo = (writer: ProtoWriter, value: ValueSpec): void => {
    writer.string(1, value.name).message(2, (type) =>
      type.message(1, (tensorType) =>
        tensorType.varint(1, value.elementType).message(2, (shape) => {
          for (const dim of value.dims) {
            shape.message(1, (dimension) =>
              typeof dim === 'number' ? dimension.varint(1, dim) : dimension.string(2, dim),
            );
          }
        }),
      ),
    );
  };
  const bytes = new ProtoWriter()
    .varint(1, 8)
    .string(2, 'albert-ts-test')
    .message(8, (opset) => opset.string(1, '').varint(2, 17))
    .message(8, (opset) => opset.string(1, 'com.microsoft').varint(2, 1))
    .message(7, (writer) => {
      graph.nodes.forEach((node, index) => {
        writer.message(1, (nodeWriter) => {
          for (const input of node.inputs) nodeWriter.string(1, input);
          for (const output of node.outputs) nodeWriter.string(2, output);
          nodeWriter.string(3, `node_${index}`).string(4, node.opType);
          if (node.domain) nodeWriter.string(7, node.domain);
          for (const attribute of node.attributes ?? []) {
            nodeWriter.message(5, (attributeWriter) => {
              attributeWriter.string(1, attribute.name);
              if (attribute.float !== undefined) {
                attributeWriter.float(2, attribute.float).varint(20, 1); // type FLOAT
              } else {
                attributeWriter.varint(3, attribute.int ?? 0).varint(20, 2); // type INT
              }
            });
          }
        });
      });
      writer.string(2, 'test_graph');
      for (const initializer of graph.initializers ?? []) {
        writer.message(5, (tensor) => {
          for (const dim of initializer.dims) tensor.varint(1, dim);
          tensor
            .varint(2, initializer.data instanceof Float32Array ? ONNX_DATA_TYPE.float32 : ONNX_DATA_TYPE.int64)
            .string(8, initializer.name)
            .bytes(
              9,
              new Uint8Array(initializer.data.buffer, initializer.data.byteOffset, initializer.data.byteLength),
            );
        });
      }
      for (const input of graph.inputs) writer.message(11, (valueWriter) => writeValueInfo(valueWriter, input));
      for (const output of graph.outputs) writer.message(12, (valueWriter) => writeValueInfo(valueWriter, output));
    })
    .finish();
  return {
    bytes,
    inputNames: graph.inputs.map((input) => input.name),
    outputNames: graph.outputs.map((output) => output.name),
  };
}

/** The embedding table of {@link tinyLookupModel}: row r is [r, r + 0.5, -r, 0.25]. */
export function tinyLookupTable(vocabularySize: number): Float32Array {
  const table = new Float32Array(vocabularySize * 4);
  for (let row = 0; row < vocabularySize; row += 1) table.set([row, row + 0.5, -row, 0.25], row * 4);
  return table;
}

/**
 * A tiny graph that exercises every boundary conversion the backends need:
 * - `input_ids` int64 [batch, sequence] → `hidden` float32 [batch, sequence, 4] = Gather(table, ids) · scale + bias
 * - `next_ids` int64 = input_ids + 1
 * - `mask` bool = input_ids > 2
 * Inputs: `input_ids` (int64), `scale` (float32 [1]), `bias` (float32 [4]).
 */
export function tinyLookupModel(vocabularySize = 10): OnnxModel {
  return encodeOnnxModel({
    inputs: [
      { name: 'input_ids', elementType: ONNX_DATA_TYPE.int64, dims: ['batch', 'sequence'] },
      { name: 'scale', elementType: ONNX_DATA_TYPE.float32, dims: [1] },
      { name: 'bias', elementType: ONNX_DATA_TYPE.float32, dims: [4] },
    ],
    outputs: [
      { name: 'hidden', elementType: ONNX_DATA_TYPE.float32, dims: ['batch', 'sequence', 4] },
      { name: 'next_ids', elementType: ONNX_DATA_TYPE.int64, dims: ['batch', 'sequence'] },
      { name: 'mask', elementType: ONNX_DATA_TYPE.bool, dims: ['batch', 'sequence'] },
    ],
    initializers: [
      { name: 'table', dims: [vocabularySize, 4], data: tinyLookupTable(vocabularySize) },
      { name: 'one', dims: [], data: new BigInt64Array([1n]) },
      { name: 'two', dims: [], data: new BigInt64Array([2n]) },
    ],
    nodes: [
      { opType: 'Gather', inputs: ['table', 'input_ids'], outputs: ['gathered'] },
      { opType: 'Mul', inputs: ['gathered', 'scale'], outputs: ['scaled'] },
      { opType: 'Add', inputs: ['scaled', 'bias'], outputs: ['hidden'] },
      { opType: 'Add', inputs: ['input_ids', 'one'], outputs: ['next_ids'] },
      { opType: 'Greater', inputs: ['input_ids', 'two'], outputs: ['mask'] },
    ],
  });
}

/** A one-node float32 MatMul model: `y` [n, 3] = `x` [n, 2] · W, W = [[1, 2, 3], [4, 5, 6]]. */
export function tinyMatMulModel(): OnnxModel {
  return encodeOnnxModel({
    inputs: [{ name: 'x', elementType: ONNX_DATA_TYPE.float32, dims: ['n', 2] }],
    outputs: [{ name: 'y', elementType: ONNX_DATA_TYPE.float32, dims: ['n', 3] }],
    initializers: [{ name: 'W', dims: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
    nodes: [{ opType: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
  });
}

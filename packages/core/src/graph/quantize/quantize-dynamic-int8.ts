import type { OnnxModelProto, OnnxNodeProto, OnnxTensorProto } from '../onnx-proto.js';
import { littleEndianBytes } from '../onnx-proto.js';

/** How a quantized MatMul is written. */
export type DynamicInt8Operator =
  /** `com.microsoft` `DynamicQuantizeMatMul` (one node; onnxruntime CPU and WASM). */
  | 'dynamic-quantize-matmul'
  /** Standard ONNX `DynamicQuantizeLinear` + `MatMulInteger` + `Cast` + `Mul` (any runtime with opset 11+). */
  | 'matmul-integer';

/** Options of {@link quantizeDynamicInt8}. */
export interface DynamicInt8Options {
  /** Operator form (default `dynamic-quantize-matmul`). */
  readonly operator?: DynamicInt8Operator;
  /** Only weights with at least this many elements are quantized (default 16384: skips tiny heads). */
  readonly minimumWeightElements?: number;
  /** Further filter on the weight initializer's name (default: every eligible weight). */
  readonly include?: (weightName: string) => boolean;
  /**
   * With `dynamic-quantize-matmul`: fold the bias `Add` that follows a quantized MatMul (a 1-D float32
   * initializer of the output width) into the operator's optional bias input (default `true`): one
   * pass over the output instead of two (measured: −8 % of an int8 1 × 128 forward, docs/performance.md).
   */
  readonly foldBias?: boolean;
}

/** What {@link quantizeDynamicInt8} did. */
export interface DynamicInt8Result {
  /** The quantized model. */
  readonly model: OnnxModelProto;
  /** Names of the float32 weights that were replaced by int8 ones. */
  readonly quantizedWeights: readonly string[];
}

/** The float32 elements of a raw little-endian initializer (a view when aligned on a little-endian host). */
function floatElements(tensor: OnnxTensorProto): Float32Array {
  const { rawData } = tensor;
  const count = rawData.byteLength / 4;
  const probe = new Uint8Array(new Uint32Array([1]).buffer);
  if (probe[0] === 1 && rawData.byteOffset % 4 === 0)
    return new Float32Array(rawData.buffer, rawData.byteOffset, count);
  const view = new DataView(rawData.buffer, rawData.byteOffset, rawData.byteLength);
  const out = new Float32Array(count);
  for (let index = 0; index < count; index += 1) out[index] = view.getFloat32(index * 4, true);
  return out;
}

/** A `[K, N]` weight quantized per output column by {@link quantizeColumnsInt8}. */
export interface QuantizedColumns {
  /** The int8 weights, `[K, N]` row-major: `round(W[k, n] / scale[n])`, zero point 0. */
  readonly quantized: Int8Array;
  /** One float32 scale per output column, `[N]`: `max_k |W[k, n]| / 127`. */
  readonly scale: Float32Array;
}

/**
 * Symmetric per-output-column int8 quantization of a `[K, N]` MatMul weight:
 * `scale[n] = max_k |W[k, n]| / 127`, `q = round(W / scale)`, zero point 0.
 */
export function quantizeColumnsInt8(weight: Float32Array, rows: number, columns: number): QuantizedColumns {
  const scale = new Float32Array(columns);
  for (let row = 0; row < rows; row += 1) {
    const offset = row * columns;
    for (let column = 0; column < columns; column += 1) {
      const magnitude = Math.abs(weight[offset + column] as number);
      if (magnitude > (scale[column] as number)) scale[column] = magnitude;
    }
  }
  for (let column = 0; column < columns; column += 1) scale[column] = (scale[column] as number) / 127 || 1;
  const quantized = new Int8Array(rows * columns);
  for (let row = 0; row < rows; row += 1) {
    const offset = row * columns;
    for (let column = 0; column < columns; column += 1) {
      quantized[offset + column] = Math.max(
        -127,
        Math.min(127, Math.round((weight[offset + column] as number) / (scale[column] as number))),
      );
    }
  }
  return { quantized, scale };
}

/**
 * Dynamic int8 quantization of a built graph, on the fly from its float32 weights: every `MatMul`
 * whose second input is a 2-D float32 initializer (the projections of attention, the FFN and the
 * E→H mapping; also the packed QKV weight is left alone when it feeds a fused `Attention`) gets int8
 * weights with per-column scales, and its activations are quantized at run time (uint8, per tensor).
 * The graph's inputs, outputs and every other node are unchanged; float32 weights that no node
 * reads any more are dropped, so the model shrinks to about a quarter for those weights.
 */
export function quantizeDynamicInt8(model: OnnxModelProto, options: DynamicInt8Options = {}): DynamicInt8Result {
  const operator = options.operator ?? 'dynamic-quantize-matmul';
  const minimum = options.minimumWeightElements ?? 16384;
  const graph = model.graph;
  const initializers = new Map(graph.initializers.map((tensor) => [tensor.name, tensor]));
  const added: OnnxTensorProto[] = [];
  const quantizedNames = new Map<string, { weight: string; scale: string; zero: string }>();
  const nodes: OnnxNodeProto[] = [];
  const foldBias = operator === 'dynamic-quantize-matmul' && options.foldBias !== false;
  const graphOutputs = new Set(graph.outputs.map((output) => output.name));
  const consumers = new Map<string, OnnxNodeProto[]>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      const readers = consumers.get(input);
      if (readers === undefined) consumers.set(input, [node]);
      else readers.push(node);
    }
  }
  const folded = new Set<OnnxNodeProto>();
  /** The bias `Add` that alone consumes `output`, with its 1-D `[columns]` float32 initializer. */
  const biasAddAfter = (output: string, columns: number): { add: OnnxNodeProto; bias: string } | undefined => {
    const readers = consumers.get(output) ?? [];
    const add = readers[0];
    if (
      !foldBias ||
      graphOutputs.has(output) ||
      readers.length !== 1 ||
      add === undefined ||
      add.opType !== 'Add' ||
      add.domain !== '' ||
      add.inputs.length !== 2
    )
      return undefined;
    const bias = add.inputs[0] === output ? add.inputs[1] : add.inputs[0];
    const tensor = bias === undefined ? undefined : initializers.get(bias);
    if (
      bias === undefined ||
      tensor === undefined ||
      tensor.elementType !== 'float32' ||
      tensor.dims.length !== 1 ||
      tensor.dims[0] !== columns
    )
      return undefined;
    return { add, bias };
  };

  const quantizedWeight = (name: string, tensor: OnnxTensorProto): { weight: string; scale: string; zero: string } => {
    const existing = quantizedNames.get(name);
    if (existing !== undefined) return existing;
    const [rows, columns] = tensor.dims as [number, number];
    const { quantized, scale } = quantizeColumnsInt8(floatElements(tensor), rows, columns);
    const names = { weight: `${name}.int8`, scale: `${name}.int8_scale`, zero: `${name}.int8_zero_point` };
    added.push({
      name: names.weight,
      elementType: 'int8',
      dims: [rows, columns],
      rawData: littleEndianBytes(quantized),
    });
    added.push({ name: names.scale, elementType: 'float32', dims: [columns], rawData: littleEndianBytes(scale) });
    added.push({ name: names.zero, elementType: 'int8', dims: [columns], rawData: new Uint8Array(columns) });
    quantizedNames.set(name, names);
    return names;
  };

  for (const node of graph.nodes) {
    if (folded.has(node)) continue;
    const weightName = node.inputs[1];
    const tensor = weightName === undefined ? undefined : initializers.get(weightName);
    const eligible =
      node.opType === 'MatMul' &&
      node.domain === '' &&
      tensor !== undefined &&
      tensor.elementType === 'float32' &&
      tensor.dims.length === 2 &&
      (tensor.dims[0] as number) * (tensor.dims[1] as number) >= minimum &&
      (options.include?.(tensor.name) ?? true);
    if (!eligible || tensor === undefined) {
      nodes.push(node);
      continue;
    }
    const names = quantizedWeight(tensor.name, tensor);
    const input = node.inputs[0] as string;
    const output = node.outputs[0] as string;
    if (operator === 'dynamic-quantize-matmul') {
      const biasAdd = biasAddAfter(output, tensor.dims[1] as number);
      if (biasAdd !== undefined) folded.add(biasAdd.add); // y = x·W + b in the one operator
      const inputs = [input, names.weight, names.scale, names.zero, ...(biasAdd === undefined ? [] : [biasAdd.bias])];
      nodes.push({
        name: `${node.name}/int8`,
        opType: 'DynamicQuantizeMatMul',
        domain: 'com.microsoft',
        inputs,
        outputs: biasAdd === undefined ? [output] : [...biasAdd.add.outputs],
        attributes: {},
      });
      continue;
    }
    // y = (x_q - x_zero) · (W_q - 0) · x_scale · w_scale
    const prefix = `${node.name}/int8`;
    nodes.push({
      name: `${prefix}/DynamicQuantizeLinear`,
      opType: 'DynamicQuantizeLinear',
      domain: '',
      inputs: [input],
      outputs: [`${prefix}/x_q`, `${prefix}/x_scale`, `${prefix}/x_zero`],
      attributes: {},
    });
    nodes.push({
      name: `${prefix}/MatMulInteger`,
      opType: 'MatMulInteger',
      domain: '',
      inputs: [`${prefix}/x_q`, names.weight, `${prefix}/x_zero`, names.zero],
      outputs: [`${prefix}/accumulated`],
      attributes: {},
    });
    nodes.push({
      name: `${prefix}/Cast`,
      opType: 'Cast',
      domain: '',
      inputs: [`${prefix}/accumulated`],
      outputs: [`${prefix}/accumulated_float`],
      attributes: { to: { kind: 'int', value: 1 } },
    });
    nodes.push({
      name: `${prefix}/MulScale`,
      opType: 'Mul',
      domain: '',
      inputs: [`${prefix}/x_scale`, names.scale],
      outputs: [`${prefix}/scale`],
      attributes: {},
    });
    nodes.push({
      name: `${prefix}/Mul`,
      opType: 'Mul',
      domain: '',
      inputs: [`${prefix}/accumulated_float`, `${prefix}/scale`],
      outputs: [output],
      attributes: {},
    });
  }

  const used = new Set<string>();
  for (const node of nodes) for (const input of node.inputs) used.add(input);
  const kept = graph.initializers.filter((tensor) => used.has(tensor.name));
  const opsetImports =
    operator === 'dynamic-quantize-matmul' &&
    quantizedNames.size > 0 &&
    !model.opsetImports.some((opset) => opset.domain === 'com.microsoft')
      ? [...model.opsetImports, { domain: 'com.microsoft', version: 1 }]
      : model.opsetImports;
  return {
    model: { ...model, opsetImports, graph: { ...graph, nodes, initializers: [...kept, ...added] } },
    quantizedWeights: [...quantizedNames.keys()],
  };
}

import type {
  OnnxAttributeValue,
  OnnxModelProto,
  OnnxNodeProto,
  OnnxTensorProto,
  OnnxValueInfoProto,
} from '../onnx-proto.js';

/** The largest finite float16 magnitude. */
export const FLOAT16_MAX = 65504;

const scratch = new DataView(new ArrayBuffer(4));

/**
 * IEEE-754 binary16 bits of a number (round to nearest even), with magnitudes beyond
 * {@link FLOAT16_MAX} clamped to it: the graph's additive-mask constant (float32 min) becomes -65504,
 * the float16 minimum HF itself uses for half-precision masks.
 */
export function float32ToFloat16Bits(value: number): number {
  const clamped = Number.isNaN(value) ? value : Math.max(-FLOAT16_MAX, Math.min(FLOAT16_MAX, value));
  scratch.setFloat32(0, clamped);
  const bits = scratch.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200); // inf / NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7bff; // unreachable after clamping; keep finite
  if (halfExponent <= 0) {
    // subnormal half (or zero)
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    let half = full >>> shift;
    const remainder = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half += 1; // may carry into the exponent: still correct
  return sign | half;
}

function toFloat16Tensor(tensor: OnnxTensorProto): OnnxTensorProto {
  const count = tensor.rawData.byteLength / 4;
  const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
  const bytes = new Uint8Array(count * 2);
  const out = new DataView(bytes.buffer);
  for (let index = 0; index < count; index += 1)
    out.setUint16(index * 2, float32ToFloat16Bits(view.getFloat32(index * 4, true)), true);
  return { ...tensor, elementType: 'float16', rawData: bytes };
}

const FLOAT = 1;
const FLOAT16 = 10;

/**
 * Converts a float32 graph to float16 on the fly (for GPU backends): every float32 initializer is
 * cast at build time (halving the model bytes), `Cast(to=float)` nodes cast to float16 instead, and
 * the graph keeps its float32 interface — float32 inputs are cast to float16 where they enter and
 * float32 outputs are cast back where they leave — so callers feed and read the same tensors.
 */
export function convertToFloat16(model: OnnxModelProto): OnnxModelProto {
  const graph = model.graph;
  const renamed = new Map<string, string>();
  const head: OnnxNodeProto[] = [];
  for (const input of graph.inputs) {
    if (input.elementType !== 'float32') continue;
    const half = `${input.name}/float16`;
    renamed.set(input.name, half);
    head.push({
      name: `${input.name}/CastToFloat16`,
      opType: 'Cast',
      domain: '',
      inputs: [input.name],
      outputs: [half],
      attributes: { to: { kind: 'int', value: FLOAT16 } },
    });
  }
  const outputRenames = new Map<string, string>();
  for (const output of graph.outputs)
    if (output.elementType === 'float32') outputRenames.set(output.name, `${output.name}/float16`);
  const rename = (name: string): string => renamed.get(name) ?? outputRenames.get(name) ?? name;
  const nodes = graph.nodes.map((node): OnnxNodeProto => {
    let attributes: Readonly<Record<string, OnnxAttributeValue>> = node.attributes;
    const to = node.attributes['to'];
    if (node.opType === 'Cast' && node.domain === '' && to?.kind === 'int' && to.value === FLOAT)
      attributes = { ...node.attributes, to: { kind: 'int', value: FLOAT16 } };
    return {
      ...node,
      inputs: node.inputs.map((input) => (input === '' ? input : rename(input))),
      outputs: node.outputs.map((output) => outputRenames.get(output) ?? output),
      attributes,
    };
  });
  const tail: OnnxNodeProto[] = [];
  for (const [name, half] of outputRenames) {
    tail.push({
      name: `${name}/CastToFloat32`,
      opType: 'Cast',
      domain: '',
      inputs: [half],
      outputs: [name],
      attributes: { to: { kind: 'int', value: FLOAT } },
    });
  }
  const initializers = graph.initializers.map((tensor) =>
    tensor.elementType === 'float32' ? toFloat16Tensor(tensor) : tensor,
  );
  const inputs: OnnxValueInfoProto[] = [...graph.inputs];
  return { ...model, graph: { ...graph, nodes: [...head, ...nodes, ...tail], initializers, inputs } };
}

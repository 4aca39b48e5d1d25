/** One float32 tensor to write. */
export interface NamedFloatTensor {
  /** Dimensions. */
  readonly shape: readonly number[];
  /** Elements, row-major. */
  readonly data: Float32Array;
}

/**
 * Encodes float32 tensors as a `.safetensors` file (little-endian, header JSON padded with spaces to a
 * multiple of 8, `__metadata__: { format: 'pt' }` as PyTorch writes it), keys in the given order.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(new Map([['classifier.bias', { shape: [2], data: new Float32Array(2) }]]));
 * await writeFile('model.safetensors', bytes);
 * ```
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, NamedFloatTensor>,
  metadata: Readonly<Record<string, string>> = { format: 'pt' },
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const bytes = tensor.data.length * 4;
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const result = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(result.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  result.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors.values()) {
    for (let index = 0; index < tensor.data.length; index += 1)
      view.setFloat32(position + index * 4, tensor.data[index] as number, true);
    position += tensor.data.length * 4;
  }
  return result;
}

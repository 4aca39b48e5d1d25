/**
 * Exact conversions of half-precision bit patterns to float32. Every binary16 and bfloat16 value
 * (subnormals, infinities and NaN payloads included) is representable in float32, so these are
 * bit-exact widenings, computed on the bit patterns.
 */

/** Converts one IEEE 754 binary16 bit pattern to the float32 bit pattern of the same value. */
export function float16BitsToFloat32Bits(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >>> 10) & 0x1f;
  let mantissa = half & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // Inf / NaN (payload kept)
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0; // normal: rebias 15 → 127
  if (mantissa === 0) return sign >>> 0; // ±0
  // Subnormal: value = mantissa · 2^-24; normalise so the leading 1 reaches bit 10.
  let shift = 0;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    shift += 1;
  }
  return (sign | ((113 - shift) << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

let float16Table: Uint32Array | undefined;

/** Widens binary16 values (raw bits, little-endian in `bytes`) to a new Float32Array. */
export function float16ToFloat32(bytes: Uint8Array, count: number): Float32Array {
  if (float16Table === undefined) {
    float16Table = new Uint32Array(65536);
    for (let bits = 0; bits < 65536; bits += 1) float16Table[bits] = float16BitsToFloat32Bits(bits);
  }
  const table = float16Table;
  const output = new Float32Array(count);
  const outputBits = new Uint32Array(output.buffer);
  for (let index = 0; index < count; index += 1) {
    const half = bytes[2 * index]! | (bytes[2 * index + 1]! << 8);
    outputBits[index] = table[half]!;
  }
  return output;
}

/** Widens bfloat16 values (raw bits, little-endian in `bytes`) to a new Float32Array: bits `<< 16`. */
export function bfloat16ToFloat32(bytes: Uint8Array, count: number): Float32Array {
  const output = new Float32Array(count);
  const outputBits = new Uint32Array(output.buffer);
  for (let index = 0; index < count; index += 1) {
    outputBits[index] = ((bytes[2 * index]! | (bytes[2 * index + 1]! << 8)) << 16) >>> 0;
  }
  return output;
}

/** Whether this platform stores typed-array elements little-endian (true on every mainstream one). */
export const isLittleEndianPlatform: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * float32 elements of little-endian bytes. A zero-copy view when the bytes are 4-byte aligned and the
 * platform is little-endian, otherwise one copy.
 */
export function float32FromBytes(bytes: Uint8Array, count: number): { data: Float32Array; copied: boolean } {
  if (isLittleEndianPlatform && bytes.byteOffset % 4 === 0) {
    return { data: new Float32Array(bytes.buffer, bytes.byteOffset, count), copied: false };
  }
  const data = new Float32Array(count);
  if (isLittleEndianPlatform) {
    new Uint8Array(data.buffer).set(bytes.subarray(0, count * 4));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * 4);
    for (let index = 0; index < count; index += 1) data[index] = view.getFloat32(4 * index, true);
  }
  return { data, copied: true };
}

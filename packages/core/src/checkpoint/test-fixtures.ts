/**
 * Test helpers (not exported from the package): paths of the repository's fixtures, relative to
 * this file, and bit-level comparison of tensors.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../tensor.js';

/** Absolute path of `fixtures/<relative>` in the repository. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../../../../fixtures/${relative}`, import.meta.url));
}

/** Bytes of a fixture file, as a plain Uint8Array. */
export function readFixture(relative: string): Uint8Array {
  const buffer = readFileSync(fixturePath(relative));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Index of the first element whose float32 bit pattern differs, or -1 when equal bit for bit. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const bitsA = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const bitsB = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let index = 0; index < a.length; index += 1) if (bitsA[index] !== bitsB[index]) return index;
  return -1;
}

/** A copy of a float32 tensor's data with 4-byte alignment guaranteed (for bit comparisons). */
export function alignedData(tensor: Tensor<'float32'>): Float32Array {
  return tensor.data.byteOffset % 4 === 0 ? tensor.data : new Float32Array(tensor.data);
}

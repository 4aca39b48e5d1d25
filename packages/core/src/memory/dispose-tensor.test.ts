import { describe, expect, it } from 'vitest';
import { createTensor } from '../tensor.js';
import { disposeTensor } from './dispose-tensor.js';

describe('disposeTensor', () => {
  it('frees a tensor that owns its buffer and empties its data', async () => {
    const tensor = createTensor('float32', [64, 1024, 1024], new Float32Array(64 * 1024 * 1024)); // 256 MiB
    const held = process.memoryUsage().arrayBuffers;
    expect(disposeTensor(tensor)).toBe(true);
    expect(tensor.data.length).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the closed port drops its queue in a later turn
    // freed without a garbage collection (other work in this process may allocate meanwhile: a wide margin)
    expect(held - process.memoryUsage().arrayBuffers).toBeGreaterThan(192 * 2 ** 20);
  });

  it('leaves a view into a larger buffer alone', () => {
    const shared = new Float32Array(8);
    const tensor = createTensor('float32', [2, 2], shared.subarray(4));
    expect(disposeTensor(tensor)).toBe(false);
    expect(tensor.data.length).toBe(4);
    expect(shared.length).toBe(8);
  });
});

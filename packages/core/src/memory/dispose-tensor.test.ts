import { describe, expect, it } from 'vitest';
import { createTensor } from '../tensor.js';
import { disposeTensor } from './dispose-tensor.js';

describe('disposeTensor', () => {
  it('frees a tensor that owns its buffer and empties its data', () => {
    const before = process.memoryUsage().arrayBuffers;
    const tensor = createTensor('float32', [4, 1024, 1024], new Float32Array(4 * 1024 * 1024));
    expect(disposeTensor(tensor)).toBe(true);
    expect(tensor.data.length).toBe(0);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 20);
  });

  it('leaves a view into a larger buffer alone', () => {
    const shared = new Float32Array(8);
    const tensor = createTensor('float32', [2, 2], shared.subarray(4));
    expect(disposeTensor(tensor)).toBe(false);
    expect(tensor.data.length).toBe(4);
    expect(shared.length).toBe(8);
  });
});

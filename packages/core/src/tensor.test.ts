import { describe, expect, it } from 'vitest';
import { AlbertError } from '@albert-ts/config';
import { createTensor, shapeSize } from './tensor.js';

describe('tensor', () => {
  it('checks data length against shape', () => {
    expect(shapeSize([2, 3])).toBe(6);
    expect(createTensor('float32', [2], new Float32Array(2)).shape).toEqual([2]);
    expect(() => createTensor('float32', [3], new Float32Array(2))).toThrow(RangeError);
    expect(new AlbertError('X', 'y').code).toBe('X');
  });
});

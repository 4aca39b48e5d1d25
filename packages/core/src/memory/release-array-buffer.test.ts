import { describe, expect, it } from 'vitest';
import { releaseArrayBuffer, releaseWholeBuffer } from './release-array-buffer.js';

describe('releaseArrayBuffer', () => {
  it('detaches the buffer and frees its memory without a garbage collection', async () => {
    const bytes = new Uint8Array(256 * 2 ** 20).fill(1);
    const held = process.memoryUsage().arrayBuffers;
    expect(releaseArrayBuffer(bytes.buffer)).toBe(true);
    expect(bytes.byteLength).toBe(0);
    expect(bytes.buffer.byteLength).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the closed port drops its queue in a later turn
    // other work in this process may allocate meanwhile: a wide margin
    expect(held - process.memoryUsage().arrayBuffers).toBeGreaterThan(192 * 2 ** 20);
  });

  it('leaves buffers it cannot release alone', () => {
    expect(releaseArrayBuffer(new ArrayBuffer(0))).toBe(false);
    expect(releaseArrayBuffer(new SharedArrayBuffer(16))).toBe(false);
    const detached = new ArrayBuffer(8);
    expect(releaseArrayBuffer(detached)).toBe(true);
    expect(releaseArrayBuffer(detached)).toBe(false);
  });

  it('releases a view only when it covers its whole buffer', () => {
    const whole = new Float32Array(4);
    const part = new Float32Array(new ArrayBuffer(32), 8, 2);
    expect(releaseWholeBuffer(part)).toBe(false);
    expect(part.length).toBe(2);
    expect(releaseWholeBuffer(whole)).toBe(true);
    expect(whole.length).toBe(0);
  });
});

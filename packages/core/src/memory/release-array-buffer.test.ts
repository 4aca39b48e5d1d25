import { describe, expect, it } from 'vitest';
import { releaseArrayBuffer, releaseWholeBuffer } from './release-array-buffer.js';

describe('releaseArrayBuffer', () => {
  it('detaches the buffer and frees its memory without a garbage collection', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const bytes = new Uint8Array(64 * 2 ** 20).fill(1);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(64 * 2 ** 20);
    expect(releaseArrayBuffer(bytes.buffer)).toBe(true);
    expect(bytes.byteLength).toBe(0);
    expect(bytes.buffer.byteLength).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 20);
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

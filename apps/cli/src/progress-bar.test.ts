import { describe, expect, it } from 'vitest';
import type { HubDownloadProgress } from '@albert-ts/core';
import { formatBytes, formatDuration, hubProgressReporter, ProgressBar } from './progress-bar.js';

function terminal(
  isTTY: boolean,
  columns = 100,
): { writes: string[]; isTTY: boolean; columns: number; write(text: string): void } {
  const writes: string[] = [];
  return { writes, isTTY, columns, write: (text: string) => writes.push(text) };
}

/** The last state of the terminal line: what follows the last carriage return, without the erase sequence. */
const screen = (writes: string[]): string => (writes.join('').split('\r').at(-1) ?? '').replace('\x1b[K', '');

describe('formatting', () => {
  it('bytes and durations', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(45_000_000)).toBe('45.0 MB');
    expect(formatBytes(2.5e9)).toBe('2.5 GB');
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('--:--');
  });
});

describe('ProgressBar', () => {
  it('draws bytes, percentage, speed and ETA in place on a TTY, throttled', () => {
    let time = 0;
    const stream = terminal(true);
    const bar = new ProgressBar({ stream, label: 'model.safetensors', now: () => time });
    bar.update(0, 10_000_000);
    time = 1000;
    bar.update(2_000_000, 10_000_000);
    const line = screen(stream.writes);
    expect(line).toContain('model.safetensors');
    expect(line).toContain(' 20%');
    expect(line).toContain('2.0 MB / 10.0 MB');
    expect(line).toContain('2.0 MB/s');
    expect(line).toContain('ETA 0:04');
    expect(line).toMatch(/\[█+░+\]/);
    expect(line.length).toBeLessThanOrEqual(99);
    const drawn = stream.writes.length;
    time = 1050; // within 100 ms: not redrawn
    bar.update(2_100_000, 10_000_000);
    expect(stream.writes.length).toBe(drawn);
    time = 5000;
    bar.update(10_000_000, 10_000_000);
    bar.finish(undefined, 10_000_000);
    expect(screen(stream.writes.slice(0, -1))).toBe('model.safetensors  10.0 MB in 5.0 s (2.0 MB/s)');
    expect(stream.writes.at(-1)).toBe('\n');
  });

  it('counts only new bytes for the speed of a resumed download', () => {
    let time = 0;
    const stream = terminal(true);
    const bar = new ProgressBar({ stream, label: 'f', now: () => time });
    bar.update(8_000_000, 10_000_000, 8_000_000);
    time = 1000;
    bar.update(9_000_000, 10_000_000, 8_000_000);
    expect(screen(stream.writes)).toContain('1.0 MB/s');
    expect(screen(stream.writes)).toContain('ETA 0:01');
  });

  it('fits narrow terminals and unknown sizes', () => {
    const stream = terminal(true, 40);
    const bar = new ProgressBar({
      stream,
      label: 'a-very-long-file-name-model-00001-of-00003.safetensors',
      now: () => 0,
    });
    bar.update(1_000, 2_000);
    expect(screen(stream.writes).length).toBeLessThanOrEqual(39);
    const unknown = terminal(true);
    new ProgressBar({ stream: unknown, label: 'x', now: () => 0 }).update(1_500, null);
    expect(screen(unknown.writes)).toBe('x  1.5 kB');
  });

  it('is silent when not a TTY or with --json', () => {
    for (const [stream, json] of [
      [terminal(false), false],
      [terminal(true), true],
    ] as const) {
      const bar = new ProgressBar({ stream, json, label: 'x' });
      bar.update(1, 2);
      bar.finish();
      bar.clear();
      expect(bar.enabled).toBe(false);
      expect(stream.writes).toEqual([]);
    }
  });
});

describe('hubProgressReporter', () => {
  const event = (
    file: string,
    phase: HubDownloadProgress['phase'],
    loadedBytes: number,
    fromCache = false,
  ): HubDownloadProgress => ({
    repoId: 'albert/albert-base-v2',
    file,
    phase,
    loadedBytes,
    totalBytes: 1000,
    resumedBytes: 0,
    fromCache,
  });

  it('one bar per downloaded file, nothing for cached files', () => {
    let time = 0;
    const stream = terminal(true);
    const report = hubProgressReporter({ stream, now: () => time });
    report(event('config.json', 'done', 1000, true));
    expect(stream.writes).toEqual([]);
    report(event('model.safetensors', 'start', 0));
    time = 500;
    report(event('model.safetensors', 'progress', 500));
    expect(screen(stream.writes)).toContain('model.safetensors');
    time = 1000;
    report(event('model.safetensors', 'done', 1000));
    expect(stream.writes.join('')).toContain('model.safetensors  1.0 kB in 1.0 s');
    expect(stream.writes.at(-1)).toBe('\n');
  });

  it('writes nothing with --json', () => {
    const stream = terminal(true);
    const report = hubProgressReporter({ stream, json: true });
    report(event('model.safetensors', 'start', 0));
    report(event('model.safetensors', 'done', 1000));
    expect(stream.writes).toEqual([]);
  });
});

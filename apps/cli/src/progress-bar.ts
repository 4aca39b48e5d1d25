import type { HubDownloadProgress } from '@albert-ts/core';
import type { CliWriter } from './cli-context.js';

/** Options of {@link ProgressBar} and {@link hubProgressReporter}. */
export interface ProgressBarOptions {
  /** Where to draw: the command's `stderr`. Nothing is drawn unless it is a TTY. */
  readonly stream: CliWriter;
  /** `--json` was given: stay silent whatever the stream. */
  readonly json?: boolean;
  /** Text before the bar (e.g. the file name). */
  readonly label?: string;
  /** Clock in milliseconds (tests). Default `Date.now`. */
  readonly now?: () => number;
  /** Redraw at most this often. Default 100 ms. */
  readonly minIntervalMs?: number;
}

const SPEED_WINDOW_MS = 5_000;

/** `1536` → `1.5 kB`; decimal units, one decimal from kB up. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `65` → `1:05`, `3725` → `1:02:05`; `--:--` when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/**
 * One progress bar on a terminal line: label, bar, percentage, bytes, speed (over the last 5 s) and ETA,
 * redrawn in place with `\r` at most every `minIntervalMs`. Silent (every method a no-op) when the stream
 * is not a TTY or `json` is set, so piped output and `--json` stay clean.
 */
export class ProgressBar {
  /** Whether anything is drawn. */
  readonly enabled: boolean;
  private readonly stream: CliWriter;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private label: string;
  private readonly startedAt: number;
  private samples: { time: number; bytes: number }[] = [];
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private finished = false;

  /** @param options - stream, `--json`, label, clock. */
  constructor(options: ProgressBarOptions) {
    this.stream = options.stream;
    this.enabled = options.stream.isTTY === true && options.json !== true;
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.label = options.label ?? '';
    this.startedAt = this.now();
  }

  /** Reports `loadedBytes` of `totalBytes` (null when unknown); `baseBytes` were already there (resumed) and do not count for the speed. */
  update(loadedBytes: number, totalBytes: number | null, baseBytes = 0): void {
    if (!this.enabled || this.finished) return;
    const time = this.now();
    this.samples.push({ time, bytes: loadedBytes - baseBytes });
    while (this.samples.length > 2 && (this.samples[1]?.time ?? time) <= time - SPEED_WINDOW_MS) this.samples.shift();
    if (time - this.lastDrawAt < this.minIntervalMs && !(totalBytes !== null && loadedBytes >= totalBytes)) return;
    this.lastDrawAt = time;
    this.draw(this.render(loadedBytes, totalBytes, this.speed()));
  }

  /** Bytes per second over the recent window, or null before two samples. */
  private speed(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.time <= first.time) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.time - first.time);
  }

  /** The line for the current state, fitted to the terminal width. */
  render(loadedBytes: number, totalBytes: number | null, speed: number | null): string {
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const known = totalBytes !== null && totalBytes > 0;
    const fraction = known ? Math.min(1, loadedBytes / totalBytes) : 0;
    const eta = known && speed !== null && speed > 0 ? (totalBytes - loadedBytes) / speed : null;
    const percent = known ? `${String(Math.floor(fraction * 100)).padStart(3)}%` : '';
    const amounts = known ? `${formatBytes(loadedBytes)} / ${formatBytes(totalBytes)}` : formatBytes(loadedBytes);
    const rate = speed === null ? '' : `${formatBytes(speed)}/s`;
    const tail = [percent, amounts, rate, known ? `ETA ${formatDuration(eta)}` : '']
      .filter((part) => part !== '')
      .join('  ');
    let label = this.label;
    const barWidth = (labelLength: number): number => width - labelLength - tail.length - 6;
    if (barWidth(label.length) < 10) {
      const room = Math.max(8, width - tail.length - 16);
      if (label.length > room) label = `…${label.slice(label.length - room + 1)}`;
    }
    const cells = Math.max(0, barWidth(label.length));
    if (!known || cells < 10) return `${label}  ${tail}`.slice(0, width);
    const filled = Math.round(fraction * cells);
    return `${label}  [${'█'.repeat(filled)}${'░'.repeat(cells - filled)}]  ${tail}`.slice(0, width);
  }

  /** Ends the bar: replaces it with `message` (default: the label, size and average speed) and a newline. */
  finish(message?: string, totalBytes?: number | null): void {
    if (!this.enabled || this.finished) return;
    this.finished = true;
    const seconds = (this.now() - this.startedAt) / 1000;
    const downloaded = this.samples.at(-1)?.bytes ?? 0;
    const size = totalBytes ?? downloaded;
    const summary =
      message ??
      `${this.label}  ${formatBytes(size)} in ${seconds.toFixed(1)} s${seconds > 0 ? ` (${formatBytes(downloaded / seconds)}/s)` : ''}`;
    this.draw(summary);
    this.stream.write('\n');
    this.drawn = false;
  }

  /** Erases the bar without a message (e.g. before printing an error). */
  clear(): void {
    if (!this.enabled || !this.drawn) return;
    this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(line: string): void {
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }
}

/**
 * An `onProgress` callback for the Hub functions (`resolvePretrained`, `hubDownload`): one bar per
 * downloaded file, labelled with the file name, finished with its size and speed; files found in the
 * cache draw nothing. Silent when `stream` is not a TTY or `json` is set.
 */
export function hubProgressReporter(options: Omit<ProgressBarOptions, 'label'>): (event: HubDownloadProgress) => void {
  const bars = new Map<string, ProgressBar>();
  return (event) => {
    if (event.fromCache) return;
    const key = `${event.repoId}/${event.file}`;
    let bar = bars.get(key);
    if (bar === undefined) {
      bar = new ProgressBar({ ...options, label: event.file });
      bars.set(key, bar);
    }
    if (event.phase === 'done') {
      bar.finish(undefined, event.totalBytes);
      bars.delete(key);
      return;
    }
    bar.update(event.loadedBytes, event.totalBytes, event.resumedBytes);
  };
}

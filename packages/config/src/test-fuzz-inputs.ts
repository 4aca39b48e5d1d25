import { AlbertError } from './albert-error.js';

/**
 * Test helper (not exported, not published): the one seeded fuzzer of albert-ts (#14). It mutates valid
 * inputs (bytes, JSON, tokenizer.json documents, Hub answers ...), runs a check on each and keeps the rule
 * every parser and client keeps — a typed error ({@link AlbertError} with a code) or a correct result,
 * never anything else, within a time and memory bound. It lives in the lowest package so that the fuzz
 * suites of config, tokenizer, core and testing all import the same one (`packages/testing` re-exports it
 * from `test-fuzz-inputs.ts`). Every suite reads the same environment: `ALBERT_FUZZ_SEED`,
 * `ALBERT_FUZZ_ITERATIONS`, `ALBERT_FUZZ_TIME_MS`.
 */

/** A deterministic pseudo-random generator (mulberry32): `next()` in [0, 1). */
export interface FuzzRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  below(bound: number): number;
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
}

/** A {@link FuzzRandom} from a 32-bit seed. */
export function fuzzRandom(seed: number): FuzzRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    below: (bound) => Math.floor(next() * bound),
    pick: (items) => items[Math.floor(next() * items.length)] as never,
  };
}

/** Integers that break length and offset fields: zero, ones, sign bits, powers of two around 2^31/2^32/2^53. */
const INTERESTING_UINT32 = [
  0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

/**
 * One random mutation of `bytes` (a new array): flip a bit, overwrite a byte or a 1/2/4/8-byte little-
 * or big-endian field with an interesting value, truncate, cut or duplicate a slice, insert bytes.
 */
export function mutateBytes(random: FuzzRandom, bytes: Uint8Array): Uint8Array {
  const output = new Uint8Array(bytes);
  const at = random.below(Math.max(1, output.length));
  switch (random.below(8)) {
    case 0:
      if (output.length > 0) output[at] = output[at]! ^ (1 << random.below(8));
      return output;
    case 1:
      if (output.length > 0) output[at] = random.below(256);
      return output;
    case 2: {
      const value = random.pick(INTERESTING_UINT32);
      const width = random.pick([1, 2, 4, 8]);
      const view = new DataView(output.buffer);
      if (at + width > output.length) return output;
      const littleEndian = random.next() < 0.7;
      if (width === 1) view.setUint8(at, value & 0xff);
      else if (width === 2) view.setUint16(at, value & 0xffff, littleEndian);
      else if (width === 4) view.setUint32(at, value, littleEndian);
      else view.setBigUint64(at, random.next() < 0.5 ? BigInt(value) : BigInt(value) << 32n, littleEndian);
      return output;
    }
    case 3:
      return output.slice(0, at);
    case 4: {
      const end = Math.min(output.length, at + 1 + random.below(64));
      const cut = new Uint8Array(output.length - (end - at));
      cut.set(output.subarray(0, at));
      cut.set(output.subarray(end), at);
      return cut;
    }
    case 5: {
      const end = Math.min(output.length, at + 1 + random.below(256));
      const repeated = new Uint8Array(output.length + (end - at));
      repeated.set(output.subarray(0, end));
      repeated.set(output.subarray(at), end);
      return repeated;
    }
    case 6: {
      const inserted = Uint8Array.from({ length: 1 + random.below(16) }, () => random.below(256));
      const grown = new Uint8Array(output.length + inserted.length);
      grown.set(output.subarray(0, at));
      grown.set(inserted, at);
      grown.set(output.subarray(at), at + inserted.length);
      return grown;
    }
    default: {
      // a text-level change: swap an ASCII digit for another or for a character JSON/pickle text treats specially
      for (let probe = 0; probe < 64; probe += 1) {
        const index = (at + probe) % Math.max(1, output.length);
        const byte = output[index];
        if (byte !== undefined && byte >= 0x30 && byte <= 0x39) {
          output[index] = random.pick([0x30, 0x39, 0x2d, 0x2e, 0x65, 0x22, 0x5b, 0x7b]);
          break;
        }
      }
      return output;
    }
  }
}

/** Values that break JSON consumers: wrong types, huge, negative, fractional, deep, `__proto__`. */
function interestingJson(random: FuzzRandom): unknown {
  switch (random.below(12)) {
    case 0:
      return null;
    case 1:
      return -1;
    case 2:
      return 1.5;
    case 3:
      return 1e9;
    case 4:
      return Number.MAX_SAFE_INTEGER;
    case 5:
      return 'x'.repeat(random.below(3) * 1000);
    case 6:
      return [];
    case 7:
      return {};
    case 8: {
      // deep nesting, built without recursion
      let value: unknown = 0;
      for (let depth = 0; depth < 200 + random.below(2000); depth += 1) value = [value];
      return value;
    }
    case 9:
      return JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    case 10:
      return true;
    default:
      return 0;
  }
}

/**
 * One random structural mutation of a JSON value (a new value): replace a random node with an
 * interesting value, delete a key, or add a key. The input is not modified.
 */
export function mutateJson(random: FuzzRandom, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  // collect the containers (iteratively), then change one of them
  const containers: (unknown[] | Record<string, unknown>)[] = [];
  const stack: unknown[] = [copy];
  while (stack.length > 0 && containers.length < 10_000) {
    const node = stack.pop();
    if (typeof node === 'object' && node !== null) {
      containers.push(node as Record<string, unknown>);
      for (const child of Object.values(node)) stack.push(child);
    }
  }
  if (containers.length === 0) return interestingJson(random);
  const target = random.pick(containers);
  const keys = Object.keys(target);
  const action = random.below(4);
  if (action === 0 && keys.length > 0 && !Array.isArray(target)) {
    delete (target as Record<string, unknown>)[random.pick(keys)];
  } else if (action === 1 && !Array.isArray(target)) {
    Object.defineProperty(target, random.pick(['__proto__', 'constructor', 'extra_field', 'num_labels']), {
      value: interestingJson(random),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (keys.length > 0) {
    const key = random.pick(keys);
    Object.defineProperty(target, key, {
      value: interestingJson(random),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Default number of mutants per format (`ALBERT_FUZZ_ITERATIONS`). */
export const DEFAULT_FUZZ_ITERATIONS = 500;
/** Default time budget per format in milliseconds (`ALBERT_FUZZ_TIME_MS`). */
export const DEFAULT_FUZZ_TIME_MS = 4000;
/** Default seed (`ALBERT_FUZZ_SEED`). */
export const DEFAULT_FUZZ_SEED = 1;
/** Mutants tried even when the time budget has run out (a slow machine still fuzzes). */
export const MINIMUM_FUZZ_MUTANTS = 20;

/** The run's settings, from the environment or the defaults (the same for every suite). */
export interface FuzzSettings {
  /** `ALBERT_FUZZ_SEED`, default {@link DEFAULT_FUZZ_SEED}. */
  readonly seed: number;
  /** `ALBERT_FUZZ_ITERATIONS`: mutants per format, default {@link DEFAULT_FUZZ_ITERATIONS}. */
  readonly iterations: number;
  /** `ALBERT_FUZZ_TIME_MS`: budget per format, default {@link DEFAULT_FUZZ_TIME_MS}. */
  readonly timeBudgetMs: number;
}

/** The settings of this run (see {@link FuzzSettings}). */
export function fuzzSettings(): FuzzSettings {
  return {
    seed: numberFromEnvironment('ALBERT_FUZZ_SEED') ?? DEFAULT_FUZZ_SEED,
    iterations: numberFromEnvironment('ALBERT_FUZZ_ITERATIONS') ?? DEFAULT_FUZZ_ITERATIONS,
    timeBudgetMs: numberFromEnvironment('ALBERT_FUZZ_TIME_MS') ?? DEFAULT_FUZZ_TIME_MS,
  };
}

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Seed of the generator (default `ALBERT_FUZZ_SEED` or 1). */
  readonly seed?: number;
  /** Mutants to try (default `ALBERT_FUZZ_ITERATIONS` or 500). */
  readonly iterations?: number;
  /** Stop early after this many milliseconds, once {@link MINIMUM_FUZZ_MUTANTS} were tried (default `ALBERT_FUZZ_TIME_MS` or 4000). */
  readonly timeBudgetMs?: number;
  /** Mutations applied to a seed input per mutant: 1 to this (default 3). */
  readonly maximumMutations?: number;
  /** Fail when one input takes longer (default 2000 ms). */
  readonly maximumCaseMs?: number;
  /** Fail when the process's RSS grows more than this over its value at the start (default 512 MiB). */
  readonly maximumRssGrowthBytes?: number;
}

/** What {@link runFuzz} saw. */
export interface FuzzReport {
  /** Format name. */
  readonly name: string;
  /** Inputs tried (mutants plus the unmutated seeds). */
  readonly inputs: number;
  /** Inputs that parsed. */
  readonly results: number;
  /** Inputs refused with an `AlbertError`, by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Slowest input, in milliseconds. */
  readonly worstMs: number;
  /** Largest RSS seen, in bytes. */
  readonly worstRssBytes: number;
  /** Largest RSS growth over the start, in bytes. */
  readonly worstRssGrowthBytes: number;
}

function numberFromEnvironment(name: string): number | undefined {
  const text = typeof process === 'undefined' ? undefined : process.env[name];
  const value = text === undefined || text === '' ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function hexPreview(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 64), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Tries every seed input, then mutants of them, on `check`. `check` returns normally for an input it
 * accepts (after checking the result is consistent) and throws for one it refuses; anything thrown
 * that is not an {@link AlbertError}, a case slower than `maximumCaseMs` or RSS growth above
 * `maximumRssGrowthBytes` fails the run with the seed, iteration and the input's first bytes.
 *
 * @example
 * ```ts
 * const report = await runFuzz('safetensors', [readFileSync('model.safetensors')], mutateBytes, (bytes) => {
 *   parseSafetensors(bytes, 'model.safetensors');
 * });
 * ```
 */
export async function runFuzz<T>(
  name: string,
  seeds: readonly T[],
  mutate: (random: FuzzRandom, input: T) => T,
  check: (input: T) => unknown,
  options: FuzzOptions = {},
): Promise<FuzzReport> {
  const settings = fuzzSettings();
  const seed = options.seed ?? settings.seed;
  const iterations = options.iterations ?? settings.iterations;
  const timeBudgetMs = options.timeBudgetMs ?? settings.timeBudgetMs;
  const maximumMutations = options.maximumMutations ?? 3;
  const maximumCaseMs = options.maximumCaseMs ?? 2000;
  const maximumRssGrowthBytes = options.maximumRssGrowthBytes ?? 512 * 1024 * 1024;
  const random = fuzzRandom(seed);
  const rssAtStart = process.memoryUsage.rss();
  const errors: Record<string, number> = {};
  let results = 0;
  let inputs = 0;
  let worstMs = 0;
  let worstRssBytes = rssAtStart;
  const started = performance.now();
  const describe = (input: T, iteration: number): string => {
    const preview =
      input instanceof Uint8Array
        ? `${input.length} bytes, starting ${hexPreview(input)}`
        : JSON.stringify(input)?.slice(0, 200);
    return `${name}: seed ${seed}, input ${iteration} (${preview}); rerun with ALBERT_FUZZ_SEED=${seed}`;
  };
  for (let iteration = 0; iteration < seeds.length + iterations; iteration += 1) {
    const mutants = iteration - seeds.length;
    if (mutants >= MINIMUM_FUZZ_MUTANTS && performance.now() - started > timeBudgetMs) break;
    let input = seeds[iteration % seeds.length] as T;
    if (iteration >= seeds.length) {
      const count = 1 + random.below(maximumMutations);
      for (let mutation = 0; mutation < count; mutation += 1) input = mutate(random, input);
    }
    const caseStart = performance.now();
    try {
      await check(input);
      results += 1;
    } catch (error) {
      if (!(error instanceof AlbertError)) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`untyped error (${reason}) for ${describe(input, iteration)}`, { cause: error });
      }
      errors[error.code] = (errors[error.code] ?? 0) + 1;
    }
    inputs += 1;
    const elapsed = performance.now() - caseStart;
    worstMs = Math.max(worstMs, elapsed);
    if (elapsed > maximumCaseMs)
      throw new Error(`took ${elapsed.toFixed(0)} ms (limit ${maximumCaseMs}) for ${describe(input, iteration)}`);
    const rss = process.memoryUsage.rss();
    worstRssBytes = Math.max(worstRssBytes, rss);
    if (rss - rssAtStart > maximumRssGrowthBytes) {
      throw new Error(
        `RSS grew by ${((rss - rssAtStart) / 2 ** 20).toFixed(0)} MiB (limit ${(maximumRssGrowthBytes / 2 ** 20).toFixed(0)}) for ${describe(input, iteration)}`,
      );
    }
  }
  return { name, inputs, results, errors, worstMs, worstRssBytes, worstRssGrowthBytes: worstRssBytes - rssAtStart };
}

/** One line summing up a {@link FuzzReport} (printed by the fuzz tests, quoted in docs/testing.md). */
export function formatFuzzReport(report: FuzzReport): string {
  const codes = Object.entries(report.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  return `fuzz ${report.name}: ${report.inputs} inputs, ${report.results} parsed, typed errors: ${codes || 'none'}; worst ${report.worstMs.toFixed(1)} ms, RSS ${(report.worstRssBytes / 2 ** 20).toFixed(0)} MiB (+${(report.worstRssGrowthBytes / 2 ** 20).toFixed(0)} MiB)`;
}

/** The Hub's public endpoint, used when neither `endpoint` nor `HF_ENDPOINT` is set. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** Revision used when none is given (the default branch). */
export const DEFAULT_REVISION = 'main';

/** Default {@link HubOptions.maxMetadataBytes}: 16 MiB (the model info of a repository with ~100k files). */
export const DEFAULT_MAX_METADATA_BYTES = 16 * 1024 * 1024;

/**
 * Options shared by every Hub function: where to download from, where to cache, how to authenticate,
 * whether to go online at all. Every option falls back to the environment variable the Python
 * `huggingface_hub` library reads, then to the same default.
 */
export interface HubOptions {
  /** Branch, tag or 40-hex commit hash. Default `'main'`. */
  readonly revision?: string;
  /** Cache root (the `hub` folder). Default `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub` (`$XDG_CACHE_HOME/huggingface/hub`). */
  readonly cacheDir?: string;
  /** Hub URL. Default `HF_ENDPOINT`, else `https://huggingface.co`. */
  readonly endpoint?: string;
  /** Access token sent as `Authorization: Bearer`. Default `HF_TOKEN`, else the token file (`HF_TOKEN_PATH`, else `$HF_HOME/token`). `false` sends none. */
  readonly token?: string | false;
  /** Resolve from the cache only, never touch the network. Default `HF_HUB_OFFLINE` (`1`, `ON`, `YES`, `TRUE`). */
  readonly localFilesOnly?: boolean;
  /** Called while files download (and once per file found in the cache). */
  readonly onProgress?: (event: HubDownloadProgress) => void;
  /** The `fetch` to use (tests, proxies). Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** How many times a failed or dropped request is retried (resuming where it stopped). Default 5. */
  readonly maxRetries?: number;
  /** First retry delay in milliseconds, doubled at each retry up to 8 s. Default 500. */
  readonly retryDelayMs?: number;
  /** Give up on a request whose response headers have not arrived after this many milliseconds. Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** Abort (and retry with resume) a download that received no byte for this many milliseconds. Default 30 000. */
  readonly stallTimeoutMs?: number;
  /**
   * Largest answer of the Hub's JSON API (model info) and largest sharded-checkpoint index, in bytes; a longer
   * body is refused with `HUB_RESPONSE_TOO_LARGE` as soon as it passes the limit. Default 16 MiB
   * ({@link DEFAULT_MAX_METADATA_BYTES}). Files are bounded by the size the Hub announces for them.
   */
  readonly maxMetadataBytes?: number;
  /** Cancels every request. */
  readonly signal?: AbortSignal;
  /** Environment variables to read the defaults from (`HF_HOME`, `HF_TOKEN`, ...). Default `process.env` in Node. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** A progress report of one file of one repository. */
export interface HubDownloadProgress {
  /** Repository id. */
  readonly repoId: string;
  /** File inside the repository. */
  readonly file: string;
  /** `start` before the first byte, `progress` per received chunk, `done` when the file is in place. */
  readonly phase: 'start' | 'progress' | 'done';
  /** Bytes of the file available so far (including bytes resumed from an earlier attempt). */
  readonly loadedBytes: number;
  /** Size of the file, when known. */
  readonly totalBytes: number | null;
  /** Bytes that were already present (resumed) when this download started. */
  readonly resumedBytes: number;
  /** True when the file came from the cache and nothing was downloaded. */
  readonly fromCache: boolean;
}

/** {@link HubOptions} with every default applied. */
export interface ResolvedHubSettings {
  /** Branch, tag or commit hash. */
  readonly revision: string;
  /** Absolute cache root; `null` outside Node when none was given. */
  readonly cacheDir: string | null;
  /** Hub URL without a trailing slash. */
  readonly endpoint: string;
  /** Token sent to the endpoint's origin, or `null`. */
  readonly token: string | null;
  /** Cache only, no network. */
  readonly localFilesOnly: boolean;
  /** The `fetch` in use. */
  readonly fetch: typeof fetch;
  /** Retries of a failed or dropped request. */
  readonly maxRetries: number;
  /** First retry delay (ms), doubled each time. */
  readonly retryDelayMs: number;
  /** Deadline for response headers (ms). */
  readonly requestTimeoutMs: number;
  /** Deadline between two body chunks (ms). */
  readonly stallTimeoutMs: number;
  /** Largest JSON answer or checkpoint index (bytes). */
  readonly maxMetadataBytes: number;
  /** Progress callback, or `null`. */
  readonly onProgress: ((event: HubDownloadProgress) => void) | null;
  /** Cancellation, or `null`. */
  readonly signal: AbortSignal | null;
}

/** Reads an environment variable from `environment`, else `process.env` in Node; `undefined` in browsers. Empty means unset. */
export function environmentVariable(
  name: string,
  environment?: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const processObject = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = (environment ?? processObject?.env)?.[name];
  return value === undefined || value === '' ? undefined : value;
}

/** True when running in Node (or a runtime with Node's APIs: Bun, Deno in Node mode). */
export function isNodeRuntime(): boolean {
  const processObject = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof processObject?.versions?.node === 'string';
}

/** `HF_HUB_OFFLINE`'s truthy values, as the Python library reads them. */
export function isTruthyEnvironmentValue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'ON', 'YES', 'TRUE'].includes(value.trim().toUpperCase());
}

/**
 * The Python library's default paths: `HF_HOME` (`$XDG_CACHE_HOME/huggingface`, else
 * `~/.cache/huggingface`) and the hub cache inside it. Node only.
 */
export async function defaultHubPaths(
  environment?: Readonly<Record<string, string | undefined>>,
): Promise<{ home: string; hubCache: string; tokenPath: string }> {
  const { os, path } = await import('#node-builtins');
  const variable = (name: string): string | undefined => environmentVariable(name, environment);
  const expandHome = (value: string): string =>
    value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
  const xdgCache = variable('XDG_CACHE_HOME') ?? path.join(os.homedir(), '.cache');
  const home = path.resolve(expandHome(variable('HF_HOME') ?? path.join(xdgCache, 'huggingface')));
  const hubCacheSetting = variable('HF_HUB_CACHE') ?? variable('HUGGINGFACE_HUB_CACHE');
  const hubCache = path.resolve(expandHome(hubCacheSetting ?? path.join(home, 'hub')));
  const tokenPath = path.resolve(expandHome(variable('HF_TOKEN_PATH') ?? path.join(home, 'token')));
  return { home, hubCache, tokenPath };
}

async function readTokenFile(tokenPath: string): Promise<string | null> {
  try {
    const fs = (await import('#node-builtins')).fsPromises;
    const text = (await fs.readFile(tokenPath, 'utf8')).trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

/**
 * Applies the defaults of {@link HubOptions}: explicit option, then the environment variable, then the
 * Python library's default. In browsers the environment and the file system are skipped.
 */
export async function resolveHubSettings(options: HubOptions = {}): Promise<ResolvedHubSettings> {
  const node = isNodeRuntime();
  const environment = options.environment;
  const variable = (name: string): string | undefined => environmentVariable(name, environment);
  const paths = node ? await defaultHubPaths(environment) : null;
  let cacheDir: string | null = null;
  if (options.cacheDir !== undefined) {
    cacheDir = node ? (await import('#node-builtins')).path.resolve(options.cacheDir) : options.cacheDir;
  } else if (paths !== null) {
    cacheDir = paths.hubCache;
  }
  let token: string | null = null;
  if (typeof options.token === 'string' && options.token !== '') {
    token = options.token;
  } else if (options.token === undefined) {
    token = variable('HF_TOKEN') ?? variable('HUGGING_FACE_HUB_TOKEN') ?? null;
    if (token === null && paths !== null) token = await readTokenFile(paths.tokenPath);
  }
  // Bound through a closure: browsers reject `fetch` called with another `this`.
  const fetchFunction: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    revision: options.revision ?? DEFAULT_REVISION,
    cacheDir,
    endpoint: (options.endpoint ?? variable('HF_ENDPOINT') ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, ''),
    token,
    localFilesOnly: options.localFilesOnly ?? isTruthyEnvironmentValue(variable('HF_HUB_OFFLINE')),
    fetch: fetchFunction,
    maxRetries: options.maxRetries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 500,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
    maxMetadataBytes: options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES,
    onProgress: options.onProgress ?? null,
    signal: options.signal ?? null,
  };
}

import { HubError } from './hub-error.js';
import type { ResolvedHubSettings } from './hub-settings.js';

/** What a request is about, for error messages. */
export interface HubRequestContext {
  readonly repoId: string;
  readonly revision: string;
  readonly file?: string;
}

/** Options of {@link hubRequest}. */
export interface HubRequestOptions {
  readonly method?: 'GET' | 'HEAD';
  /** Extra headers (e.g. `Range`). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * `manual` (Node): redirects are followed here, the token is dropped when the origin changes, and with
   * `stopAtCrossOrigin` the first cross-origin redirect is returned instead of followed (the Hub puts the
   * LFS metadata on it). `follow` (browsers, where `manual` hides the redirect): the runtime follows them;
   * browsers drop `Authorization` on cross-origin redirects themselves.
   */
  readonly redirect?: 'manual' | 'follow';
  readonly stopAtCrossOrigin?: boolean;
  /** Aborts the request and its body (the stall timer of a download uses it). */
  readonly controller?: AbortController;
}

/** A response and the URL it finally came from. */
export interface HubResponse {
  readonly response: Response;
  readonly url: string;
  /** Whether the `Authorization` header was sent to `url`. */
  readonly sentToken: boolean;
  /** Headers of the last redirect that was followed (the Hub's answer carrying `X-Linked-Etag` / `X-Linked-Size`), if any. */
  readonly redirectHeaders?: Headers;
}

const MAX_REDIRECTS = 10;

/** HTTP statuses worth retrying: rate limiting and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** True for errors worth retrying: a {@link HubError} with code `HUB_NETWORK` or a retryable HTTP status. */
export function isRetryableError(error: unknown): boolean {
  if (!(error instanceof HubError)) return false;
  if (error.code === 'HUB_NETWORK') return true;
  return (
    error.code === 'HUB_HTTP_ERROR' &&
    typeof error.details.status === 'number' &&
    isRetryableStatus(error.details.status)
  );
}

/** Sleeps `milliseconds`, rejecting early when `signal` aborts. */
export function delay(milliseconds: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Delay before retry number `attempt` (0-based): `retryDelayMs * 2^attempt`, at most 8 s. */
export function retryDelay(settings: ResolvedHubSettings, attempt: number): number {
  return Math.min(settings.retryDelayMs * 2 ** attempt, 8_000);
}

/**
 * One HTTP request to the Hub or its CDN: sends the token only to the Hub's origin, follows redirects
 * itself (dropping the token when the origin changes), gives up when no response headers arrive within
 * `requestTimeoutMs`, and turns a network failure into `HUB_NETWORK`. HTTP error statuses are returned,
 * not thrown: see {@link throwForStatus}.
 */
export async function hubRequest(
  settings: ResolvedHubSettings,
  url: string,
  context: HubRequestContext,
  options: HubRequestOptions = {},
): Promise<HubResponse> {
  const controller = options.controller ?? new AbortController();
  const onOuterAbort = (): void => controller.abort(settings.signal?.reason);
  settings.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (settings.signal?.aborted) controller.abort(settings.signal.reason);
  const endpointOrigin = new URL(settings.endpoint).origin;
  let currentUrl = url;
  let redirectHeaders: Headers | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('request timed out'));
  }, settings.requestTimeoutMs);
  try {
    for (let redirects = 0; ; redirects += 1) {
      const sendToken = settings.token !== null && new URL(currentUrl).origin === endpointOrigin;
      const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...options.headers };
      if (sendToken && settings.token !== null) headers.Authorization = `Bearer ${settings.token}`;
      const response = await settings.fetch(currentUrl, {
        method: options.method ?? 'GET',
        headers,
        redirect: options.redirect ?? 'manual',
        signal: controller.signal,
      });
      const location = response.headers.get('location');
      const isRedirect =
        response.status >= 300 && response.status < 400 && response.status !== 304 && location !== null;
      if (!isRedirect || (options.redirect ?? 'manual') === 'follow') {
        const finalUrl = response.url !== '' ? response.url : currentUrl;
        return {
          response,
          url: finalUrl,
          sentToken: sendToken,
          ...(redirectHeaders !== undefined ? { redirectHeaders } : {}),
        };
      }
      const target = URL.canParse(location, currentUrl) ? new URL(location, currentUrl) : null;
      if (target === null || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
        await response.body?.cancel().catch(() => undefined);
        throw new HubError(
          'HUB_BAD_RESPONSE',
          `${currentUrl} redirected to ${JSON.stringify(location.slice(0, 120))}, which is not an http(s) URL${fileClause(context)}`,
          {
            ...context,
            url: currentUrl,
            status: response.status,
          },
        );
      }
      const nextUrl = target.toString();
      if (options.stopAtCrossOrigin === true && new URL(nextUrl).origin !== new URL(currentUrl).origin) {
        return { response, url: currentUrl, sentToken: sendToken };
      }
      await response.body?.cancel().catch(() => undefined);
      if (redirects >= MAX_REDIRECTS) {
        throw new HubError('HUB_HTTP_ERROR', `Too many redirects (more than ${MAX_REDIRECTS}) starting at ${url}`, {
          ...context,
          url,
          status: response.status,
        });
      }
      redirectHeaders = response.headers;
      currentUrl = nextUrl;
    }
  } catch (error) {
    if (error instanceof HubError) throw error;
    if (settings.signal?.aborted) throw settings.signal.reason;
    const reason = timedOut ? `no response within ${settings.requestTimeoutMs} ms` : describeNetworkError(error);
    throw new HubError(
      'HUB_NETWORK',
      `Could not reach ${currentUrl}${fileClause(context)}: ${reason}`,
      { ...context, url: currentUrl },
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    settings.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** The innermost message of a network error (Node's fetch wraps the socket error in `cause`). */
export function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  const messages: string[] = [];
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    messages.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return messages.length > 0 ? messages.join(': ') : String(error);
}

function fileClause(context: HubRequestContext): string {
  return context.file !== undefined
    ? ` for '${context.file}' of repository '${context.repoId}' at revision '${context.revision}'`
    : ` for repository '${context.repoId}' at revision '${context.revision}'`;
}

const TOKEN_HINT = 'pass a token (the `token` option or --token) or set HF_TOKEN';

/**
 * Throws the {@link HubError} matching a failed response, read from the status and the Hub's
 * `X-Error-Code` / `X-Error-Message` headers. Does nothing for 2xx (and 3xx) responses.
 */
export function throwForStatus(response: Response, url: string, context: HubRequestContext, sentToken: boolean): void {
  if (response.status < 400) return;
  const serverCode = response.headers.get('x-error-code') ?? undefined;
  const serverMessage = response.headers.get('x-error-message') ?? undefined;
  const details = { ...context, url, status: response.status, serverCode, serverMessage };
  const said = serverMessage !== undefined ? ` The Hub said: ${serverMessage}` : '';
  const { repoId, revision, file } = context;
  const tokenState = sentToken ? 'the token that was sent has no access to it' : 'no token was sent';
  if (serverCode === 'RevisionNotFound') {
    throw new HubError(
      'HUB_REVISION_NOT_FOUND',
      `Revision '${revision}' not found in repository '${repoId}' (HTTP ${response.status}, ${url}).${said}`,
      details,
    );
  }
  if (serverCode === 'EntryNotFound' || (response.status === 404 && serverCode === undefined && file !== undefined)) {
    throw new HubError(
      'HUB_ENTRY_NOT_FOUND',
      `File '${file ?? '?'}' not found in repository '${repoId}' at revision '${revision}' (HTTP ${response.status}, ${url}).${said}`,
      details,
    );
  }
  if (serverCode === 'GatedRepo') {
    throw new HubError(
      'HUB_GATED',
      `Repository '${repoId}' is gated (HTTP ${response.status}) and ${tokenState}: accept its conditions on the Hub, then ${TOKEN_HINT}.${said}`,
      details,
    );
  }
  if (response.status === 401) {
    throw new HubError(
      'HUB_UNAUTHORIZED',
      `Repository '${repoId}' was not found or is private (HTTP 401, ${url}) and ${tokenState}: check the id, and if it is private or gated ${TOKEN_HINT}.${said}`,
      details,
    );
  }
  if (response.status === 403) {
    throw new HubError(
      'HUB_FORBIDDEN',
      `Access to repository '${repoId}' is forbidden (HTTP 403, ${url}) and ${tokenState}: ${TOKEN_HINT} with read access to it.${said}`,
      details,
    );
  }
  if (response.status === 404) {
    throw new HubError(
      'HUB_REPO_NOT_FOUND',
      `Repository '${repoId}' not found (HTTP 404, ${url}): check the id; if it is private, ${TOKEN_HINT}.${said}`,
      details,
    );
  }
  throw new HubError(
    'HUB_HTTP_ERROR',
    `HTTP ${response.status} ${response.statusText} from ${url}${fileClause(context)}.${said}`,
    details,
  );
}

/** Options of {@link readResponseBody}. */
export interface ReadResponseBodyOptions {
  /** Most bytes accepted; the read stops (and the request is aborted) at the first chunk that passes it. */
  readonly maxBytes: number;
  /** Bytes already present before this body (a resumed download), for messages. */
  readonly loadedBefore?: number;
  /** Aborts the request when the body stalls or is too long (the one given to {@link hubRequest}). */
  readonly controller: AbortController;
  /** Deadline for the whole body (ms), on top of the stall deadline between chunks. */
  readonly totalTimeoutMs?: number;
  /** What the body is, for messages: `'model info'`, `` `'config.json'` ``. */
  readonly what: string;
  /** Receives each chunk in order (writes it to disk, collects it). */
  readonly onChunk: (chunk: Uint8Array) => void | Promise<void>;
}

/**
 * Reads a response body chunk by chunk under three bounds: at most `maxBytes` (`HUB_RESPONSE_TOO_LARGE` the
 * moment a chunk passes it, before that chunk is handed on), at most `stallTimeoutMs` between two chunks and
 * `totalTimeoutMs` for the whole body (`HUB_NETWORK`, retryable). A `Content-Length` above the bound is
 * refused before the first byte. Resolves to the number of bytes read.
 */
export async function readResponseBody(
  settings: ResolvedHubSettings,
  response: Response,
  url: string,
  context: HubRequestContext,
  options: ReadResponseBodyOptions,
): Promise<number> {
  const { maxBytes, controller, what } = options;
  const before = options.loadedBefore ?? 0;
  const tooLarge = (received: number): HubError =>
    new HubError(
      'HUB_RESPONSE_TOO_LARGE',
      `${url} sent ${received === -1 ? 'a Content-Length of more' : `more`} than ${maxBytes} bytes for ${what}${fileClause(context)}` +
        `${received === -1 ? '' : ' (stopped at the first byte too many)'}`,
      { ...context, url, limit: maxBytes, ...(received === -1 ? {} : { actual: received }) },
    );
  const lengthHeader = response.headers.get('content-length');
  if (lengthHeader !== null && /^\d+$/.test(lengthHeader.trim()) && Number(lengthHeader) > maxBytes) {
    controller.abort(new Error('response too large'));
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(-1);
  }
  if (response.body === null) return 0;
  const reader = response.body.getReader();
  let loaded = 0;
  let timeout: 'stall' | 'total' | null = null;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const expire = (kind: 'stall' | 'total'): void => {
    timeout = kind;
    controller.abort(new Error(kind === 'stall' ? 'body stalled' : 'body too slow'));
    reader.cancel().catch(() => undefined);
  };
  const armStallTimer = (): void => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => expire('stall'), settings.stallTimeoutMs);
  };
  const totalTimer =
    options.totalTimeoutMs === undefined ? undefined : setTimeout(() => expire('total'), options.totalTimeoutMs);
  const onOuterAbort = (): void => controller.abort(settings.signal?.reason);
  settings.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    armStallTimer();
    for (;;) {
      const { done, value } = await reader.read();
      if (timeout !== null) throw new Error('timed out');
      if (done) break;
      armStallTimer();
      if (loaded + value.byteLength > maxBytes) {
        controller.abort(new Error('response too large'));
        await reader.cancel().catch(() => undefined);
        throw tooLarge(before + loaded + value.byteLength);
      }
      loaded += value.byteLength;
      await options.onChunk(value);
    }
    return loaded;
  } catch (error) {
    if (error instanceof HubError) throw error;
    if (settings.signal?.aborted) throw settings.signal.reason;
    const reason =
      timeout === 'stall'
        ? `no data for ${settings.stallTimeoutMs} ms`
        : timeout === 'total'
          ? `the body took longer than ${options.totalTimeoutMs ?? 0} ms`
          : describeNetworkError(error);
    throw new HubError(
      'HUB_NETWORK',
      `Connection dropped after ${before + loaded} bytes of ${what}${fileClause(context)} (${url}): ${reason}`,
      { ...context, url },
      { cause: error },
    );
  } finally {
    clearTimeout(stallTimer);
    clearTimeout(totalTimer);
    settings.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * Reads a JSON body of at most `settings.maxMetadataBytes` bytes within `requestTimeoutMs` (and
 * `stallTimeoutMs` between chunks) and parses it; invalid UTF-8 or JSON is `HUB_BAD_RESPONSE`.
 */
export async function readJsonBody(
  settings: ResolvedHubSettings,
  response: Response,
  url: string,
  context: HubRequestContext,
  controller: AbortController,
  what: string,
): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  const total = await readResponseBody(settings, response, url, context, {
    maxBytes: settings.maxMetadataBytes,
    controller,
    totalTimeoutMs: settings.requestTimeoutMs,
    what,
    onChunk: (chunk) => void chunks.push(chunk),
  });
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    throw new HubError(
      'HUB_BAD_RESPONSE',
      `${url} answered invalid JSON for ${what}${fileClause(context)}`,
      { ...context, url },
      { cause: error },
    );
  }
}

/**
 * Test helper (Node only, not exported): a local imitation of the Hugging Face Hub on 127.0.0.1 with the
 * Hub's URLs, headers and errors, and a second listener playing the LFS CDN (another origin).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A file of a mock repository; `lfs` files are served through a redirect to the CDN. */
export interface MockFile {
  readonly content: Uint8Array;
  readonly lfs?: boolean;
}

/** A mock repository: branches pointing at commits, files per commit, access rules. */
export interface MockRepo {
  /** Branch or tag name → 40-hex commit. */
  readonly refs: Record<string, string>;
  /** Commit → file path → file. */
  readonly commits: Record<string, Record<string, MockFile>>;
  /** Requires `Authorization: Bearer <token>`; without it the Hub answers 401 RepoNotFound. */
  readonly privateToken?: string;
  /** Gated: 401 GatedRepo without a token, 403 GatedRepo with a token other than `gatedToken`. */
  readonly gatedToken?: string;
  /** Another id that redirects (307, relative) to this one, like a renamed repository. */
  readonly renamedFrom?: string;
  /** Hostile: the `X-Repo-Commit` header of every `resolve` answer (e.g. `..`, 300 characters). */
  readonly commitHeader?: string;
  /** Hostile: the `ETag` / `X-Linked-Etag` header of every `resolve` answer. */
  readonly etagHeader?: string;
  /** Hostile: how the model-info API (`api/models/.../revision/...`) misbehaves. */
  readonly apiFault?: MockApiFault;
}

/** Misbehaviour of the model-info API of one repository (every request). */
export interface MockApiFault {
  /** Stream a valid-looking JSON answer of this many bytes (siblings after siblings), generated as it is sent. */
  readonly hugeBodyBytes?: number;
  /** With `hugeBodyBytes`: announce the length in `Content-Length` (default: chunked, no length). */
  readonly announceLength?: boolean;
  /** Send this many bytes of the answer, then keep the connection open without sending anything. */
  readonly stallAfterBytes?: number;
  /** Answer this body (status 200, JSON content type) instead of the real one. */
  readonly body?: string | Uint8Array;
  /** The `sha` field of the answer (e.g. `..`). */
  readonly sha?: string;
}

/** Misbehaviour injected into the next `times` GETs of a file's bytes. */
export interface MockFault {
  /** Send this many bytes, then destroy the socket. */
  readonly dropAfterBytes?: number;
  /** Send this many bytes, then keep the connection open without sending anything. */
  readonly stallAfterBytes?: number;
  /** Send the body in 1 KiB chunks with this pause between them. */
  readonly chunkDelayMs?: number;
  /** Ignore `Range` and send the whole file with 200. */
  readonly ignoreRange?: boolean;
  /** Flip the bits of the first byte sent. */
  readonly corrupt?: boolean;
  /** Answer with this HTTP status (e.g. 503) instead. */
  readonly status?: number;
  /** Hostile: send this many bytes more than the file has (garbage after the real bytes). */
  readonly extraBytes?: number;
  /** Hostile: send no `Content-Length` (chunked transfer). */
  readonly noContentLength?: boolean;
  /** How many requests are affected. Default 1. */
  readonly times?: number;
}

/** One request the mock received. */
export interface MockRequestRecord {
  readonly listener: 'hub' | 'cdn';
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly range: string | undefined;
  /** `Date.now()` when the request arrived. */
  readonly time: number;
}

/** A running mock Hub. */
export interface MockHub {
  /** `http://127.0.0.1:<port>`: pass as `endpoint`. */
  readonly endpoint: string;
  /** Origin of the CDN listener. */
  readonly cdnOrigin: string;
  readonly requests: MockRequestRecord[];
  /** Injects a fault into GETs of `file`'s bytes (at the CDN for LFS files, at `resolve` otherwise). */
  fault(file: string, fault: MockFault): void;
  /** Makes every request fail at the socket level (as if the Hub were unreachable) while true. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/** sha256 hex of bytes (the ETag of an LFS file). */
export function sha256Hex(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Git blob id: sha1 of `blob <size>\0` + content (the ETag of a small file). */
export function gitBlobSha1(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

/** Options of {@link startMockHub}. */
export interface MockHubOptions {
  /** Answer CORS preflights and expose the Hub's headers, as huggingface.co does (for browser tests). */
  readonly cors?: boolean;
  /**
   * Hostile answers: called for every request to either listener before the mock handles it; returning true
   * means the request has been answered (fuzz tests send mutated answers this way).
   */
  readonly intercept?: (listener: 'hub' | 'cdn', request: IncomingMessage, response: ServerResponse) => boolean;
}

const EXPOSED_HEADERS =
  'X-Repo-Commit, X-Linked-Etag, X-Linked-Size, ETag, X-Error-Code, X-Error-Message, Content-Range, Content-Length, Accept-Ranges, Location';

/** Starts a mock Hub serving `repos`. */
export async function startMockHub(repos: Record<string, MockRepo>, options: MockHubOptions = {}): Promise<MockHub> {
  const requests: MockRequestRecord[] = [];
  const faults = new Map<string, { fault: MockFault; remaining: number }>();
  const blobsBySha = new Map<string, { file: string; content: Uint8Array }>();
  const sockets = new Set<Socket>();
  let down = false;
  for (const repo of Object.values(repos)) {
    for (const files of Object.values(repo.commits)) {
      for (const [file, entry] of Object.entries(files)) {
        if (entry.lfs === true) blobsBySha.set(sha256Hex(entry.content), { file, content: entry.content });
      }
    }
  }
  const renamed = new Map<string, string>();
  for (const [id, repo] of Object.entries(repos)) if (repo.renamedFrom !== undefined) renamed.set(repo.renamedFrom, id);

  const takeFault = (file: string): MockFault | undefined => {
    const entry = faults.get(file);
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.delete(file);
    return entry.fault;
  };

  const record = (listener: 'hub' | 'cdn', request: IncomingMessage): void => {
    requests.push({
      listener,
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      authorization: request.headers.authorization,
      range: request.headers.range,
      time: Date.now(),
    });
  };

  /** CORS headers; true when the request was a preflight and has been answered. */
  const corsPreflight = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (options.cors !== true) return false;
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (request.method !== 'OPTIONS') return false;
    response.statusCode = 204;
    response.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
    response.setHeader('Access-Control-Allow-Headers', 'Authorization, Range, Accept');
    response.end();
    return true;
  };

  const hub = createServer((request, response) => {
    if (corsPreflight(request, response)) return;
    if (request.url?.startsWith('/__requests') === true) {
      // For browser tests: what the servers received (then forgotten with ?reset).
      const body = JSON.stringify(requests);
      if (request.url.includes('reset')) requests.length = 0;
      response.setHeader('Content-Type', 'application/json');
      response.end(body);
      return;
    }
    record('hub', request);
    if (down) {
      request.socket.destroy();
      return;
    }
    if (options.intercept?.('hub', request, response) === true) return;
    handleHub(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  const cdn = createServer((request, response) => {
    if (corsPreflight(request, response)) return;
    record('cdn', request);
    if (down) {
      request.socket.destroy();
      return;
    }
    if (options.intercept?.('cdn', request, response) === true) return;
    const url = new URL(request.url ?? '/', 'http://cdn');
    const match = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    const blob = match?.[1] !== undefined ? blobsBySha.get(match[1]) : undefined;
    if (blob === undefined || url.searchParams.get('signature') === null) {
      response.statusCode = 403;
      response.end('AccessDenied');
      return;
    }
    sendBytes(request, response, blob.content, takeFault(blob.file), {});
  });
  for (const server of [hub, cdn])
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  await Promise.all([listen(hub), listen(cdn)]);
  const endpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  const cdnOrigin = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;

  function authorize(repo: MockRepo, request: IncomingMessage, response: ServerResponse): boolean {
    const authorization = request.headers.authorization;
    if (repo.privateToken !== undefined && authorization !== `Bearer ${repo.privateToken}`) {
      errorResponse(response, 401, 'RepoNotFound', 'Repository not found');
      return false;
    }
    if (repo.gatedToken !== undefined && authorization !== `Bearer ${repo.gatedToken}`) {
      const status = authorization === undefined ? 401 : 403;
      errorResponse(
        response,
        status,
        'GatedRepo',
        'Access to model is restricted. You must have access to it and be authenticated to access it.',
      );
      return false;
    }
    return true;
  }

  async function handleHub(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', endpoint);
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    if (segments[0] === 'api' && segments[1] === 'models') {
      const revisionIndex = segments.indexOf('revision');
      const repoId = segments.slice(2, revisionIndex).join('/');
      const revision = segments.slice(revisionIndex + 1).join('/');
      const repo = repos[repoId];
      if (renamed.has(repoId)) {
        response.statusCode = 307;
        response.setHeader(
          'Location',
          `/api/models/${renamed.get(repoId) ?? ''}/revision/${encodeURIComponent(revision)}`,
        );
        response.end();
        return;
      }
      if (repo === undefined || revisionIndex < 0) {
        errorResponse(response, 401, 'RepoNotFound', 'Repository not found');
        return;
      }
      if (!authorize(repo, request, response)) return;
      const commit = resolveRevision(repo, revision);
      if (commit === undefined) {
        errorResponse(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
        return;
      }
      const files = repo.commits[commit] ?? {};
      const fault = repo.apiFault;
      const body = JSON.stringify({
        id: repoId,
        modelId: repoId,
        sha: fault?.sha ?? commit,
        siblings: Object.keys(files).map((rfilename) => ({ rfilename })),
      });
      response.setHeader('Content-Type', 'application/json');
      if (fault?.hugeBodyBytes !== undefined) {
        sendHugeJson(response, fault.sha ?? commit, fault.hugeBodyBytes, fault.announceLength === true);
        return;
      }
      if (fault?.body !== undefined) {
        response.end(fault.body);
        return;
      }
      if (fault?.stallAfterBytes !== undefined) {
        response.setHeader('Content-Length', Buffer.byteLength(body));
        response.write(body.slice(0, fault.stallAfterBytes));
        return; // Never ends.
      }
      response.setHeader('Content-Length', Buffer.byteLength(body));
      response.end(body);
      return;
    }
    const resolveIndex = segments.indexOf('resolve');
    if (resolveIndex < 1 || resolveIndex > 2 || segments.length < resolveIndex + 3) {
      errorResponse(response, 404, undefined, 'Not found');
      return;
    }
    const repoId = segments.slice(0, resolveIndex).join('/');
    const revision = segments[resolveIndex + 1] ?? '';
    const file = segments.slice(resolveIndex + 2).join('/');
    const target = renamed.get(repoId);
    if (target !== undefined) {
      response.statusCode = 307;
      response.setHeader('Location', `/${target}/resolve/${encodeURIComponent(revision)}/${file}`);
      response.end();
      return;
    }
    const repo = repos[repoId];
    if (repo === undefined) {
      errorResponse(response, 401, 'RepoNotFound', 'Repository not found');
      return;
    }
    if (!authorize(repo, request, response)) return;
    const commit = resolveRevision(repo, revision);
    if (commit === undefined) {
      errorResponse(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      return;
    }
    const entry = repo.commits[commit]?.[file];
    response.setHeader('X-Repo-Commit', repo.commitHeader ?? commit);
    if (entry === undefined) {
      errorResponse(response, 404, 'EntryNotFound', `${file} does not exist on "${revision}"`);
      return;
    }
    if (entry.lfs === true) {
      const sha = sha256Hex(entry.content);
      const pointer = new TextEncoder().encode(
        `version https://git-lfs.github.com/spec/v1\noid sha256:${sha}\nsize ${entry.content.byteLength}\n`,
      );
      response.statusCode = 302;
      response.setHeader('ETag', `"${gitBlobSha1(pointer)}"`);
      response.setHeader('X-Linked-Etag', `"${repo.etagHeader ?? sha}"`);
      response.setHeader('X-Linked-Size', String(entry.content.byteLength));
      response.setHeader('Location', `${cdnOrigin}/cdn/${sha}?signature=mock&file=${encodeURIComponent(file)}`);
      const body = `Found. Redirecting to ${cdnOrigin}/cdn/${sha}`;
      response.setHeader('Content-Length', Buffer.byteLength(body));
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    sendBytes(request, response, entry.content, request.method === 'GET' ? takeFault(file) : undefined, {
      ETag: `"${repo.etagHeader ?? gitBlobSha1(entry.content)}"`,
    });
  }

  return {
    endpoint,
    cdnOrigin,
    requests,
    fault(file, fault) {
      faults.set(file, { fault, remaining: fault.times ?? 1 });
    },
    setDown(value) {
      down = value;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([hub, cdn].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function resolveRevision(repo: MockRepo, revision: string): string | undefined {
  const named = repo.refs[revision];
  if (named !== undefined) return named;
  return repo.commits[revision] !== undefined ? revision : undefined;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}

function errorResponse(response: ServerResponse, status: number, code: string | undefined, message: string): void {
  response.statusCode = status;
  if (code !== undefined) response.setHeader('X-Error-Code', code);
  response.setHeader('X-Error-Message', message);
  const body = JSON.stringify({ error: message });
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}

function sendBytes(
  request: IncomingMessage,
  response: ServerResponse,
  content: Uint8Array,
  fault: MockFault | undefined,
  headers: Record<string, string>,
): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (fault?.status !== undefined) {
    errorResponse(response, fault.status, undefined, 'Injected failure');
    return;
  }
  let start = 0;
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  if (range !== null && fault?.ignoreRange !== true) {
    start = Number(range[1]);
    if (start >= content.byteLength) {
      response.statusCode = 416;
      response.setHeader('Content-Range', `bytes */${content.byteLength}`);
      response.end();
      return;
    }
    response.statusCode = 206;
    response.setHeader('Content-Range', `bytes ${start}-${content.byteLength - 1}/${content.byteLength}`);
  } else {
    response.statusCode = 200;
  }
  response.setHeader('Accept-Ranges', 'bytes');
  const extra = request.method === 'GET' ? (fault?.extraBytes ?? 0) : 0;
  if (fault?.noContentLength !== true || request.method === 'HEAD')
    response.setHeader('Content-Length', content.byteLength - start + extra);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  if (extra > 0) {
    // The real bytes, then `extra` bytes of garbage generated as they are sent (never held whole).
    const garbage = Buffer.alloc(Math.min(extra, 64 * 1024), 0x41);
    let left = extra;
    const pump = (): void => {
      while (left > 0 && !response.destroyed) {
        const piece = garbage.subarray(0, Math.min(left, garbage.length));
        left -= piece.length;
        if (!response.write(piece)) {
          response.once('drain', pump);
          return;
        }
      }
      if (!response.destroyed) response.end();
    };
    response.write(Buffer.from(content.subarray(start)));
    pump();
    return;
  }
  let body = Buffer.from(content.subarray(start));
  if (fault?.corrupt === true && body.length > 0) {
    body = Buffer.from(body);
    body[0] = (body[0] ?? 0) ^ 0xff;
  }
  if (fault?.dropAfterBytes !== undefined) {
    response.write(body.subarray(0, fault.dropAfterBytes), () => {
      setTimeout(() => response.socket?.destroy(), 20);
    });
    return;
  }
  if (fault?.stallAfterBytes !== undefined) {
    response.write(body.subarray(0, fault.stallAfterBytes));
    return; // Never ends; the client must give up (the server's close() destroys the socket).
  }
  if (fault?.chunkDelayMs !== undefined) {
    const delayMs = fault.chunkDelayMs;
    let offset = 0;
    const next = (): void => {
      if (response.destroyed) return;
      if (offset >= body.length) {
        response.end();
        return;
      }
      response.write(body.subarray(offset, offset + 1024));
      offset += 1024;
      setTimeout(next, delayMs);
    };
    next();
    return;
  }
  response.end(body);
}

/** Streams `{"sha": ..., "siblings": [{"rfilename": "f000000"}, ...]}` of about `size` bytes, generated as it is sent. */
function sendHugeJson(response: ServerResponse, sha: string, size: number, announceLength: boolean): void {
  const head = `{"sha":${JSON.stringify(sha)},"siblings":[`;
  const item = '{"rfilename":"file-000000000"},';
  const itemCount = Math.max(0, Math.floor((size - head.length - 20) / item.length));
  const tail = '{"rfilename":"last"}]}';
  if (announceLength) response.setHeader('Content-Length', head.length + itemCount * item.length + tail.length);
  const block = item.repeat(Math.max(1, Math.floor((64 * 1024) / item.length)));
  const perBlock = block.length / item.length;
  let left = itemCount;
  response.write(head);
  const pump = (): void => {
    while (left > 0 && !response.destroyed) {
      const count = Math.min(left, perBlock);
      left -= count;
      if (!response.write(count === perBlock ? block : item.repeat(count))) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) response.end(tail);
  };
  pump();
}

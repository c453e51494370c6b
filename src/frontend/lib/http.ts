// The uWebSockets.js side of a request: copy what the handler needs from `req` at once (it is
// stack-allocated), watch for aborts, read the body within its size bound and deadline, and answer
// inside `res.cork`.
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';

export interface RequestInfo {
  method: string;
  path: string;
  query: string;
  contentType: string;
  contentLength: string;
  authorization: string | undefined;
  /** The DPoP header (RFC 9449 §4.1), if any. */
  dpop: string | undefined;
  userAgent: string;
  ip: string;
  forwardedFor: string;
  /** Route parameters (`:id`), in order. */
  params: string[];
  /** performance.now() at arrival */
  t0: number;
}

/** Tracks whether the client went away; every answer checks it. */
export interface Exchange {
  res: HttpResponse;
  info: RequestInfo;
  aborted: boolean;
  done: boolean;
}

const decoder = new TextDecoder();

export function beginExchange(res: HttpResponse, req: HttpRequest, paramCount = 0): Exchange {
  const params: string[] = [];
  for (let i = 0; i < paramCount; i++) params.push(req.getParameter(i) ?? '');
  const authorization = req.getHeader('authorization');
  const dpop = req.getHeader('dpop');
  const info: RequestInfo = {
    method: req.getCaseSensitiveMethod(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    contentType: req.getHeader('content-type'),
    contentLength: req.getHeader('content-length'),
    authorization: authorization === '' ? undefined : authorization,
    dpop: dpop === '' ? undefined : dpop,
    userAgent: req.getHeader('user-agent'),
    forwardedFor: req.getHeader('x-forwarded-for'),
    ip: decoder.decode(res.getRemoteAddressAsText()),
    params,
    t0: performance.now(),
  };
  const ex: Exchange = { res, info, aborted: false, done: false };
  res.onAborted(() => {
    ex.aborted = true;
  });
  return ex;
}

export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: 400 | 408 | 413,
    message: string,
  ) {
    super(message);
  }
}

interface SlowBody {
  ex: Exchange;
  deadline: number;
  reject(err: BodyError): void;
}

const slowBodies = new Set<SlowBody>();
let sweeper: NodeJS.Timeout | undefined;

function watchSlowBody(s: SlowBody): void {
  slowBodies.add(s);
  if (!sweeper) {
    sweeper = setInterval(() => {
      const now = Date.now();
      for (const b of slowBodies) {
        if (b.ex.aborted || b.ex.done) slowBodies.delete(b);
        else if (b.deadline <= now) {
          slowBodies.delete(b);
          b.reject(new BodyError(408, 'the request body did not arrive in time'));
        }
      }
      if (slowBodies.size === 0 && sweeper) {
        clearInterval(sweeper);
        sweeper = undefined;
      }
    }, 250);
    sweeper.unref();
  }
}

/**
 * Reads the whole body (must be called before any await). Rejects with 413 past `limit` bytes, 400
 * when the body is shorter than Content-Length said, 408 when it stalls past `timeoutMs`.
 */
export function readBody(ex: Exchange, limit: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = ex.info.contentLength;
    if (declared !== '' && !/^\d{1,12}$/.test(declared)) {
      reject(new BodyError(400, 'Content-Length is not a number'));
      ex.res.onData(() => undefined);
      return;
    }
    if (declared !== '' && Number(declared) > limit) {
      reject(new BodyError(413, `the request body is larger than ${limit} bytes`));
      ex.res.onData(() => undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let slow: SlowBody | undefined;
    let settled = false;
    const fail = (err: BodyError): void => {
      if (settled) return;
      settled = true;
      if (slow) slowBodies.delete(slow);
      reject(err);
    };
    ex.res.onData((chunk, isLast) => {
      if (settled) return;
      size += chunk.byteLength;
      if (size > limit) {
        fail(new BodyError(413, `the request body is larger than ${limit} bytes`));
        return;
      }
      // uWS reuses the chunk's memory after this callback: copy it. Copying through a view lands small
      // bodies in Buffer's pool; `chunk.slice(0)` would allocate a new ArrayBuffer per request (~1 µs more).
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (!isLast) {
        if (!slow) {
          slow = { ex, deadline: Date.now() + timeoutMs, reject: fail };
          watchSlowBody(slow);
        }
        return;
      }
      settled = true;
      if (slow) slowBodies.delete(slow);
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      if (declared !== '' && Number(declared) !== body.length) {
        reject(new BodyError(400, 'the request body is shorter than Content-Length'));
        return;
      }
      resolve(body);
    });
  });
}

export type Headers = Record<string, string>;

/** Writes a complete answer once, corked, unless the client is gone. */
export function send(ex: Exchange, status: number, body: string, headers: Headers, close = false): void {
  if (ex.aborted || ex.done) return;
  ex.done = true;
  ex.res.cork(() => {
    ex.res.writeStatus(statusLine(status));
    for (const k in headers) ex.res.writeHeader(k, headers[k] as string);
    // A HEAD request gets the headers a GET would, Content-Length included, and no body.
    if (ex.info.method === 'HEAD') ex.res.endWithoutBody(Buffer.byteLength(body), close);
    else ex.res.end(body, close);
  });
}

const reasons: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let s = statusLines.get(status);
  if (!s) {
    s = `${status} ${reasons[status] ?? 'Status'}`;
    statusLines.set(status, s);
  }
  return s;
}

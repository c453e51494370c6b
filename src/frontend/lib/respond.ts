// Answers and errors in the OAuth wire form: JSON with `Cache-Control: no-store`, RFC 6749 §5.2 error
// bodies, `WWW-Authenticate` on 401, and 503 + `Retry-After` when NATS or the policy workers fail.
import { AdminError } from '../../actors/index.js';
import { BusError, timedOut } from '../../bus/index.js';
import { OAuthError } from '../../oauth/index.js';
import { BodyError, type Exchange, type Headers, send } from './http.js';

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Headers;
}

export interface RenderOptions {
  retryAfterSeconds: number;
  /** Challenge for 401 answers at this endpoint, e.g. `Basic realm="portcullis"`. */
  challenge: string;
  /** Longest a request may take from arrival to answer, ms; past it the answer is 503 (absent: no deadline). */
  deadlineMs?: number;
  onDone(endpoint: string, outcome: string, seconds: number): void;
  onInternalError(err: unknown): void;
}

const jsonHeaders: Headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** An empty answer (revocation's 200) says no Content-Type: it has no JSON to label. */
const emptyHeaders: Headers = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function sendJson(ex: Exchange, status: number, body: unknown, extra?: Headers, close = false): void {
  const base = body === undefined ? emptyHeaders : jsonHeaders;
  send(ex, status, body === undefined ? '' : JSON.stringify(body), extra ? { ...base, ...extra } : base, close);
}

interface WireError {
  status: number;
  error: string;
  description: string;
}

function wireError(err: unknown, opts: RenderOptions): WireError {
  if (err instanceof OAuthError || err instanceof AdminError) {
    return { status: err.status, error: err.error, description: err instanceof OAuthError ? err.description : err.message };
  }
  if (err instanceof BodyError) return { status: err.status, error: 'invalid_request', description: err.message };
  if (err instanceof BusError) {
    const env = err.envelope;
    if (env.kind === 'protocol' && env.code) return { status: env.status ?? 400, error: env.code, description: env.description };
    if (err.retryable) return { status: 503, error: 'temporarily_unavailable', description: 'the service is temporarily unavailable; retry later' };
  }
  opts.onInternalError(err);
  return { status: 500, error: 'server_error', description: 'internal error' };
}

/** Renders an error; the wire never carries a stack or an internal message. */
export function sendError(ex: Exchange, endpoint: string, err: unknown, opts: RenderOptions): void {
  const w = wireError(err, opts);
  const headers: Headers = err instanceof OAuthError && err.headers !== undefined ? { ...err.headers } : {};
  if (w.status === 401) headers['WWW-Authenticate'] = opts.challenge;
  if (w.status === 503) headers['Retry-After'] = String(opts.retryAfterSeconds);
  // A body we stopped reading (too large, stalled) leaves the connection in an unknown state: close it.
  const close = err instanceof BodyError;
  sendJson(ex, w.status, { error: w.error, error_description: w.description }, headers, close);
  opts.onDone(endpoint, w.error, (performance.now() - ex.info.t0) / 1000);
}

export function sendAnswer(ex: Exchange, endpoint: string, a: Answer, opts: RenderOptions): void {
  sendJson(ex, a.status, a.body, a.headers);
  opts.onDone(endpoint, String(a.status), (performance.now() - ex.info.t0) / 1000);
}

/**
 * Runs `work` and answers with its result or its error, or with 503 when it has not settled by the
 * deadline (a worker or an in-process actor call has no deadline of its own): never a hang.
 */
export function answer(ex: Exchange, endpoint: string, opts: RenderOptions, work: () => Promise<Answer>): void {
  const timer =
    opts.deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          if (!ex.done) sendError(ex, endpoint, timedOut(`${endpoint} did not complete within ${opts.deadlineMs} ms`), opts);
        }, opts.deadlineMs);
  work().then(
    (a) => {
      clearTimeout(timer);
      if (!ex.done) sendAnswer(ex, endpoint, a, opts);
    },
    (err: unknown) => {
      clearTimeout(timer);
      if (!ex.done) sendError(ex, endpoint, err, opts);
    },
  );
}

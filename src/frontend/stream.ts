// GET /stream: a WebSocket of token events (JSON text frames `{seq, index, subject, event}`) for the resource
// servers the caller's access token may stream (see ./stream-access.ts). Query `since` (ms since the
// epoch) or `from_seq` replays first. The socket closes when the token expires (code 4001), when the
// server cannot follow the stream (1011), or when the reader falls too far behind (backpressure).
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_socket_context_t } from 'uWebSockets.js';
import { BusError } from '../bus/index.js';
import { OAuthError, environmentOf } from '../oauth/index.js';
import { type FrontendContext, edgeDeadlineMs } from './context.js';
import { accessToken } from './forward-auth-request.js';
import { withDeadline } from './lib/deadline.js';
import type { StreamGrant, StreamOptions, StreamProof, TokenStreamAccess } from './stream-access.js';

export const streamPath = '/stream';
/** Bytes queued for one slow reader before it is dropped. */
export const streamMaxBackpressure = 1 << 20;

interface StreamSocketData {
  grant: StreamGrant;
  opts: StreamOptions;
  stop?: () => void;
  expiry?: NodeJS.Timeout;
  closed: boolean;
}

function parseStreamOptions(query: string): StreamOptions | string {
  const q = new URLSearchParams(query);
  const since = q.get('since');
  const fromSeq = q.get('from_seq');
  if (since !== null && fromSeq !== null) return 'use since or from_seq, not both';
  if (since !== null) {
    if (!/^\d{1,15}$/.test(since)) return 'since must be milliseconds since the epoch';
    return { since: Number(since) };
  }
  if (fromSeq !== null) {
    if (!/^[1-9]\d{0,15}$/.test(fromSeq)) return 'from_seq must be a positive integer';
    return { fromSeq: Number(fromSeq) };
  }
  return {};
}

function refuse(res: HttpResponse, status: number, error: string, description: string, headers: Record<string, string> = {}): void {
  res.cork(() => {
    res.writeStatus(`${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : status === 503 ? 'Service Unavailable' : 'Error'}`);
    res.writeHeader('Content-Type', 'application/json');
    res.writeHeader('Cache-Control', 'no-store');
    for (const [k, v] of Object.entries(headers)) res.writeHeader(k, v);
    res.end(JSON.stringify({ error, error_description: description }));
  });
}

export function addStreamRoute(app: TemplatedApp, ctx: FrontendContext, access: TokenStreamAccess): void {
  const decoder = new TextDecoder();
  app.ws<StreamSocketData>(streamPath, {
    maxPayloadLength: 1024,
    idleTimeout: 60,
    sendPingsAutomatically: true,
    maxBackpressure: streamMaxBackpressure,
    closeOnBackpressureLimit: 1,
    upgrade: (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => {
      const t0 = performance.now();
      const authorization = req.getHeader('authorization');
      const dpopHeader = req.getHeader('dpop');
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const userAgent = req.getHeader('user-agent').slice(0, 512);
      const query = req.getQuery() ?? '';
      const ip = decoder.decode(res.getRemoteAddressAsText());
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      const done = (outcome: string): void => ctx.metrics.done('stream', outcome, (performance.now() - t0) / 1000);
      const presented = accessToken(authorization);
      if (presented === undefined) {
        refuse(res, 401, 'invalid_token', 'an access token is required', { 'WWW-Authenticate': 'Bearer realm="portcullis"' });
        done('401');
        return;
      }
      let dpop: StreamProof | undefined;
      if (presented.scheme === 'DPoP') {
        if (dpopHeader === '') {
          refuse(res, 401, 'invalid_dpop_proof', 'a DPoP proof is required', { 'WWW-Authenticate': 'DPoP realm="portcullis", error="invalid_dpop_proof"' });
          done('401');
          return;
        }
        dpop = { proof: dpopHeader, method: 'GET', url: `${ctx.config.issuer.replace(/\/+$/, '')}${streamPath}` };
      }
      const opts = parseStreamOptions(query);
      if (typeof opts === 'string') {
        refuse(res, 400, 'invalid_request', opts);
        done('400');
        return;
      }
      withDeadline(access.authorize(presented.token, environmentOf(ip, userAgent, Date.now()), dpop), edgeDeadlineMs(ctx), 'stream').then(
        (r) => {
          if (aborted) return;
          if ('status' in r) {
            const challenge = `Bearer realm="portcullis", error="${r.error}", error_description="${r.description}"`;
            refuse(res, r.status, r.error, r.description, { 'WWW-Authenticate': challenge });
            done(String(r.status));
            return;
          }
          res.cork(() => res.upgrade<StreamSocketData>({ grant: r, opts, closed: false }, key, protocol, extensions, context));
          done('101');
        },
        (err: unknown) => {
          if (aborted) return;
          const code = err instanceof OAuthError ? err.error : err instanceof BusError && err.envelope.kind === 'protocol' ? err.envelope.code : undefined;
          if (code === 'invalid_dpop_proof' || code === 'invalid_request') {
            refuse(res, 401, code, 'the DPoP proof does not hold for this request and token', { 'WWW-Authenticate': `DPoP realm="portcullis", error="${code}"` });
            done('401');
          } else if (err instanceof BusError && err.retryable) {
            refuse(res, 503, 'temporarily_unavailable', 'the service is temporarily unavailable; retry later', { 'Retry-After': String(ctx.config.retryAfterSeconds) });
            done('503');
          } else {
            ctx.logError(err);
            refuse(res, 500, 'server_error', 'internal error');
            done('500');
          }
        },
      );
    },
    open: (ws: WebSocket<StreamSocketData>) => {
      const d = ws.getUserData();
      const untilExpiry = d.grant.exp * 1000 - Date.now();
      d.expiry = setTimeout(() => {
        if (!d.closed) ws.end(4001, 'access token expired');
      }, Math.max(0, Math.min(untilExpiry, 2_147_000_000)));
      d.expiry.unref();
      ws.send(JSON.stringify({ type: 'subscribed', servers: d.grant.servers.map((s) => s.id), exp: d.grant.exp }));
      access
        .open(
          d.grant,
          d.opts,
          (e) => {
            if (!d.closed) ws.send(JSON.stringify({ seq: e.seq, index: e.index, subject: e.subject, event: e.event }));
          },
          () => {
            if (!d.closed) ws.end(1011, 'token event stream ended');
          },
        )
        .then(
          (stop) => {
            if (d.closed) stop();
            else d.stop = stop;
          },
          (err: unknown) => {
            ctx.logError(err);
            if (!d.closed) ws.end(1011, 'cannot follow token events');
          },
        );
    },
    message: (ws: WebSocket<StreamSocketData>) => {
      // The stream is one-way; anything sent to it is a protocol error.
      ws.end(1008, 'this stream accepts no messages');
    },
    close: (ws: WebSocket<StreamSocketData>) => {
      const d = ws.getUserData();
      d.closed = true;
      if (d.expiry) clearTimeout(d.expiry);
      d.stop?.();
    },
  });
  app.get(streamPath, (res) => {
    res.onAborted(() => undefined);
    refuse(res, 426, 'invalid_request', 'GET /stream upgrades to a WebSocket', { Upgrade: 'websocket', Connection: 'Upgrade' });
  });
}

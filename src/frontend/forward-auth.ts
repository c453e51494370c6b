// Forward-auth for gateways (the Authorino / ext_authz pattern): nginx `auth_request`, Envoy `ext_authz`
// in HTTP mode, Traefik ForwardAuth and Caddy `forward_auth` call it per request with the end user's
// `Authorization` header and the original method, host and URI. The gateway authenticates as its resource
// server's client (Basic credentials in `X-Portcullis-Authorization`), which names the resource server;
// the original request becomes rs_context; the answer is the introspection decision: 200 with the
// decision's obligations as `X-Portcullis-*` headers, 401 with `WWW-Authenticate`, or 403.
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { BusError } from '../bus/index.js';
import { OAuthError, defaultDpopAlgorithms, readClientCredentials } from '../oauth/index.js';
import type { ActiveIntrospection, IntrospectionResponse } from '../oauth/index.js';
import { type FrontendContext, edgeDeadlineMs, environmentFor } from './context.js';
import { type ForwardAuthHeaders, accessToken, originalRequest, proofUrl, readForwardAuthHeaders, rsContextOf } from './forward-auth-request.js';
import { withDeadline } from './lib/deadline.js';
import { type Exchange, type Headers, beginExchange, send } from './lib/http.js';

const realm = 'portcullis';
const endpoint = 'forward_auth';
const baseHeaders: Headers = { 'Cache-Control': 'no-store', 'Content-Type': 'application/json' };

/** The uWS handler for `/forward-auth` and `/forward-auth/*` (any method: Envoy keeps the original). */
export function forwardAuthRoute(ctx: FrontendContext): (res: HttpResponse, req: HttpRequest) => void {
  return (res, req) => {
    const h = readForwardAuthHeaders(req);
    const ex = beginExchange(res, req);
    // A gateway sends no body (nginx: proxy_pass_request_body off); whatever comes is ignored.
    res.onData(() => undefined);
    withDeadline(forwardAuth(ex, ctx, h), edgeDeadlineMs(ctx), endpoint).catch((err: unknown) => fail(ex, ctx, err));
  };
}

/** Header-safe text: printable ASCII only, everything else as JSON-style escapes. */
function headerValue(v: string): string {
  return v.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 8192);
}

/** The answer's headers: who, what scope, which decision, and the obligations (JSON and their types). */
export function obligationHeaders(r: ActiveIntrospection): Headers {
  const obligations = r.obligations;
  const types = (Array.isArray(obligations) ? obligations : Object.values(obligations))
    .map((o) => (typeof o === 'object' && o !== null && 'type' in o ? String((o as { type: unknown }).type) : ''))
    .filter((t) => t !== '');
  const out: Headers = {
    'X-Portcullis-Client-Id': headerValue(r.client_id),
    'X-Portcullis-Scope': headerValue(r.scope),
    'X-Portcullis-Expires-At': String(r.exp),
    'X-Portcullis-Decision-Id': headerValue(r.decision_id),
    'X-Portcullis-Token-Decision-Id': headerValue(r.token_decision_id),
    'X-Portcullis-Policy-Version': headerValue(r.policy_version),
    'X-Portcullis-Obligations': headerValue(JSON.stringify(obligations)),
    'X-Portcullis-Obligation-Types': headerValue([...new Set(types)].join(', ')),
  };
  if (r.jit_single_use) out['X-Portcullis-Single-Use'] = 'true';
  return out;
}

/** RFC 9449 §7.1: a DPoP challenge names the proof algorithms accepted. */
const dpopAlgs = defaultDpopAlgorithms.join(' ');

function challenge(error?: string, description?: string, scheme: 'Bearer' | 'DPoP' = 'Bearer'): string {
  let c = `${scheme} realm="${realm}"`;
  if (scheme === 'DPoP') c += `, algs="${dpopAlgs}"`;
  if (error) c += `, error="${error}"`;
  if (description) c += `, error_description="${description.replace(/["\\]/g, '')}"`;
  return c;
}

function done(ex: Exchange, ctx: FrontendContext, status: number, outcome: string, headers: Headers, body = ''): void {
  // Already answered (the deadline's 503 came first) or gone: the late result is neither sent nor counted.
  if (ex.done || ex.aborted) return;
  send(ex, status, body, { ...baseHeaders, ...headers });
  ctx.metrics.done(endpoint, outcome, (performance.now() - ex.info.t0) / 1000);
}

/** Why an inactive answer is 403 rather than 401: the token is good but policy said no (when the actor tells). */
function deniedByPolicy(r: IntrospectionResponse): string | undefined {
  if (r.active) return undefined;
  const reason = (r as { denied_reason?: unknown }).denied_reason;
  return typeof reason === 'string' ? reason : undefined;
}

async function forwardAuth(ex: Exchange, ctx: FrontendContext, h: ForwardAuthHeaders): Promise<void> {
  const gateway = readGatewayCredentials(h);
  const presented = accessToken(h.authorization);
  if (presented === undefined) {
    // RFC 6750 §3.1: no credentials at all get a bare challenge; malformed ones invalid_request.
    const malformed = h.authorization !== '';
    done(ex, ctx, 401, malformed ? 'invalid_request' : 'no_token', { 'WWW-Authenticate': challenge(malformed ? 'invalid_request' : undefined) });
    return;
  }
  const original = originalRequest(h);
  const rsContext = rsContextOf(h, original);
  // A DPoP-bound token comes with the proof the end user made for this request (RFC 9449 §7.1).
  if (presented.scheme === 'DPoP' && h.dpop === '') {
    done(ex, ctx, 401, 'invalid_dpop_proof', { 'WWW-Authenticate': challenge('invalid_dpop_proof', 'a DPoP proof is required', 'DPoP') });
    return;
  }
  const dpop = presented.scheme === 'DPoP' ? { proof: h.dpop, method: original.method, url: proofUrl(original) } : undefined;
  const res = await ctx.tokens.introspect(gateway, presented.token, rsContext, environmentFor(ctx, ex.info), dpop);
  if (res.active && res.cnf !== undefined && dpop === undefined) {
    // RFC 9449 §7.2: a DPoP-bound token is not a bearer token; without its proof it proves nothing.
    done(ex, ctx, 401, 'invalid_token', { 'WWW-Authenticate': challenge('invalid_token', 'a DPoP-bound token needs the DPoP scheme and a proof', 'DPoP') }, JSON.stringify({ error: 'invalid_token' }));
    return;
  }
  if (res.active) {
    done(ex, ctx, 200, 'allow', obligationHeaders(res));
    return;
  }
  const reason = deniedByPolicy(res);
  if (reason !== undefined) {
    done(ex, ctx, 403, 'insufficient_scope', { 'WWW-Authenticate': challenge('insufficient_scope', 'policy denied this request'), 'X-Portcullis-Reason': headerValue(reason) }, JSON.stringify({ error: 'insufficient_scope', error_description: 'policy denied this request' }));
    return;
  }
  done(ex, ctx, 401, 'invalid_token', { 'WWW-Authenticate': challenge('invalid_token', 'the access token is not active for this request') }, JSON.stringify({ error: 'invalid_token' }));
}

function readGatewayCredentials(h: ForwardAuthHeaders): ReturnType<typeof readClientCredentials> {
  if (h.gatewayAuthorization === '') throw new GatewayError('the gateway did not authenticate (X-Portcullis-Authorization)');
  try {
    return readClientCredentials(h.gatewayAuthorization, new Map());
  } catch (err) {
    throw new GatewayError('the gateway credentials are malformed', err);
  }
}

/** The gateway itself is misconfigured: its users must not be told to log in again. */
class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

function fail(ex: Exchange, ctx: FrontendContext, err: unknown): void {
  if (err instanceof GatewayError || (err instanceof OAuthError && err.error === 'invalid_client') || (err instanceof BusError && err.envelope.code === 'invalid_client')) {
    // Not 401: nginx and Envoy pass 401 to the end user, who can do nothing about the gateway's secret.
    const description = err instanceof GatewayError ? err.message : 'the gateway credentials were refused';
    done(ex, ctx, 500, 'gateway_unauthenticated', {}, JSON.stringify({ error: 'invalid_client', error_description: description }));
    return;
  }
  if (err instanceof BusError && err.retryable) {
    done(ex, ctx, 503, 'temporarily_unavailable', { 'Retry-After': String(ctx.config.retryAfterSeconds) }, JSON.stringify({ error: 'temporarily_unavailable' }));
    return;
  }
  if (err instanceof OAuthError || (err instanceof BusError && err.envelope.kind === 'protocol')) {
    const code = err instanceof OAuthError ? err.error : (err.envelope.code ?? 'invalid_request');
    if (code === 'invalid_dpop_proof') {
      done(ex, ctx, 401, code, { 'WWW-Authenticate': challenge(code, 'the DPoP proof does not hold for this request and token', 'DPoP') }, JSON.stringify({ error: code }));
      return;
    }
    done(ex, ctx, 400, code, {}, JSON.stringify({ error: code }));
    return;
  }
  ctx.logError(err);
  done(ex, ctx, 500, 'server_error', {}, JSON.stringify({ error: 'server_error' }));
}

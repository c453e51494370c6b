// What a gateway's forward-auth call says about the request it is holding: the bearer token, the
// original method, host, URI and client address, in the header shapes nginx `auth_request`, Envoy
// `ext_authz` (HTTP mode), Traefik ForwardAuth and Caddy `forward_auth` use; and the rs_context the
// introspect-phase policy sees for it.
import type { HttpRequest } from 'uWebSockets.js';

/** The forward-auth endpoint; Envoy appends the original path to it (`path_prefix`). */
export const forwardAuthPath = '/forward-auth';

/** Header the gateway authenticates itself with (as its resource server's client), Basic scheme. */
export const gatewayAuthorizationHeader = 'x-portcullis-authorization';

export interface ForwardAuthHeaders {
  /** The end user's `Authorization` header, as the gateway passed it on. */
  authorization: string;
  /** The end user's `DPoP` proof header (RFC 9449), when the token is DPoP-bound. */
  dpop: string;
  gatewayAuthorization: string;
  /** The forward-auth request's own method and path (Envoy sends the original ones). */
  method: string;
  path: string;
  query: string;
  host: string;
  originalMethod: string;
  originalUri: string;
  originalHost: string;
  forwardedMethod: string;
  forwardedUri: string;
  forwardedHost: string;
  forwardedProto: string;
  forwardedFor: string;
  realIp: string;
  /** Explicit policy hints a gateway may set per location: action, resource, resource type. */
  action: string;
  resource: string;
  resourceType: string;
}

/** Copies the headers forward-auth needs out of the (stack-allocated) uWS request. */
export function readForwardAuthHeaders(req: HttpRequest): ForwardAuthHeaders {
  return {
    authorization: req.getHeader('authorization'),
    dpop: req.getHeader('dpop'),
    gatewayAuthorization: req.getHeader(gatewayAuthorizationHeader),
    method: req.getCaseSensitiveMethod(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    host: req.getHeader('host'),
    originalMethod: req.getHeader('x-original-method'),
    originalUri: req.getHeader('x-original-uri'),
    originalHost: req.getHeader('x-original-host'),
    forwardedMethod: req.getHeader('x-forwarded-method'),
    forwardedUri: req.getHeader('x-forwarded-uri'),
    forwardedHost: req.getHeader('x-forwarded-host'),
    forwardedProto: req.getHeader('x-forwarded-proto'),
    forwardedFor: req.getHeader('x-forwarded-for'),
    realIp: req.getHeader('x-real-ip'),
    action: req.getHeader('x-portcullis-action'),
    resource: req.getHeader('x-portcullis-resource'),
    resourceType: req.getHeader('x-portcullis-resource-type'),
  };
}

export interface OriginalRequest {
  method: string;
  host: string;
  /** Path and query as the client sent them. */
  uri: string;
  path: string;
  proto: string;
  /** The end user's address as the gateway saw it; '' when it did not say. */
  ip: string;
}

const methodPattern = /^[A-Z]{1,16}$/;
const maxUri = 4096;

function firstNonEmpty(...values: string[]): string {
  for (const v of values) if (v !== '') return v;
  return '';
}

/**
 * The request the gateway holds. Precedence: nginx's `X-Original-*` (set in the auth location), then the
 * `X-Forwarded-*` headers Traefik and Caddy send, then — Envoy ext_authz — the forward-auth request
 * itself, whose method is the original and whose path is the original appended to `/forward-auth`.
 */
export function originalRequest(h: ForwardAuthHeaders): OriginalRequest {
  const envoyPath = h.path.length > forwardAuthPath.length ? h.path.slice(forwardAuthPath.length) : '';
  const envoyUri = envoyPath === '' ? '' : `${envoyPath}${h.query ? `?${h.query}` : ''}`;
  const method = firstNonEmpty(h.originalMethod, h.forwardedMethod, envoyPath ? h.method : '', 'GET').toUpperCase();
  const uri = firstNonEmpty(h.originalUri, h.forwardedUri, envoyUri, '/').slice(0, maxUri);
  const q = uri.indexOf('?');
  const ip = firstNonEmpty(h.realIp, (h.forwardedFor.split(',')[0] ?? '').trim());
  return {
    method: methodPattern.test(method) ? method : 'GET',
    host: firstNonEmpty(h.originalHost, h.forwardedHost, h.host).slice(0, 256).toLowerCase(),
    uri,
    path: q < 0 ? uri : uri.slice(0, q),
    proto: firstNonEmpty(h.forwardedProto, 'http').slice(0, 16).toLowerCase(),
    ip: ip.slice(0, 64),
  };
}

/** Safe methods read; everything else writes (RFC 9110 §9.2.1), unless the gateway names the action. */
export function actionOf(method: string): string {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write';
}

/**
 * The transaction context policy sees at the introspect phase: the action (named by the gateway, or
 * read/write by method; `X-Portcullis-Action: -` asks for no action check), the resource and
 * resource type the gateway names, and the original request.
 */
export function rsContextOf(h: ForwardAuthHeaders, req: OriginalRequest): Record<string, unknown> {
  const ctx: Record<string, unknown> = {
    method: req.method,
    host: req.host,
    uri: withoutAccessToken(req.uri),
    path: req.path,
    proto: req.proto,
  };
  const action = h.action !== '' ? h.action.slice(0, 128) : actionOf(req.method);
  if (action !== '-') ctx.action = action;
  if (h.resource !== '') ctx.resource = h.resource.slice(0, 256);
  if (h.resourceType !== '') ctx.resource_type = h.resourceType.slice(0, 128);
  if (req.ip !== '') ctx.ip = req.ip;
  return ctx;
}

/**
 * The URI with any `access_token` query parameter (RFC 6750 §2.3) blanked: the context is recorded in the
 * audit log, which must never hold a token value.
 */
export function withoutAccessToken(uri: string): string {
  const q = uri.indexOf('?');
  if (q < 0 || !/(?:^|[?&])access_token=/i.test(uri.slice(q))) return uri;
  const query = uri
    .slice(q + 1)
    .split('&')
    .map((part) => (/^access_token=/i.test(part) ? 'access_token=redacted' : part))
    .join('&');
  return `${uri.slice(0, q)}?${query}`;
}

/** The bearer token of `Authorization: Bearer <token>` (RFC 6750 §2.1), or undefined. */
export function bearerToken(authorization: string): string | undefined {
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  return m?.[1];
}

/** The access token and its scheme: `Bearer` (RFC 6750) or `DPoP` (RFC 9449 §7.1), or undefined. */
export function accessToken(authorization: string): { scheme: 'Bearer' | 'DPoP'; token: string } | undefined {
  const m = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  if (!m?.[1] || !m[2]) return undefined;
  return { scheme: m[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: m[2] };
}

/** The URL a DPoP proof's `htu` must name for the original request: scheme, host and path, no query. */
export function proofUrl(req: OriginalRequest): string {
  return `${req.proto}://${req.host}${req.path}`;
}

// POST /register (RFC 7591 §3): dynamic registration, with a software statement from a trusted issuer
// or plainly where policy allows it (optionally behind an initial access token); and /register/:id
// (RFC 7592): read, update and delete, each proving the client's registration_access_token.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { ManagementProof } from '../../actors/index.js';
import { OAuthError, type Params, readClientAssertion, readClientUpdate, readRegistrationAccessToken, readRegistrationRequest } from '../../oauth/index.js';
import { type FrontendContext, environmentFor, renderOptions } from '../context.js';
import { MediaTypeError, mediaType, parseForm } from '../lib/body.js';
import { type Exchange, readBody } from '../lib/http.js';
import { type Answer, answer } from '../lib/respond.js';
import type { ProtocolServices } from '../protocol.js';

export const registrationChallenge = 'Bearer realm="portcullis-registration"';

async function readJson(ex: Exchange, body: Promise<Buffer>): Promise<unknown> {
  const buf = await body;
  if (mediaType(ex.info.contentType) !== 'json') throw new MediaTypeError('application/json');
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new OAuthError('invalid_client_metadata', 'the request body is not valid JSON');
  }
}

function services(ctx: FrontendContext): ProtocolServices {
  if (ctx.protocol === undefined) throw new OAuthError('invalid_request', 'dynamic registration is not enabled on this server', { status: 404 });
  return ctx.protocol;
}

const sha = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether the request carries the configured initial access token; a wrong one is invalid_token. */
function checkInitialAccessToken(p: ProtocolServices, authorization: string | undefined): boolean {
  if (authorization === undefined) return false;
  const presented = readRegistrationAccessToken(authorization);
  if (p.initialAccessToken === undefined || !timingSafeEqual(sha(presented), sha(p.initialAccessToken))) {
    throw new OAuthError('invalid_token', 'the initial access token is not valid');
  }
  return true;
}

function newClientId(): string {
  return `dyn-${randomBytes(16).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
}

/** POST /register */
export function register(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'register', renderOptions(ctx, registrationChallenge), async (): Promise<Answer> => {
    const p = services(ctx);
    const json = await readJson(ex, body);
    const initialAccessToken = checkInitialAccessToken(p, ex.info.authorization);
    const r = await readRegistrationRequest(json, { statements: { trustedIssuers: p.trustedIssuers(), keys: p.keys } });
    const statementJwt = typeof (json as Record<string, unknown>).software_statement === 'string' ? ((json as Record<string, unknown>).software_statement as string) : undefined;
    const res = await p.registrations.register({
      op: 'register',
      clientId: newClientId(),
      metadata: r.metadata,
      ...(r.softwareStatement !== undefined ? { softwareStatement: r.softwareStatement } : {}),
      ...(statementJwt !== undefined ? { softwareStatementJwt: statementJwt } : {}),
      initialAccessToken,
      env: environmentFor(ctx, ex.info),
    });
    return { status: 201, body: res };
  });
}

/** The assertion fields of a management request: the query (GET, DELETE) or the JSON body (PUT). */
function assertionParams(query: string, body: unknown): Params {
  const params = parseForm(Buffer.from(query, 'utf8'));
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const f of ['client_assertion_type', 'client_assertion'] as const) if (typeof b[f] === 'string') params.set(f, [b[f] as string]);
  }
  return params;
}

/**
 * The registration_access_token (RFC 7592 §2), or else a private_key_jwt assertion (RFC 7523) naming this
 * client, its `aud` the issuer or this registration_client_uri.
 */
function managementProof(ex: Exchange, ctx: FrontendContext, clientId: string, body: unknown): ManagementProof {
  const params = assertionParams(ex.info.query, body);
  const a = ex.info.authorization === undefined ? readClientAssertion(params) : undefined;
  if (a === undefined) return { token: readRegistrationAccessToken(ex.info.authorization) };
  if (a.clientId !== clientId) throw new OAuthError('invalid_client', 'the client_assertion names another client');
  const endpoint = `${ctx.config.issuer.replace(/\/+$/, '')}/register/${encodeURIComponent(clientId)}`;
  return { assertion: { method: 'private_key_jwt', clientId, assertion: a.assertion, endpoint } };
}

/** GET, PUT, DELETE /register/:id */
export function registration(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'register', renderOptions(ctx, registrationChallenge), async (): Promise<Answer> => {
    const p = services(ctx);
    let clientId: string;
    try {
      clientId = decodeURIComponent(ex.info.params[0] ?? '');
    } catch {
      throw new OAuthError('invalid_request', 'the client id in the URL has a malformed percent-encoding');
    }
    const method = ex.info.method.toUpperCase();
    if (method === 'GET') return { status: 200, body: await p.registrations.read(clientId, managementProof(ex, ctx, clientId, undefined)) };
    if (method === 'PUT') {
      const json = await readJson(ex, body);
      const proof = managementProof(ex, ctx, clientId, json);
      const fields = typeof json === 'object' && json !== null && !Array.isArray(json) ? { ...(json as Record<string, unknown>) } : json;
      if (fields !== json) {
        delete (fields as Record<string, unknown>).client_assertion_type;
        delete (fields as Record<string, unknown>).client_assertion;
      }
      const metadata = readClientUpdate(fields, clientId);
      return { status: 200, body: await p.registrations.update(clientId, proof, metadata, environmentFor(ctx, ex.info)) };
    }
    if (method === 'DELETE') {
      await p.registrations.delete(clientId, managementProof(ex, ctx, clientId, undefined));
      return { status: 204 };
    }
    throw new OAuthError('invalid_request', `${method} is not allowed here; use GET, PUT or DELETE`, { status: 405 });
  });
}

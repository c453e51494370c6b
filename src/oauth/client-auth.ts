// Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3.1):
// client_secret_basic, client_secret_post and private_key_jwt (RFC 7523), exactly one per request.
import { readClientAssertion } from './assertion/index.js';
import type { ClientRecord } from './client.js';
import { OAuthError } from './errors.js';
import { type Params, single } from './params.js';
import { secretMatches } from './secrets.js';

export interface ClientCredentials {
  clientId: string;
  secret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

/** A private_key_jwt assertion (RFC 7523 §2.2), not yet verified; the client actor verifies it. */
export interface AssertionCredentials {
  method: 'private_key_jwt';
  /** The assertion's sub: where the request is routed. */
  clientId: string;
  assertion: string;
  /** Absolute URL of the endpoint the assertion was sent to (one of the audiences it may name). */
  endpoint: string;
}

/** How a request authenticates its client, as it crosses to the client actor. */
export type ClientAuthentication = ClientCredentials | AssertionCredentials;

/**
 * Reads a client assertion when the request has one, else client_secret_basic / client_secret_post
 * credentials; `endpoint` is the absolute URL the request was sent to.
 */
export function readClientAuthentication(authorization: string | undefined, params: Params, endpoint: string): ClientAuthentication {
  const a = readClientAssertion(params, authorization);
  if (a !== undefined) return { method: 'private_key_jwt', clientId: a.clientId, assertion: a.assertion, endpoint };
  return readClientCredentials(authorization, params);
}

const basicPattern = /^Basic ([A-Za-z0-9+/]+={0,2})$/i;
const maxCredentialLength = 1024;

function formDecode(s: string, what: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_request', `${what} in the Authorization header is not valid form-urlencoding`);
  }
}

/** Reads the client's credentials from the Authorization header or the body; does not verify them. */
export function readClientCredentials(authorization: string | undefined, params: Params): ClientCredentials {
  const bodyId = single(params, 'client_id');
  const bodySecret = single(params, 'client_secret');
  if (authorization !== undefined && authorization !== '') {
    if (!/^Basic /i.test(authorization)) {
      throw new OAuthError('invalid_client', 'only the Basic scheme is accepted in the Authorization header here');
    }
    const m = basicPattern.exec(authorization);
    if (!m?.[1] || authorization.length > 4 * maxCredentialLength) throw new OAuthError('invalid_request', 'the Basic credentials are not valid base64');
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_request', 'the Basic credentials must be client_id:client_secret');
    const clientId = formDecode(decoded.slice(0, colon), 'client_id');
    const secret = formDecode(decoded.slice(colon + 1), 'client_secret');
    if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'use one client authentication method, not Basic and client_secret together');
    if (bodyId !== undefined && bodyId !== clientId) throw new OAuthError('invalid_request', 'client_id in the body differs from the Basic credentials');
    if (clientId === '' || secret === '') throw new OAuthError('invalid_client', 'client_id and client_secret must not be empty');
    return { clientId, secret, method: 'client_secret_basic' };
  }
  if (bodyId === undefined || bodyId === '') throw new OAuthError('invalid_client', 'client authentication is required');
  if (bodySecret === undefined || bodySecret === '') throw new OAuthError('invalid_client', 'client authentication is required (client_secret is missing)');
  if (bodyId.length > maxCredentialLength || bodySecret.length > maxCredentialLength) throw new OAuthError('invalid_client', 'client authentication failed');
  return { clientId: bodyId, secret: bodySecret, method: 'client_secret_post' };
}

/** Verifies credentials against the stored client (constant-time); one message for every failure. */
const absentHash = '0'.repeat(64);

export function authenticateClient(record: ClientRecord | null, creds: ClientCredentials): ClientRecord {
  // Hash and compare even for an unknown client, so timing does not tell which client_ids exist.
  const matches = secretMatches(creds.secret, record?.client_secret_hash ?? absentHash);
  // No stored hash (private_key_jwt or public client): no secret can match.
  const ok = record !== null && record.client_secret_hash !== undefined && matches;
  if (!ok || record.disabled) throw new OAuthError('invalid_client', 'client authentication failed');
  if (record.token_endpoint_auth_method !== undefined && record.token_endpoint_auth_method !== creds.method) {
    throw new OAuthError('invalid_client', `this client authenticates with ${record.token_endpoint_auth_method}`);
  }
  return record;
}

// Authenticates a client by private_key_jwt (RFC 7523 §3, OIDC Core §9): the assertion is signed by one of
// the client's keys, iss = sub = client_id, aud names this server, exp is present and near, nbf and iat are
// not in the future, and its jti has not been used before (remembered across hosts until exp).
// Every refusal is invalid_client naming the failed check.
import { type JWSHeaderParameters, compactVerify, decodeProtectedHeader, errors } from 'jose';
import { OAuthError } from '../errors.js';
import { FetchRefused, NoMatchingKey } from '../fetch/index.js';
import type { ClientAssertion } from './read-client-assertion.js';
import { type AssertionOptions, defaultAssertionAlgorithms, defaultAssertionLimits } from './options.js';

/** The parts of a client record private_key_jwt needs. */
export interface AssertionClient {
  client_id: string;
  token_endpoint_auth_method?: string;
  /** RFC 7591 §2: the one alg the client signs with, when registered. */
  token_endpoint_auth_signing_alg?: string;
  jwks?: unknown;
  jwks_uri?: string;
  disabled?: boolean;
}

/** What a verified assertion establishes. */
export interface VerifiedClientAssertion {
  clientId: string;
  jti: string;
  /** exp, seconds. */
  exp: number;
}

function refuse(description: string, cause?: unknown): OAuthError {
  return new OAuthError('invalid_client', description, { cause });
}

const isDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export async function verifyClientAssertion(
  assertion: ClientAssertion,
  client: AssertionClient | null,
  opts: AssertionOptions,
): Promise<VerifiedClientAssertion> {
  const algorithms = opts.algorithms ?? defaultAssertionAlgorithms;
  const maxLifetime = opts.maxLifetimeSec ?? defaultAssertionLimits.maxLifetimeSec;
  const skew = opts.clockSkewSec ?? defaultAssertionLimits.clockSkewSec;
  const now = (opts.now ?? Date.now)() / 1000;

  if (client === null || client.disabled === true || client.client_id !== assertion.clientId) throw refuse('client authentication failed');
  if (client.token_endpoint_auth_method !== 'private_key_jwt') {
    throw refuse(`this client authenticates with ${client.token_endpoint_auth_method ?? 'client_secret_basic'}, not private_key_jwt`);
  }
  let header: JWSHeaderParameters;
  try {
    header = decodeProtectedHeader(assertion.assertion) as JWSHeaderParameters;
  } catch (err) {
    throw refuse('client_assertion header is not valid base64url JSON', err);
  }
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) throw refuse(`client_assertion alg must be one of ${algorithms.join(', ')}`);
  if (client.token_endpoint_auth_signing_alg !== undefined && header.alg !== client.token_endpoint_auth_signing_alg) {
    throw refuse(`client_assertion alg must be ${client.token_endpoint_auth_signing_alg}, the client's token_endpoint_auth_signing_alg`);
  }

  // Signature, with one of the client's keys.
  let keys: Awaited<ReturnType<typeof opts.keys.keysFor>>;
  try {
    keys = await opts.keys.keysFor(client, header);
  } catch (err) {
    if (err instanceof FetchRefused) throw refuse(`the client's jwks_uri could not be fetched: ${err.message}`, err);
    if (err instanceof NoMatchingKey) throw refuse(`no key of the client verifies client_assertion: ${err.message}`, err);
    throw err;
  }
  let payload: Uint8Array | undefined;
  let lastErr: unknown;
  for (const key of keys) {
    try {
      payload = (await compactVerify(assertion.assertion, key, { algorithms: [...algorithms] })).payload;
      break;
    } catch (err) {
      lastErr = err;
    }
  }
  if (payload === undefined) {
    if (lastErr instanceof errors.JWSSignatureVerificationFailed) throw refuse('client_assertion signature does not verify with the client keys', lastErr);
    throw refuse(`client_assertion is not a valid JWS: ${(lastErr as Error | undefined)?.message}`, lastErr);
  }
  let claims: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    claims = parsed as Record<string, unknown>;
  } catch (err) {
    throw refuse('client_assertion payload is not a JSON object', err);
  }

  // Claims.
  const { iss, sub, aud, exp, nbf, iat, jti } = claims;
  if (iss !== client.client_id) throw refuse('client_assertion iss must be the client_id');
  if (sub !== client.client_id) throw refuse('client_assertion sub must be the client_id');
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!auds.some((a) => typeof a === 'string' && opts.audiences.includes(a))) throw refuse(`client_assertion aud must name this server (${opts.audiences.join(' or ')})`);
  if (exp === undefined) throw refuse('client_assertion exp is required');
  if (!isDate(exp)) throw refuse('client_assertion exp must be a NumericDate');
  if (exp <= now - skew) throw refuse('client_assertion has expired (exp)');
  if (exp > now + maxLifetime + skew) throw refuse(`client_assertion exp is more than ${maxLifetime} seconds away`);
  if (nbf !== undefined && (!isDate(nbf) || nbf > now + skew)) throw refuse('client_assertion is not yet valid (nbf)');
  if (iat !== undefined) {
    if (!isDate(iat) || iat > now + skew) throw refuse('client_assertion iat must be a NumericDate not in the future');
    if (exp - iat > maxLifetime) throw refuse(`client_assertion lifetime (exp - iat) exceeds ${maxLifetime} seconds`);
  }
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('client_assertion jti must be a string of 1-256 characters');

  // Once only, on every host, until it expires.
  if (!(await opts.replay.claim(`client_assertion:${client.client_id}`, jti, Math.ceil((exp + skew) * 1000)))) {
    throw refuse('client_assertion jti has been used before');
  }
  return { clientId: client.client_id, jti, exp };
}

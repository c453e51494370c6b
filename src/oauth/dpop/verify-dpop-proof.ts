// Verifies a DPoP proof JWT (RFC 9449 §4.3) for one HTTP request, step by step as the RFC lists them, and
// records its jti so it is accepted once across all hosts. Every refusal is invalid_dpop_proof naming the
// failed check, or use_dpop_nonce when a (fresh) server nonce is required.
import { type JWK, compactVerify, decodeProtectedHeader, errors, importJWK } from 'jose';
import { OAuthError } from '../errors.js';
import { accessTokenHash } from './access-token-hash.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { compactJwsPattern, isJwkShaped, isNumericDate, isObject, privateJwkMembers } from './lib/claims.js';
import { normalizeHtu } from './normalize-htu.js';
import { type DpopOptions, defaultDpopAlgorithms, defaultDpopLimits } from './options.js';

/** The HTTP request the proof was sent with. */
export interface DpopRequest {
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** The absolute URI the request was made to, as the server is reached (query ignored). */
  url: string;
  /** The access token presented with the proof (resource access); `ath` is then required and checked. */
  accessToken?: string;
  /** The thumbprint the access token is bound to (`cnf.jkt`); the proof's key must have it. */
  boundJkt?: string;
}

/** What a verified proof establishes. */
export interface DpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: bind the token to it as `cnf.jkt`. */
  jkt: string;
  /** The proof's public key. */
  jwk: JWK;
  jti: string;
  htm: string;
  htu: string;
  iat: number;
  nonce?: string;
}

function refuse(description: string, cause?: unknown): OAuthError {
  return new OAuthError('invalid_dpop_proof', description, { cause });
}

export async function verifyDpopProof(proof: string | undefined, request: DpopRequest, opts: DpopOptions): Promise<DpopProof> {
  const algorithms = opts.algorithms ?? defaultDpopAlgorithms;
  const maxAgeSec = opts.maxAgeSec ?? defaultDpopLimits.maxAgeSec;
  const skewSec = opts.clockSkewSec ?? defaultDpopLimits.clockSkewSec;
  const maxBytes = opts.maxProofBytes ?? defaultDpopLimits.maxProofBytes;
  const nowMs = (opts.now ?? Date.now)();

  // 1-2: one well-formed JWT.
  if (proof === undefined || proof === '') throw refuse('a DPoP proof is required in the DPoP header');
  if (proof.length > maxBytes) throw refuse(`the DPoP proof is longer than ${maxBytes} bytes`);
  if (!compactJwsPattern.test(proof)) throw refuse('the DPoP header must hold exactly one JWT in compact serialization');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>;
  } catch (err) {
    throw refuse('the DPoP proof header is not valid base64url JSON', err);
  }

  // 4: typ.
  if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') throw refuse('typ must be dpop+jwt');
  // 5: alg asymmetric and allowed.
  if (typeof header.alg !== 'string') throw refuse('alg is required');
  if (!algorithms.includes(header.alg)) throw refuse(`alg ${header.alg} is not allowed; use one of ${algorithms.join(', ')}`);
  // 7: jwk is a public key.
  const jwk = header.jwk;
  if (!isObject(jwk)) throw refuse('jwk must be a JSON object holding the public key');
  if (!isJwkShaped(jwk)) throw refuse('jwk must have a kty');
  const priv = privateJwkMembers.find((m) => m in jwk);
  if (priv !== undefined) throw refuse(`jwk must be a public key; it holds the private member "${priv}"`);
  let jkt: string;
  try {
    jkt = await jwkThumbprint(jwk);
  } catch (err) {
    throw refuse('jwk lacks the members its thumbprint needs', err);
  }
  const cacheKey = `${header.alg}:${jkt}`;
  let key = opts.keyCache?.get(cacheKey, nowMs);
  if (key === undefined) {
    try {
      key = await importJWK(jwk, header.alg);
    } catch (err) {
      throw refuse(`jwk is not a usable ${header.alg} public key`, err);
    }
    opts.keyCache?.set(cacheKey, key, Number.POSITIVE_INFINITY);
  }
  // 6: signature.
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(proof, key, { algorithms: [...algorithms] }));
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) throw refuse('the DPoP proof signature does not verify with its jwk', err);
    throw refuse(`the DPoP proof is not a valid JWS: ${(err as Error).message}`, err);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch (err) {
    throw refuse('the DPoP proof payload is not JSON', err);
  }
  if (!isObject(claims)) throw refuse('the DPoP proof payload must be a JSON object');

  // 3: required claims.
  const { jti, htm, htu, iat, nonce, ath } = claims;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('jti must be a string of 1-256 characters');
  if (typeof htm !== 'string') throw refuse('htm is required');
  if (typeof htu !== 'string') throw refuse('htu is required');
  if (!isNumericDate(iat)) throw refuse('iat must be a NumericDate');

  // 8: htm.
  if (htm !== request.method) throw refuse(`htm ${JSON.stringify(htm.slice(0, 16))} does not match the request method ${request.method}`);
  // 9: htu, normalised, without query and fragment.
  const expected = normalizeHtu(request.url);
  if (expected === undefined) throw new TypeError(`request.url must be an absolute http(s) URL, got ${request.url}`);
  const given = normalizeHtu(htu);
  if (given === undefined) throw refuse('htu must be an absolute http(s) URI');
  if (given !== expected) throw refuse(`htu does not match the request URI ${expected}`);

  // 10: server nonce.
  if (opts.nonces !== undefined && opts.requireNonce) {
    if (nonce === undefined) throw new OAuthError('use_dpop_nonce', 'the authorization server requires a nonce in the DPoP proof');
    if (typeof nonce !== 'string' || !opts.nonces.isValid(nonce)) throw new OAuthError('use_dpop_nonce', 'the DPoP proof nonce is not (or no longer) valid');
  } else if (nonce !== undefined && typeof nonce !== 'string') {
    throw refuse('nonce must be a string');
  }

  // 11: iat window.
  const nowSec = nowMs / 1000;
  if (iat > nowSec + skewSec) throw refuse('iat is in the future');
  if (iat < nowSec - maxAgeSec) throw refuse(`the DPoP proof is older than ${maxAgeSec} seconds (iat)`);

  // 12: ath when an access token is presented.
  if (request.accessToken !== undefined) {
    if (ath === undefined) throw refuse('ath is required when the proof accompanies an access token');
    if (typeof ath !== 'string' || ath !== accessTokenHash(request.accessToken)) throw refuse('ath does not match the access token');
  }

  // 13: key binding.
  const publicJwk: JWK = jwk;
  if (request.boundJkt !== undefined && request.boundJkt !== jkt) throw refuse("the proof's key is not the key the access token is bound to (cnf.jkt)");

  // jti: once, for as long as the proof could be accepted.
  const rememberUntil = Math.ceil((iat + maxAgeSec + skewSec) * 1000);
  if (!(await opts.replay.claim(`dpop:${jkt}`, jti, rememberUntil))) throw refuse('the DPoP proof jti has been used before');

  const out: DpopProof = { jkt, jwk: publicJwk, jti, htm, htu, iat };
  if (typeof nonce === 'string') out.nonce = nonce;
  return out;
}

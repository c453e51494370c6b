// DPoP proofs (RFC 9449 §4.2) for the token benchmark: wrk replays pre-formatted requests, so one fresh
// proof (own jti, current iat) is made per request before the run, all by one client key, as a client
// making a proof per request would.
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { HttpRequestSpec } from './wrk.js';

/** `count` token requests like `base`, each with its own DPoP proof for POST `htu`. */
export async function withDpopProofs(base: HttpRequestSpec, htu: string, count: number): Promise<HttpRequestSpec[]> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const header = { alg: 'ES256', typ: 'dpop+jwt', jwk };
  const out: HttpRequestSpec[] = [];
  const iat = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i++) {
    const proof = await new SignJWT({ jti: randomUUID(), htm: 'POST', htu, iat }).setProtectedHeader(header).sign(privateKey);
    out.push({ ...base, headers: { ...base.headers, DPoP: proof } });
  }
  return out;
}

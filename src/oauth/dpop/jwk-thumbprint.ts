// The JWK SHA-256 thumbprint (RFC 7638) a DPoP-bound token carries as `cnf.jkt` (RFC 9449 §6.1).
import { type JWK, calculateJwkThumbprint } from 'jose';

export function jwkThumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

// The storage key of a (scope, jti) pair: base64url SHA-256 of both, so untrusted identifiers of any
// length and alphabet become fixed-size KV-safe keys and scopes cannot collide.
import { createHash } from 'node:crypto';

export function replayKey(scope: string, jti: string): string {
  return createHash('sha256').update(scope, 'utf8').update('\0').update(jti, 'utf8').digest('base64url');
}

// The `ath` claim value of an access token (RFC 9449 §4.2): base64url SHA-256 of its ASCII bytes.
import { createHash } from 'node:crypto';

export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

// Reads the registration_access_token from a client configuration request (RFC 7592 §2: a Bearer token,
// RFC 6750 §2.1). A missing or malformed one is invalid_token (401).
import { OAuthError } from '../errors.js';

const bearer = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

export function readRegistrationAccessToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === '') throw new OAuthError('invalid_token', 'a registration_access_token is required as a Bearer token');
  const m = bearer.exec(authorization);
  if (!m?.[1] || m[1].length > 512) throw new OAuthError('invalid_token', 'the Authorization header must be Bearer <registration_access_token>');
  return m[1];
}

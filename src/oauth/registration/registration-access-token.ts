// The RFC 7592 registration_access_token: 256 random bits made by the server, shown once in the
// registration response, kept only as SHA-256 (a fast hash is right for a high-entropy secret), and
// compared in constant time.
import { generateClientSecret, hashSecret, secretMatches } from '../secrets.js';

export interface IssuedRegistrationAccessToken {
  /** Give to the client once. */
  token: string;
  /** Store with the client record. */
  hash: string;
}

export function issueRegistrationAccessToken(): IssuedRegistrationAccessToken {
  const token = generateClientSecret();
  return { token, hash: hashSecret(token) };
}

/** Constant-time check of a presented token against the stored hash (false when none is stored). */
export function registrationAccessTokenMatches(presented: string, storedHash: string | undefined): boolean {
  return secretMatches(presented, storedHash ?? '0'.repeat(64));
}

// Combines request metadata with a verified software statement (RFC 7591 §3.1.1): the statement's values
// win, and a request value that contradicts one is refused (invalid_software_statement naming the field).
// A request may narrow a list the statement allows (fewer redirect_uris, grant_types…), never widen it.
import { isDeepStrictEqual } from 'node:util';
import { OAuthError } from '../errors.js';

/** Claims of a statement that are JWT bookkeeping, not client metadata. */
const jwtClaims = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti']);
const narrowableLists = new Set(['redirect_uris', 'grant_types', 'response_types', 'contacts']);

export function applySoftwareStatement(request: Record<string, unknown>, claims: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...request };
  delete merged.software_statement;
  for (const [field, value] of Object.entries(claims)) {
    if (jwtClaims.has(field)) continue;
    const asked = request[field];
    if (asked === undefined || asked === null) {
      merged[field] = value;
      continue;
    }
    if (narrowableLists.has(field) && Array.isArray(asked) && Array.isArray(value)) {
      if (!asked.every((x) => value.some((y) => isDeepStrictEqual(x, y)))) {
        throw new OAuthError('invalid_software_statement', `${field} in the request goes beyond the software statement's ${field}`);
      }
      merged[field] = asked;
      continue;
    }
    if (!isDeepStrictEqual(asked, value)) throw new OAuthError('invalid_software_statement', `${field} in the request contradicts the software statement`);
  }
  // A key source the statement names may not be replaced by another one in the request.
  if (claims.jwks !== undefined && request.jwks_uri !== undefined) throw new OAuthError('invalid_software_statement', 'jwks_uri in the request contradicts the software statement jwks');
  if (claims.jwks_uri !== undefined && request.jwks !== undefined) throw new OAuthError('invalid_software_statement', 'jwks in the request contradicts the software statement jwks_uri');
  return merged;
}

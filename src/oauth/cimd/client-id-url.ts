// Whether a client_id is a Client ID Metadata Document URL (draft-ietf-oauth-client-id-metadata-document
// §3): an https URL with a path, no fragment, no credentials, no dot segments.
import { OAuthError } from '../errors.js';

/** True when `clientId` should be resolved by fetching it (cheap check for routing). */
export function isClientIdUrl(clientId: string, allowHttp = false): boolean {
  return clientId.startsWith('https://') || (allowHttp && clientId.startsWith('http://'));
}

/** Checks the URL form of a client_id; refusals are invalid_client naming the rule. */
export function checkClientIdUrl(clientId: string, allowHttp = false): URL {
  let u: URL;
  try {
    u = new URL(clientId);
  } catch {
    throw new OAuthError('invalid_client', 'client_id is not a valid URL');
  }
  if (u.protocol !== 'https:' && !(allowHttp && u.protocol === 'http:')) throw new OAuthError('invalid_client', 'a client_id URL must use https');
  if (clientId.includes('#')) throw new OAuthError('invalid_client', 'a client_id URL must not have a fragment');
  if (u.username !== '' || u.password !== '') throw new OAuthError('invalid_client', 'a client_id URL must not hold credentials');
  const rawPath = clientId.slice(clientId.indexOf('//') + 2).replace(/^[^/?]*/, '').replace(/\?.*$/, '');
  if (rawPath === '' || rawPath === '/') throw new OAuthError('invalid_client', 'a client_id URL must have a path');
  if (rawPath.split('/').some((seg) => seg === '.' || seg === '..' || /^%2e(?:%2e)?$/i.test(seg) || /^\.%2e$|^%2e\.$/i.test(seg))) {
    throw new OAuthError('invalid_client', 'a client_id URL must not have . or .. path segments');
  }
  if (u.href !== clientId) throw new OAuthError('invalid_client', 'a client_id URL must be in normal form (lower-case scheme and host, no default port)');
  return u;
}

// Reads client_assertion_type and client_assertion from a request (RFC 7521 §4.2) and the client_id the
// assertion claims (its `sub`, RFC 7523 §3 item 2), so the request can go to that client's actor.
// Nothing is verified here; verifyClientAssertion does that with the client's keys.
import { decodeJwt } from 'jose';
import { OAuthError } from '../errors.js';
import { type Params, single } from '../params.js';
import { defaultAssertionLimits, jwtBearerAssertionType } from './options.js';

export interface ClientAssertion {
  /** The client the assertion says it is from (its `sub`). */
  clientId: string;
  /** The JWT itself. */
  assertion: string;
}

/**
 * The assertion in `params`, or undefined when the request carries neither client_assertion_type nor
 * client_assertion. `authorization` is the request's Authorization header: one method per request.
 */
export function readClientAssertion(
  params: Params,
  authorization?: string,
  maxBytes: number = defaultAssertionLimits.maxAssertionBytes,
): ClientAssertion | undefined {
  const type = single(params, 'client_assertion_type');
  const assertion = single(params, 'client_assertion');
  if (type === undefined && assertion === undefined) return undefined;
  if (type !== jwtBearerAssertionType) throw new OAuthError('invalid_client', `client_assertion_type must be ${jwtBearerAssertionType}`);
  if (assertion === undefined || assertion === '') throw new OAuthError('invalid_client', 'client_assertion is required with client_assertion_type');
  if (authorization !== undefined && authorization !== '') throw new OAuthError('invalid_request', 'use one client authentication method, not client_assertion and an Authorization header together');
  if (single(params, 'client_secret') !== undefined) throw new OAuthError('invalid_request', 'use one client authentication method, not client_assertion and client_secret together');
  if (assertion.length > maxBytes) throw new OAuthError('invalid_client', `client_assertion is longer than ${maxBytes} bytes`);
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(assertion);
  } catch (err) {
    throw new OAuthError('invalid_client', 'client_assertion is not a JWT', { cause: err });
  }
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new OAuthError('invalid_client', 'client_assertion must name the client in sub');
  const bodyId = single(params, 'client_id');
  if (bodyId !== undefined && bodyId !== sub) throw new OAuthError('invalid_client', 'client_id differs from the client_assertion sub');
  return { clientId: sub, assertion };
}

// A client registered with dpop_bound_access_tokens (RFC 9449 §5.2) gets only DPoP-bound tokens: a token
// request from it without a DPoP proof is refused.
import { OAuthError } from '../errors.js';

/** `presented`: the DPoP header, or the jkt of the proof the frontend verified; undefined when none came. */
export function requireDpopProof(client: { dpop_bound_access_tokens?: boolean }, presented: string | undefined): void {
  if (client.dpop_bound_access_tokens === true && (presented === undefined || presented === '')) {
    throw new OAuthError('invalid_dpop_proof', 'this client is registered with dpop_bound_access_tokens and must send a DPoP proof');
  }
}

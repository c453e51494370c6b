// Token revocation (RFC 7009): the request's parameters and who may revoke a token.
import { OAuthError } from './errors.js';
import { type Params, required, single } from './params.js';
import type { TokenRecord } from './token-record.js';

const tokenTypeHints = new Set(['access_token', 'refresh_token']);

export function readRevocationRequest(params: Params): { token: string } {
  const token = required(params, 'token');
  const hint = single(params, 'token_type_hint');
  if (hint !== undefined && !tokenTypeHints.has(hint)) throw new OAuthError('unsupported_token_type', `token_type_hint ${JSON.stringify(hint.slice(0, 40))} is not supported`);
  return { token };
}

/** Only the client the token was issued to may revoke it (RFC 7009 §2.1); others get 200 and no change. */
export function mayRevoke(record: TokenRecord, clientId: string): boolean {
  return record.client_id === clientId;
}

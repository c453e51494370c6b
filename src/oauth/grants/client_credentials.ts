// The client credentials grant (RFC 6749 §4.4) with resource indicators (RFC 8707) and PBAC
// resource types: the policy decides scopes, lifetime, single use and obligations.
import { OAuthError } from '../errors.js';
import { all, single } from '../params.js';
import type { PolicyInput } from '../policy-input.js';
import { policyClient } from '../policy-input.js';
import { parseResourceIndicators, parseResourceTypes } from '../resource.js';
import { formatScope, intersectScopes, parseScope } from '../scope.js';
import type { GrantContext, TokenResponse } from './types.js';

export const grantType = 'client_credentials';
export const parameters = ['scope', 'resource', 'resource_type'] as const;

function checkClientMayUseGrant(ctx: GrantContext): void {
  if (!ctx.client.grant_types.includes(grantType)) throw new OAuthError('unauthorized_client', 'this client may not use the client_credentials grant');
}

function buildTokenInput(ctx: GrantContext): PolicyInput {
  const scopes = parseScope(single(ctx.params, 'scope'));
  const indicators = parseResourceIndicators(all(ctx.params, 'resource'), ctx.isKnownIndicator);
  const types = parseResourceTypes(all(ctx.params, 'resource_type'));
  return {
    resources: ctx.resolveResources(indicators, types),
    scopes,
    subject: null,
    context: { phase: 'token', grant_type: grantType, client: policyClient(ctx.client), environment: ctx.environment },
  };
}

function lifetime(ctx: GrantContext, ttl: number): number {
  return Math.min(ttl > 0 ? ttl : ctx.defaultTtl, ctx.maxTtl);
}

export async function handler(ctx: GrantContext): Promise<TokenResponse> {
  checkClientMayUseGrant(ctx);
  const input = buildTokenInput(ctx);
  const decided = await ctx.decide(input);
  if (!decided.decision.allow) {
    throw new OAuthError('access_denied', decided.decision.reason ? `policy denied the request: ${decided.decision.reason}` : 'policy denied the request');
  }
  // Policy intersects scopes itself; granting only what was asked (when anything was) is a second fence.
  const scopes = input.scopes.length > 0 ? intersectScopes(decided.decision.scopes, input.scopes) : decided.decision.scopes;
  const ttl = lifetime(ctx, decided.decision.ttl);
  const accessToken = await ctx.mint(input, decided, scopes, ttl);
  const res: TokenResponse = { access_token: accessToken, token_type: ctx.dpopJkt !== undefined ? 'DPoP' : 'Bearer', expires_in: ttl };
  if (scopes.length > 0) res.scope = formatScope(scopes);
  return res;
}

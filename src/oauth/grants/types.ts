// What every grant module exports and what the token endpoint hands a grant.
import type { ClientRecord } from '../client.js';
import type { Params } from '../params.js';
import type { Decision, Environment, PolicyInput, PolicyResource } from '../policy-input.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope?: string;
}

export interface Decided {
  decision: Decision;
  decisionId: string;
  version: string;
  /** The input as the JSON text policy was given, when the pool reports it (kept in the token record). */
  inputJson?: string;
}

/** What a grant may do: look up resource servers, ask policy, mint. Supplied by the client actor. */
export interface GrantContext {
  client: ClientRecord;
  params: Params;
  environment: Environment;
  /** Maps indicators and types to the policy's resources; throws invalid_target for unknown ones. */
  resolveResources(indicators: string[], types: string[]): PolicyResource[];
  /** True for an indicator a resource server is registered with (checked when it was registered). */
  isKnownIndicator(indicator: string): boolean;
  decide(input: PolicyInput): Promise<Decided>;
  /** The thumbprint of the DPoP proof's key when the request carried a verified proof (RFC 9449 §5). */
  dpopJkt?: string;
  /** Stores the token record and returns the token. */
  mint(input: PolicyInput, decided: Decided, scopes: string[], ttl: number): Promise<string>;
  defaultTtl: number;
  maxTtl: number;
}

export interface Grant {
  grantType: string;
  /** Parameters the grant reads (others are ignored, RFC 6749 §3.2). */
  parameters: readonly string[];
  handler(ctx: GrantContext): Promise<TokenResponse>;
}

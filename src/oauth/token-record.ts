// What the token actor stores for an access token, keyed by the token's SHA-256 (never the token).
import type { Decision, PolicyInput, PolicyResource } from './policy-input.js';

export interface TokenRecord {
  client_id: string;
  /** `DPoP` when bound to a proof key (RFC 9449 §5), then `cnf` holds the key's thumbprint. */
  token_type: 'Bearer' | 'DPoP';
  cnf?: { jkt: string };
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  scope: string[];
  /** Resource indicators the token is bound to (RFC 8707); empty when none was requested. */
  aud: string[];
  /** Ids of the resource servers behind `aud`. */
  servers: string[];
  resources: PolicyResource[];
  jit_single_use: boolean;
  decision_id: string;
  policy_version: string;
  input: PolicyInput;
  /**
   * `input` as the JSON text policy was given, when known: stored in KV in place of `input` (./token-record-wire.ts),
   * so minting never encodes the largest part of a record a second time.
   */
  input_json?: string;
  decision: Decision;
  revoked_at?: number;
  consumed_at?: number;
}

export type TokenState = 'active' | 'expired' | 'revoked' | 'consumed';

export function tokenState(r: TokenRecord, nowSec: number): TokenState {
  if (r.revoked_at !== undefined) return 'revoked';
  if (r.consumed_at !== undefined) return 'consumed';
  if (r.exp <= nowSec) return 'expired';
  return 'active';
}

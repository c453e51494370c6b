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
  /**
   * The issuance decision's policy input: as a value, or as the JSON text policy was given (`input_json`;
   * one of the two is always there). A record minted here keeps only the text: one string instead of a
   * tree of objects per cached record (less for the collector to trace), stored in KV as it is
   * (./token-record-wire.ts). Read it with `recordInput`.
   */
  input?: PolicyInput;
  input_json?: string;
  decision: Decision;
  revoked_at?: number;
  consumed_at?: number;
}

/**
 * The record's issuance input as a value: parsed from `input_json` on each call when that is all it has,
 * and not kept (introspection encodes what it needs of it once per record, see ./introspection.ts).
 */
export function recordInput(r: TokenRecord): PolicyInput {
  if (r.input !== undefined) return r.input;
  if (r.input_json === undefined) throw new TypeError('token record without its policy input');
  return JSON.parse(r.input_json) as PolicyInput;
}

export type TokenState = 'active' | 'expired' | 'revoked' | 'consumed';

export function tokenState(r: TokenRecord, nowSec: number): TokenState {
  if (r.revoked_at !== undefined) return 'revoked';
  if (r.consumed_at !== undefined) return 'consumed';
  if (r.exp <= nowSec) return 'expired';
  return 'active';
}

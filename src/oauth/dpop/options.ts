// DPoP (RFC 9449) verification options, each with its default.
import type { KeyLike } from 'jose';
import type { ExpiringCache } from '../fetch/index.js';
import type { ReplayStore } from '../replay/index.js';
import type { DpopNonces } from './dpop-nonces.js';

/** Asymmetric JWS algorithms accepted in proofs (RFC 9449 §4.3 item 5: never `none`, never a MAC).
 * `Ed25519` is RFC 9864's fully-specified name for EdDSA over Ed25519, which current clients (oauth4webapi)
 * sign with; the polymorphic `EdDSA` (RFC 8037) stays accepted. */
export const defaultDpopAlgorithms: readonly string[] = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'Ed25519', 'EdDSA'];

export interface DpopOptions {
  /** Allowed `alg` values (default: defaultDpopAlgorithms; `dpop_signing_alg_values_supported` in RFC 8414 metadata). */
  algorithms?: readonly string[];
  /** Oldest proof accepted, seconds since its `iat` (RFC 9449 §11.1; default 60). */
  maxAgeSec?: number;
  /** How far a proof's `iat` may lie in the future, seconds (clock skew; default 5). */
  clockSkewSec?: number;
  /** Longest proof accepted, bytes (default 8,192). */
  maxProofBytes?: number;
  /** Where proof `jti`s are remembered until the proof could no longer be accepted (shared across hosts). */
  replay: ReplayStore;
  /** Server nonces (RFC 9449 §8); when set with `requireNonce`, a proof without a current nonce gets `use_dpop_nonce`. */
  nonces?: DpopNonces;
  /** Require a server nonce in every proof (default false). */
  requireNonce?: boolean;
  /**
   * Imported proof keys by `<alg>:<jkt>`, so a client's key is imported once, not per proof (importing
   * costs about as much as half a signature check). Suggested bound 10,000; none: import every time.
   */
  keyCache?: ExpiringCache<KeyLike | Uint8Array>;
  /** The clock, epoch ms (tests freeze it). */
  now?: () => number;
}

export const defaultDpopLimits = { maxAgeSec: 60, clockSkewSec: 5, maxProofBytes: 8_192 } as const;

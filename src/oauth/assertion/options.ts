// private_key_jwt (RFC 7523 §3, RFC 7521 §4.2) verification options, each with its default.
import type { JwksCache } from '../fetch/index.js';
import type { ReplayStore } from '../replay/index.js';

/** RFC 7523 §2.2: the only client_assertion_type accepted. */
export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric algorithms accepted (`token_endpoint_auth_signing_alg_values_supported`, RFC 8414 §2).
 * `Ed25519` is RFC 9864's fully-specified name for EdDSA over Ed25519, which current clients (oauth4webapi)
 * sign with; the polymorphic `EdDSA` (RFC 8037) stays accepted. */
export const defaultAssertionAlgorithms: readonly string[] = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'Ed25519', 'EdDSA'];

export interface AssertionOptions {
  /**
   * Values `aud` may hold to identify this server (RFC 7523 §3 item 3): the issuer identifier and the URL
   * of the endpoint the assertion was sent to (token, introspection, revocation, registration).
   */
  audiences: readonly string[];
  /** Keys of clients, inline or by jwks_uri. */
  keys: JwksCache;
  /** Where assertion `jti`s are remembered until `exp` (shared across hosts). */
  replay: ReplayStore;
  /** Allowed `alg` values (default: defaultAssertionAlgorithms). */
  algorithms?: readonly string[];
  /** Longest assertion lifetime accepted, seconds from now (and from iat) to exp (default 300). */
  maxLifetimeSec?: number;
  /** Clock skew tolerated on exp, nbf and iat, seconds (default 30). */
  clockSkewSec?: number;
  /** Longest assertion accepted, bytes (default 8,192). */
  maxAssertionBytes?: number;
  /** The clock, epoch ms. */
  now?: () => number;
}

export const defaultAssertionLimits = { maxLifetimeSec: 300, clockSkewSec: 30, maxAssertionBytes: 8_192 } as const;

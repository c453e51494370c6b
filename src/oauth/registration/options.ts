// What dynamic registration (RFC 7591) accepts, each with its default.

export type RegisteredAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface MetadataRules {
  /** `token_endpoint_auth_methods_supported` (RFC 8414 §2). */
  authMethods: readonly RegisteredAuthMethod[];
  /** `grant_types_supported` (RFC 8414 §2). */
  grantTypes: readonly string[];
  /**
   * grant_types when the request names none. RFC 7591 §2 says `authorization_code`; Portcullis issues
   * client-credentials tokens only so far, so the default here is `client_credentials`.
   */
  defaultGrantTypes: readonly string[];
  /** Algorithms a client may register as token_endpoint_auth_signing_alg. */
  signingAlgorithms: readonly string[];
  /** Most redirect_uris (default 20), contacts (default 10) and keys in an inline jwks (default 10). */
  maxRedirectUris: number;
  maxContacts: number;
  maxJwks: number;
  /** Longest string field, characters (default 2,000). */
  maxStringLength: number;
}

export const defaultMetadataRules: MetadataRules = {
  authMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
  grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
  defaultGrantTypes: ['client_credentials'],
  signingAlgorithms: ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'Ed25519', 'EdDSA'],
  maxRedirectUris: 20,
  maxContacts: 10,
  maxJwks: 10,
  maxStringLength: 2_000,
};

/** Software statement verification (RFC 7591 §2.3), each with its default. */
export interface StatementLimits {
  /** Algorithms a statement may be signed with. */
  algorithms: readonly string[];
  /** Clock skew tolerated on exp, nbf and iat, seconds (default 60). */
  clockSkewSec: number;
  /** Oldest statement accepted by its iat, seconds; 0 = no bound (default 0). */
  maxAgeSec: number;
  /** Require an exp claim (default false: statements are often long-lived). */
  requireExp: boolean;
  /** Longest statement accepted, bytes (default 16,384). */
  maxBytes: number;
}

export const defaultStatementLimits: StatementLimits = {
  algorithms: defaultMetadataRules.signingAlgorithms,
  clockSkewSec: 60,
  maxAgeSec: 0,
  requireExp: false,
  maxBytes: 16_384,
};

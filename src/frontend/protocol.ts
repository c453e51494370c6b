// What the edge needs for issue 6's protocols: DPoP proof checks at /token (shared jti replay store,
// server nonces, a bound cache of imported proof keys), and for POST /register the trusted
// software-statement issuers with a cache of their keys.
import type { KeyLike } from 'jose';
import type { RegistrationService } from '../actors/index.js';
import type { DpopNonces, ExpiringCache, JwksCache, ReplayStore } from '../oauth/index.js';

export interface ProtocolServices {
  /** jti replay store shared by every host (JetStream KV). */
  replay: ReplayStore;
  /** Server nonces (RFC 9449 §8), the same secret on every frontend. */
  nonces: DpopNonces;
  /** Require a nonce in DPoP proofs at /token. */
  requireNonce: boolean;
  /** Oldest DPoP proof accepted, seconds since its iat. */
  dpopMaxAgeSec: number;
  /** Imported DPoP proof keys (bounded). */
  proofKeys: ExpiringCache<KeyLike | Uint8Array>;
  /** Keys of clients and software-statement issuers (inline or by URL, fetched within bounds). */
  keys: JwksCache;
  /** data.oauth_config.software_statement_issuers as this process sees it now. */
  trustedIssuers(): unknown;
  /** Registration and management requests, to the client actors. */
  registrations: RegistrationService;
  /** The initial access token POST /register accepts (RFC 7591 §3), if one is configured. */
  initialAccessToken: string | undefined;
}

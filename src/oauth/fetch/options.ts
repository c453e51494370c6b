// Bounds of every outbound fetch Portcullis makes on a client's behalf (JWKS by jwks_uri, Client ID
// Metadata Documents, software-statement issuer keys), each with its default.

export interface FetchBounds {
  /** Largest response body accepted, bytes (default 65,536). */
  maxBytes: number;
  /** Deadline of one fetch from DNS lookup to the last body byte, ms (default 3,000). */
  timeoutMs: number;
  /** Fetches in flight at once per fetcher; more are refused, not queued (default 16). */
  maxInFlight: number;
  /**
   * Hosts, IP addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`) that may be fetched although they are
   * loopback, private, link-local or metadata addresses (default none). A host name here allows whatever
   * it resolves to.
   */
  allowlist: readonly string[];
  /** Accept `http:` URLs (tests against a loopback server only; default false: `https:` only). */
  allowHttp: boolean;
}

export const defaultFetchBounds: FetchBounds = {
  maxBytes: 65_536,
  timeoutMs: 3_000,
  maxInFlight: 16,
  allowlist: [],
  allowHttp: false,
};

/** How long a fetched document is cached when its response does not say (RFC 9111 §4.2), and within what bounds. */
export interface CacheBounds {
  /** Shortest time a document is kept, even with `no-store` or `max-age=0`, ms (default 60,000). */
  minTtlMs: number;
  /** Longest time a document is kept, whatever its headers say, ms (default 86,400,000). */
  maxTtlMs: number;
  /** Time kept when the response has no Cache-Control max-age and no Expires, ms (default 600,000). */
  defaultTtlMs: number;
  /** Documents kept at once (least recently used goes first; default 1,000). */
  maxEntries: number;
}

export const defaultCacheBounds: CacheBounds = {
  minTtlMs: 60_000,
  maxTtlMs: 86_400_000,
  defaultTtlMs: 600_000,
  maxEntries: 1_000,
};

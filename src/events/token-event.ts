// What a token event says: which token (by hash), for which client and resource server, what policy
// decided, and when. Never the token itself.

export interface TokenEvent {
  type: 'issued' | 'revoked' | 'consumed' | 'expired';
  /** Hex SHA-256 of the token. */
  token_hash: string;
  client_id: string;
  /** Resource server id this event is for; null when the token names none. */
  server: string | null;
  scope: string[];
  aud: string[];
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  decision_id: string;
  /** Bundle version that decided at issuance. */
  policy_version?: string;
  /** When the event happened, ms since the epoch. */
  at: number;
}

/** The token record fields an event is made of (src/oauth's TokenRecord has them). */
export interface TokenEventSource {
  client_id: string;
  servers: string[];
  scope: string[];
  aud: string[];
  iat: number;
  exp: number;
  decision_id: string;
  policy_version?: string;
}

/** One event per resource server the token is bound to (one with server null when none). */
export function tokenEventsOf(kind: TokenEvent['type'], hash: string, r: TokenEventSource, at = Date.now()): TokenEvent[] {
  const servers: (string | null)[] = r.servers.length > 0 ? r.servers : [null];
  return servers.map((server) => ({
    type: kind,
    token_hash: hash,
    client_id: r.client_id,
    server,
    scope: r.scope,
    aud: r.aud,
    iat: r.iat,
    exp: r.exp,
    decision_id: r.decision_id,
    ...(r.policy_version !== undefined ? { policy_version: r.policy_version } : {}),
    at,
  }));
}

// ReplayStore: remembers one-time identifiers (a private_key_jwt `jti`, a DPoP proof `jti`) until they
// expire, so the same one is accepted once — on every host, when the store is shared.

export interface ReplayStore {
  /**
   * Records `jti` within `scope` (e.g. `client_assertion:<client_id>`, `dpop:<jkt>`) until `expiresAt`
   * (epoch ms). Resolves true when this is its first use, false when it was seen before and has not
   * expired. Rejects (never resolves true) when the store cannot tell, so a replay is never let through.
   */
  claim(scope: string, jti: string, expiresAt: number): Promise<boolean>;
}

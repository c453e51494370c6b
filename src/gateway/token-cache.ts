// The gateway's bounded memory of tokens: the stored record (with its issuance decision) by the token's
// SHA-256, learnt from token events; and tombstones of tokens revoked, consumed or expired, so a record
// fetched just before a revocation cannot come back to life.
import { BoundedCache } from '../actors/index.js';
import type { TokenRecord } from '../oauth/index.js';

export class TokenCache {
  readonly #records: BoundedCache<string, TokenRecord>;
  readonly #gone: BoundedCache<string, true>;

  constructor(maxEntries: number) {
    this.#records = new BoundedCache(maxEntries);
    this.#gone = new BoundedCache(maxEntries);
  }

  get size(): number {
    return this.#records.size;
  }

  get(hash: string): TokenRecord | undefined {
    return this.#records.get(hash);
  }

  /** Keeps `record` unless the token is already known to be over. */
  remember(hash: string, record: TokenRecord): boolean {
    if (this.#gone.get(hash) || record.revoked_at !== undefined || record.consumed_at !== undefined) return false;
    this.#records.set(hash, record);
    return true;
  }

  forget(hash: string): void {
    this.#records.delete(hash);
    this.#gone.set(hash, true);
  }

  isGone(hash: string): boolean {
    return this.#gone.get(hash) === true;
  }
}

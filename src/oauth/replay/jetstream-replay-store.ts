// JetStreamReplayStore: a ReplayStore over a JetStream KV bucket shared by every host. A claim is a
// create-only put (expected last revision 0), so of two hosts seeing the same jti at once exactly one
// wins. Entries leave the bucket by its max_age; a surviving entry past its own expiry is reclaimed with a
// revision compare-and-set.
import { type KvStore, RevisionConflictError } from '../../bus/index.js';
import { replayKey } from './replay-key.js';
import type { ReplayStore } from './replay-store.js';

/** What a replay entry holds: when it stops mattering, epoch ms. */
export interface ReplayEntry {
  exp: number;
}

export class JetStreamReplayStore implements ReplayStore {
  readonly #kv: KvStore<ReplayEntry>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  /** `maxAgeMs` is the bucket's max_age: no claim may need remembering longer than that. */
  constructor(kv: KvStore<ReplayEntry>, opts: { maxAgeMs: number; now?: () => number }) {
    this.#kv = kv;
    this.#maxAgeMs = opts.maxAgeMs;
    this.#now = opts.now ?? Date.now;
  }

  async claim(scope: string, jti: string, expiresAt: number): Promise<boolean> {
    const now = this.#now();
    if (expiresAt - now > this.#maxAgeMs) {
      throw new TypeError(`a one-time identifier must be remembered ${expiresAt - now} ms, longer than the replay bucket keeps entries (${this.#maxAgeMs} ms)`);
    }
    const key = replayKey(scope, jti);
    try {
      await this.#kv.write(key, { exp: expiresAt }, 0);
      return true;
    } catch (err) {
      if (!(err instanceof RevisionConflictError)) throw err;
    }
    const prior = await this.#kv.get(key);
    if (prior === null) return false; // existed a moment ago: be safe, a replay
    if (prior.value !== null && prior.value.exp > now) return false;
    try {
      await this.#kv.write(key, { exp: expiresAt }, prior.revision);
      return true;
    } catch (err) {
      if (err instanceof RevisionConflictError) return false;
      throw err;
    }
  }
}

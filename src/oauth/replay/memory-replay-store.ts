// MemoryReplayStore: a bounded in-process ReplayStore for unit tests and single-process use. When full of
// unexpired entries it refuses rather than forgetting one (forgetting would let a replay through).
import { OAuthError } from '../errors.js';
import { replayKey } from './replay-key.js';
import type { ReplayStore } from './replay-store.js';

export class MemoryReplayStore implements ReplayStore {
  readonly #max: number;
  readonly #now: () => number;
  readonly #seen = new Map<string, number>();

  constructor(opts: { maxEntries?: number; now?: () => number } = {}) {
    this.#max = opts.maxEntries ?? 100_000;
    if (!Number.isInteger(this.#max) || this.#max < 1) throw new TypeError(`maxEntries must be a positive integer, got ${this.#max}`);
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#seen.size;
  }

  async claim(scope: string, jti: string, expiresAt: number): Promise<boolean> {
    const now = this.#now();
    const key = replayKey(scope, jti);
    const prior = this.#seen.get(key);
    if (prior !== undefined && prior > now) return false;
    this.#seen.delete(key);
    if (this.#seen.size >= this.#max) this.#sweep(now);
    if (this.#seen.size >= this.#max) throw new OAuthError('temporarily_unavailable', 'too many one-time identifiers in use; try again shortly');
    this.#seen.set(key, expiresAt);
    return true;
  }

  #sweep(now: number): void {
    for (const [k, exp] of this.#seen) if (exp <= now) this.#seen.delete(k);
  }
}

// What a host without actors (role `frontend`) knows of the actor hosts: it reads the leases bucket on
// a timer and counts the shards that have a live owner, so its /readyz says "not ready" while no actor
// host serves some shard — every request routed there would only wait for its deadline.
import type { KV } from '@nats-io/kv';
import type { ActorKind } from '../bus/index.js';
import { coveredShards, liveHostsOf, readLeaseTable } from './leases.js';

export interface LeaseCoverageOptions {
  kv: KV;
  kinds: readonly ActorKind[];
  shards: number;
  /** How often the bucket is read, ms. */
  intervalMs: number;
  now?: () => number;
}

export class LeaseCoverage {
  readonly #o: LeaseCoverageOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> = Promise.resolve();
  #covered = 0;
  #liveHosts = 0;
  /** When the bucket was last read, ms. */
  #lastRead = Number.NEGATIVE_INFINITY;

  constructor(opts: LeaseCoverageOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  get covered(): number {
    return this.#covered;
  }

  get total(): number {
    return this.#o.shards * this.#o.kinds.length;
  }

  get liveHosts(): number {
    return this.#liveHosts;
  }

  /** Reads once now, then on the timer. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.#reading = this.#reading.then(() => this.refresh()).catch(() => undefined);
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  /**
   * One read of the bucket (tests call it instead of waiting). A read that fails keeps the last counts for
   * a few rounds (one failed listing is not an outage); past that, nothing counts as covered.
   */
  async refresh(): Promise<void> {
    const now = this.#now();
    const leases = await readLeaseTable(this.#o.kv);
    if (leases === null) {
      if (now - this.#lastRead > this.#o.intervalMs * 4) {
        this.#covered = 0;
        this.#liveHosts = 0;
      }
      return;
    }
    this.#lastRead = now;
    const live = liveHostsOf(leases, now);
    this.#liveHosts = live.size;
    this.#covered = coveredShards(leases, this.#o.kinds, this.#o.shards, now, live);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

// Announces `expired` token events from the host that owns the token's shard: a bounded min-heap of
// (exp, hash, resource server) for the tokens its shards mint or load, one timer for the earliest, and
// the `expired` event published (acknowledged, retried, deduplicated by id) when it is due. No message per
// token waits in nats-server and no host reads its own `issued` events back.
// A shard's new owner catches up: when it first sees the shard owned, it replays the token event stream
// of the last `windowMs` (the longest token lifetime) once, at most `maxCatchUp` events per replay, and
// tracks that shard's tokens not revoked, consumed or expired there. Bounds: `maxTracked` tokens (past it,
// new ones are not tracked and counted as `untracked`: their `expired` event is the gap).
import type { BusConnection } from '../bus/index.js';
import { subscribeTokenEvents } from './subscribe.js';
import { type TokenEvent, type TokenEventSource, tokenEventsOf } from './token-event.js';

/** Where `expired` events go: src/events' TokenEventPublisher. */
export interface ExpiredEventSink {
  publishEvent(e: TokenEvent): void;
}

export interface OwnerExpiryOptions {
  /** The token actor kind's shard of a token hash. */
  shardOf: (hash: string) => number;
  /** Whether this host owns a token shard now; polled every `pollMs` to notice shards gained and lost. */
  owns: (shard: number) => boolean;
  shards: number;
  /** Longest token lifetime, ms: how far back a new owner replays the stream; default 1 day. */
  windowMs?: number;
  /** Tokens tracked at once; default 1 000 000. */
  maxTracked?: number;
  /** Messages (of one or more events) one catch-up replay reads at most; default 1 000 000. */
  maxCatchUp?: number;
  /** Ownership poll, ms; default 1 000. */
  pollMs?: number;
  log?: (line: string) => void;
}

interface Tracked {
  exp: number;
  hash: string;
  /** One per resource server, as the `issued` events were. */
  events: TokenEvent[];
}

export class OwnerExpiryAnnouncer {
  readonly #sink: ExpiredEventSink;
  readonly #bus: BusConnection | undefined;
  readonly #o: Required<Omit<OwnerExpiryOptions, 'log'>>;
  readonly #log: (line: string) => void;
  /** hash → what fires for it; a heap item whose entry is no longer here is stale and skipped. */
  readonly #byHash = new Map<string, Tracked>();
  #heap: Tracked[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #poll: NodeJS.Timeout | undefined;
  readonly #owned = new Set<number>();
  announced = 0;
  untracked = 0;
  catchUps = 0;
  errors = 0;

  /** `bus` is for the catch-up replay; without it a new owner tracks only what it mints or loads. */
  constructor(sink: ExpiredEventSink, bus: BusConnection | undefined, opts: OwnerExpiryOptions) {
    this.#sink = sink;
    this.#bus = bus;
    this.#o = {
      shardOf: opts.shardOf,
      owns: opts.owns,
      shards: opts.shards,
      windowMs: opts.windowMs ?? 86_400_000,
      maxTracked: opts.maxTracked ?? 1_000_000,
      maxCatchUp: opts.maxCatchUp ?? 1_000_000,
      pollMs: opts.pollMs ?? 1000,
    };
    this.#log = opts.log ?? ((line) => console.error(line));
  }

  get tracked(): number {
    return this.#byHash.size;
  }

  start(): void {
    this.#checkOwnership();
    this.#poll = setInterval(() => this.#checkOwnership(), this.#o.pollMs);
    this.#poll.unref();
  }

  stop(): void {
    clearInterval(this.#poll);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#byHash.clear();
    this.#heap = [];
    this.#owned.clear();
  }

  /** A token this host's shard minted or loaded; ended tokens (revoked, consumed) are forgotten instead. */
  track(hash: string, record: TokenEventSource & { revoked_at?: number; consumed_at?: number }): void {
    if (record.revoked_at !== undefined || record.consumed_at !== undefined) {
      this.forget(hash);
      return;
    }
    if (this.#byHash.has(hash)) return;
    this.#add(hash, record.exp, tokenEventsOf('expired', hash, record, 0));
  }

  /** The token was revoked or consumed: its event said so, no `expired` follows. */
  forget(hash: string): void {
    this.#byHash.delete(hash);
  }

  /** The shard moved away: its next owner announces its tokens. */
  releaseShard(shard: number): void {
    this.#owned.delete(shard);
    for (const [hash] of this.#byHash) if (this.#o.shardOf(hash) === shard) this.#byHash.delete(hash);
  }

  #add(hash: string, exp: number, events: TokenEvent[]): void {
    if (this.#byHash.size >= this.#o.maxTracked) {
      this.untracked++;
      return;
    }
    const t: Tracked = { exp, hash, events };
    this.#byHash.set(hash, t);
    // Forgotten tokens leave stale heap items; rebuild when they outnumber the live ones.
    if (this.#heap.length > 2 * this.#byHash.size + 1024) {
      this.#heap = [];
      for (const live of this.#byHash.values()) this.#push(live);
    } else this.#push(t);
    if (exp * 1000 < this.#timerAt) this.#arm();
  }

  #arm(): void {
    this.#dropStale();
    const top = this.#heap[0];
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (!top) return;
    const at = top.exp * 1000;
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.min(at - Date.now() + 1, 2_147_000_000)));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (;;) {
      this.#dropStale();
      const top = this.#heap[0];
      if (!top || top.exp * 1000 > now) break;
      this.#pop();
      this.#byHash.delete(top.hash);
      for (const e of top.events) {
        e.at = now;
        this.#sink.publishEvent(e);
        this.announced++;
      }
    }
    this.#arm();
  }

  #dropStale(): void {
    while (this.#heap.length > 0 && this.#byHash.get((this.#heap[0] as Tracked).hash) !== this.#heap[0]) this.#pop();
  }

  #checkOwnership(): void {
    const gained: number[] = [];
    for (let s = 0; s < this.#o.shards; s++) {
      const owns = this.#o.owns(s);
      if (owns && !this.#owned.has(s)) {
        this.#owned.add(s);
        gained.push(s);
      } else if (!owns && this.#owned.has(s)) this.releaseShard(s);
    }
    if (gained.length > 0 && this.#bus) {
      this.#catchUp(new Set(gained)).catch((err: unknown) => {
        this.errors++;
        for (const s of gained) this.#owned.delete(s); // try again at the next poll
        this.#log(`portcullis: expiry catch-up failed: ${(err as Error).message}`);
      });
    }
  }

  /** Replays the stream's last `windowMs` once and tracks the gained shards' tokens still to expire. */
  async #catchUp(shards: Set<number>): Promise<void> {
    if (!this.#bus) return;
    this.catchUps++;
    const sub = await subscribeTokenEvents(this.#bus, { since: Date.now() - this.#o.windowMs });
    try {
      let left = Math.min(sub.backlog, this.#o.maxCatchUp);
      if (left === 0) return;
      const found = new Map<string, TokenEvent[] | null>();
      // `left` counts messages (the backlog's unit); a message may carry several events.
      for await (const { event, index, of } of sub) {
        if (shards.has(this.#o.shardOf(event.token_hash))) {
          const h = event.token_hash;
          if (event.type === 'issued') {
            const prior = found.get(h);
            if (prior !== null) {
              const e: TokenEvent = { ...event, type: 'expired', at: 0 };
              if (prior) prior.push(e);
              else found.set(h, [e]);
            }
          } else found.set(h, null); // revoked, consumed or already expired
        }
        if (index === of - 1 && --left === 0) break;
      }
      const nowSec = Date.now() / 1000;
      for (const [hash, events] of found) {
        const first = events?.[0];
        // Tokens that expired before this owner came are announced too, unless their `expired` is stored.
        if (!first || this.#byHash.has(hash) || !this.#owned.has(this.#o.shardOf(hash))) continue;
        if (first.exp > nowSec - this.#o.windowMs / 1000) this.#add(hash, first.exp, events);
      }
    } finally {
      sub.stop();
    }
  }

  #push(t: Tracked): void {
    const h = this.#heap;
    let i = h.push(t) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((h[p] as Tracked).exp <= t.exp) break;
      h[i] = h[p] as Tracked;
      i = p;
    }
    h[i] = t;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop() as Tracked;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && (h[r] as Tracked).exp < (h[l] as Tracked).exp ? r : l;
      if ((h[c] as Tracked).exp >= last.exp) break;
      h[i] = h[c] as Tracked;
      i = c;
    }
    h[i] = last;
  }
}

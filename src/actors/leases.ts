// Shard ownership by leases in a KV bucket. Each host heartbeats `host.<id>`; each shard has a lease
// `<kind>.<shard>` = { host, expires } that its owner renews by revision compare-and-set. A host takes
// free or expired shards up to its fair share (shards ÷ live hosts) and hands back any above it, so
// shards spread as hosts join and move to survivors when one leaves or dies.
import type { KV } from '@nats-io/kv';
import { type ActorKind, RevisionConflictError, hostKey, leaseKey } from '../bus/index.js';

export interface LeaseValue {
  host: string;
  /** Epoch ms after which the lease is free to take. */
  expires: number;
}

export interface ShardLeasesOptions {
  kv: KV;
  hostId: string;
  kinds: readonly ActorKind[];
  shards: number;
  /** Lease lifetime, ms. */
  ttlMs: number;
  /** How often leases and the heartbeat are renewed and shares rebalanced, ms (well under ttlMs). */
  renewMs: number;
  /** Called when this host gains a shard; it starts serving it once this resolves. */
  onAcquire(kind: ActorKind, shard: number): Promise<void> | void;
  /** Called when this host loses or hands back a shard; it must stop serving it. */
  onRelease(kind: ActorKind, shard: number): void;
  now?: () => number;
}

interface Owned {
  kind: ActorKind;
  shard: number;
  revision: number;
  expires: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeLease(v: LeaseValue): Uint8Array {
  return encoder.encode(JSON.stringify(v));
}

function decodeLease(bytes: Uint8Array): LeaseValue | null {
  try {
    const v = JSON.parse(decoder.decode(bytes)) as Partial<LeaseValue>;
    return typeof v.host === 'string' && typeof v.expires === 'number' ? { host: v.host, expires: v.expires } : null;
  } catch {
    return null;
  }
}

/** The leases bucket as one read: lease and heartbeat keys with their values (null: deleted or unreadable). */
export type LeaseTable = Map<string, { value: LeaseValue | null; revision: number }>;

/** Null when the bucket could not be listed (NATS away, a cluster electing): not the same as no leases. */
export async function readLeaseTable(kv: KV): Promise<LeaseTable | null> {
  const out: LeaseTable = new Map();
  const keys: string[] = [];
  try {
    for await (const k of await kv.keys()) keys.push(k);
  } catch {
    return null;
  }
  await Promise.all(
    keys.map(async (k) => {
      const e = await kv.get(k).catch(() => null);
      if (e) out.set(k, { value: e.operation === 'PUT' ? decodeLease(e.value) : null, revision: e.revision });
    }),
  );
  return out;
}

/** Hosts whose heartbeat (`host.<id>`) has not expired. */
export function liveHostsOf(leases: LeaseTable, now: number): Set<string> {
  const live = new Set<string>();
  for (const [key, v] of leases) if (key.startsWith('host.') && v.value && v.value.expires > now) live.add(v.value.host);
  return live;
}

/** Shards with an unexpired lease held by a live host (or held here, in `owned`). */
export function coveredShards(leases: LeaseTable, kinds: readonly ActorKind[], shards: number, now: number, live: ReadonlySet<string>, owned?: ReadonlyMap<string, unknown>): number {
  let covered = 0;
  for (const kind of kinds) {
    for (let s = 0; s < shards; s++) {
      const key = leaseKey(kind, s);
      const cur = leases.get(key)?.value;
      if (owned?.has(key) || (cur && cur.expires > now && live.has(cur.host))) covered++;
    }
  }
  return covered;
}

export class ShardLeases {
  readonly #o: ShardLeasesOptions;
  readonly #now: () => number;
  /** owned shards by lease key */
  readonly #owned = new Map<string, Owned>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> = Promise.resolve();
  #stopped = false;
  #liveHosts = 1;
  #covered = 0;

  constructor(opts: ShardLeasesOptions) {
    if (opts.renewMs * 2 > opts.ttlMs) throw new TypeError('renewMs must be at most half of ttlMs');
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Takes this host's first share and starts renewing. */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => {
      this.#ticking = this.#ticking.then(() => this.tick()).catch(() => undefined);
    }, this.#o.renewMs);
    this.#timer.unref();
  }

  owns(kind: ActorKind, shard: number): boolean {
    const o = this.#owned.get(leaseKey(kind, shard));
    return o !== undefined && o.expires > this.#now();
  }

  ownedCount(kind?: ActorKind): number {
    let n = 0;
    for (const k of this.#owned.keys()) if (!kind || k.startsWith(`${kind}.`)) n++;
    return n;
  }

  get liveHosts(): number {
    return this.#liveHosts;
  }

  /** Shards (of all kinds) that had a live owner at the last round, this host's included. */
  get covered(): number {
    return this.#covered;
  }

  get total(): number {
    return this.#o.shards * this.#o.kinds.length;
  }

  /** One round: heartbeat, renew, count live hosts, take up to the fair share, hand back extras. */
  async tick(): Promise<void> {
    if (this.#stopped) return;
    const { kv, hostId, kinds, shards, ttlMs } = this.#o;
    const now = this.#now();
    await kv.put(hostKey(hostId), encodeLease({ host: hostId, expires: now + ttlMs })).catch(() => undefined);
    await Promise.all([...this.#owned.keys()].map((key) => this.#renew(key, now)));
    const leases = (await readLeaseTable(kv)) ?? new Map();
    const live = liveHostsOf(leases, now).add(hostId);
    this.#liveHosts = live.size;
    const share = Math.ceil(shards / live.size);
    for (const kind of kinds) {
      const mine = [...this.#owned.keys()].filter((k) => k.startsWith(`${kind}.`));
      if (mine.length < share) {
        const free: string[] = [];
        for (let s = 0; s < shards; s++) {
          const key = leaseKey(kind, s);
          if (this.#owned.has(key)) continue;
          const cur = leases.get(key);
          if (!cur || !cur.value || cur.value.expires <= now || cur.value.host === hostId || !live.has(cur.value.host)) free.push(key);
        }
        const want = free.slice(0, share - mine.length);
        await Promise.all(want.map((key) => this.#acquire(kind, key, leases.get(key)?.revision ?? 0, now)));
      } else if (mine.length > share && live.size > 1) {
        await Promise.all(mine.slice(share).map((key) => this.#release(key)));
      }
    }
    this.#covered = coveredShards(leases, kinds, shards, now, live, this.#owned);
  }

  async #renew(key: string, now: number): Promise<void> {
    const o = this.#owned.get(key);
    if (!o) return;
    try {
      const revision = await this.#o.kv.update(key, encodeLease({ host: this.#o.hostId, expires: now + this.#o.ttlMs }), o.revision);
      this.#owned.set(key, { ...o, revision, expires: now + this.#o.ttlMs });
    } catch (err) {
      // Lost to another host (revision moved), or cannot reach NATS past the lease's end: stop serving.
      if (err instanceof RevisionConflictError || isWrongSequence(err) || o.expires <= this.#now()) this.#lose(key);
    }
  }

  async #acquire(kind: ActorKind, key: string, revision: number, now: number): Promise<void> {
    const value = encodeLease({ host: this.#o.hostId, expires: now + this.#o.ttlMs });
    let rev: number;
    try {
      rev = revision > 0 ? await this.#o.kv.update(key, value, revision) : await this.#o.kv.create(key, value);
    } catch {
      return; // someone else was faster; the next round sees it
    }
    const shard = Number(key.slice(kind.length + 1));
    this.#owned.set(key, { kind, shard, revision: rev, expires: now + this.#o.ttlMs });
    try {
      await this.#o.onAcquire(kind, shard);
    } catch {
      this.#lose(key);
    }
  }

  async #release(key: string): Promise<void> {
    const o = this.#owned.get(key);
    if (!o) return;
    this.#owned.delete(key);
    this.#o.onRelease(o.kind, o.shard);
    await this.#o.kv.delete(key, { previousSeq: o.revision }).catch(() => undefined);
  }

  #lose(key: string): void {
    const o = this.#owned.get(key);
    if (!o) return;
    this.#owned.delete(key);
    this.#o.onRelease(o.kind, o.shard);
  }

  /** Stops renewing and hands every shard back at once, so a successor need not wait for expiry. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#ticking.catch(() => undefined);
    await Promise.all([...this.#owned.keys()].map((key) => this.#release(key)));
    await this.#o.kv.delete(hostKey(this.#o.hostId)).catch(() => undefined);
  }

  /** Forgets every lease without handing any back (what a crash looks like to the others; tests). */
  abandon(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const key of [...this.#owned.keys()]) this.#lose(key);
  }
}

function isWrongSequence(err: unknown): boolean {
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}

// An actor host: holds shard leases, serves each owned shard's subject, and hands messages to the
// behaviour of their actor kind. Requests from this process for a shard it owns skip NATS entirely.
import type { KV } from '@nats-io/kv';
import type { Subscription } from '@nats-io/transport-node';
import { type ActorKind, type BusConnection, actorKinds, actorQueueGroup, actorShardSubject, serve } from '../bus/index.js';
import { ShardLeases } from './leases.js';

/** What an actor kind does with a message for one key, and what it forgets when a shard moves away. */
export interface ActorBehavior {
  handle(key: string, msg: unknown): Promise<unknown>;
  releaseShard(shard: number): void;
  /** Forgets everything at once (host stopping); cheaper than shard by shard. */
  releaseAll?(): void;
}

/** Over the bus a shard request carries the key and the kind's message. */
export interface ShardRequest {
  key: string;
  msg: unknown;
}

export interface ActorHostOptions {
  bus: BusConnection;
  leasesKv: KV;
  hostId: string;
  shards: number;
  leaseTtlMs: number;
  leaseRenewMs: number;
  behaviors: Record<ActorKind, ActorBehavior>;
  onError?: (err: unknown) => void;
}

export class ActorHost {
  readonly hostId: string;
  readonly shards: number;
  readonly #o: ActorHostOptions;
  readonly #subs = new Map<string, Subscription>();
  readonly #leases: ShardLeases;
  #stopping = false;

  constructor(opts: ActorHostOptions) {
    this.#o = opts;
    this.hostId = opts.hostId;
    this.shards = opts.shards;
    this.#leases = new ShardLeases({
      kv: opts.leasesKv,
      hostId: opts.hostId,
      kinds: actorKinds,
      shards: opts.shards,
      ttlMs: opts.leaseTtlMs,
      renewMs: opts.leaseRenewMs,
      onAcquire: (kind, shard) => this.#serveShard(kind, shard),
      onRelease: (kind, shard) => this.#stopShard(kind, shard),
    });
  }

  start(): Promise<void> {
    return this.#leases.start();
  }

  owns(kind: ActorKind, shard: number): boolean {
    return this.#leases.owns(kind, shard);
  }

  ownedCount(kind?: ActorKind): number {
    return this.#leases.ownedCount(kind);
  }

  get liveHosts(): number {
    return this.#leases.liveHosts;
  }

  /** Shards with a live owner at the last lease round, and how many there are. */
  coverage(): { covered: number; total: number } {
    return { covered: this.#leases.covered, total: this.#leases.total };
  }

  /** Runs a message for `key` here (the caller checked that this host owns its shard). */
  dispatch(kind: ActorKind, key: string, msg: unknown): Promise<unknown> {
    return this.#o.behaviors[kind].handle(key, msg);
  }

  /** One lease round now (tests use it instead of waiting for the timer). */
  rebalance(): Promise<void> {
    return this.#leases.tick();
  }

  async #serveShard(kind: ActorKind, shard: number): Promise<void> {
    const subject = actorShardSubject(kind, shard);
    if (this.#subs.has(subject)) return;
    const behavior = this.#o.behaviors[kind];
    this.#subs.set(
      subject,
      serve<ShardRequest, unknown>(this.#o.bus, subject, actorQueueGroup, (req) => behavior.handle(req.key, req.msg), this.#o.onError),
    );
    await this.#o.bus.nc.flush();
  }

  #stopShard(kind: ActorKind, shard: number): void {
    const subject = actorShardSubject(kind, shard);
    this.#subs.get(subject)?.unsubscribe();
    this.#subs.delete(subject);
    if (!this.#stopping) this.#o.behaviors[kind].releaseShard(shard);
  }

  #releaseAll(): void {
    for (const b of new Set(Object.values(this.#o.behaviors))) b.releaseAll?.();
  }

  /** Hands every shard back (successors take them at once) and stops serving. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#leases.stop();
    for (const s of this.#subs.values()) s.unsubscribe();
    this.#subs.clear();
    this.#releaseAll();
  }

  /** Stops serving without handing leases back, as a crashed host would (tests of takeover). */
  crash(): void {
    this.#stopping = true;
    this.#leases.abandon();
    for (const s of this.#subs.values()) s.unsubscribe();
    this.#subs.clear();
    this.#releaseAll();
  }
}

// Sends a message to the owner of its key's shard: straight into this process's host when it owns
// the shard, otherwise over NATS to the shard subject, retrying briefly while a shard changes hands.
import { type ActorKind, BusError, type BusConnection, actorShardSubject, request, unavailable } from '../bus/index.js';
import type { ActorHost, ShardRequest } from './host.js';
import { shardOf } from './shards.js';

export interface ActorRouterOptions {
  shards: number;
  /** Deadline for one actor call including retries, ms. */
  timeoutMs: number;
}

const retryDelaysMs = [10, 25, 50, 100, 200, 400];

export class ActorRouter {
  readonly #bus: BusConnection;
  readonly #o: ActorRouterOptions;
  #local: ActorHost | undefined;
  localCalls = 0;
  remoteCalls = 0;

  constructor(bus: BusConnection, opts: ActorRouterOptions) {
    this.#bus = bus;
    this.#o = opts;
  }

  /** The host in this process, if any (roles `actors` and `all`). */
  attach(host: ActorHost | undefined): void {
    this.#local = host;
  }

  shardOf(key: string): number {
    return shardOf(key, this.#o.shards);
  }

  call<R>(kind: ActorKind, key: string, msg: unknown): Promise<R> {
    const shard = shardOf(key, this.#o.shards);
    // The common case on one machine: the owner is here. Straight in, without an async frame of our own
    // (two promise hops per call, and a token request makes two calls).
    const local = this.#local;
    if (local?.owns(kind, shard)) {
      this.localCalls++;
      try {
        // Promise.resolve hands a native promise back as it is: no extra hop.
        return Promise.resolve(local.dispatch(kind, key, msg)) as Promise<R>;
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.#callWithRetries<R>(kind, key, shard, msg);
  }

  async #callWithRetries<R>(kind: ActorKind, key: string, shard: number, msg: unknown): Promise<R> {
    const deadline = Date.now() + this.#o.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (this.#local?.owns(kind, shard)) {
        this.localCalls++;
        return (await this.#local.dispatch(kind, key, msg)) as R;
      }
      const left = deadline - Date.now();
      try {
        this.remoteCalls++;
        return await request<R>(this.#bus, actorShardSubject(kind, shard), { key, msg } satisfies ShardRequest, Math.max(1, left));
      } catch (err) {
        // A last attempt squeezed into the deadline's remainder may time out before "no responders" comes
        // back: that is still the shard having no owner, and callers treat it as such.
        if (attempt > 0 && err instanceof BusError && err.kind === 'timeout') throw unavailable(`no owner answered for ${kind} shard ${shard}`, err);
        const delay = retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)] ?? 400;
        if (!(err instanceof BusError) || err.kind !== 'unavailable' || Date.now() + delay >= deadline) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}

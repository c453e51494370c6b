// The owner's view of one actor kind's records: a bounded in-memory cache in front of a KV bucket,
// written through with the revision last seen, so a stale owner's write fails instead of winning.
import { type KvStore, RevisionConflictError, type Versioned } from '../bus/index.js';
import { BoundedCache } from './bounded-cache.js';
import { shardOf } from './shards.js';

export class RecordStore<T> {
  readonly #kv: KvStore<T>;
  readonly #cache: BoundedCache<string, Versioned<T>>;
  readonly #loading = new Map<string, Promise<Versioned<T> | null>>();
  /**
   * Keys KV did not have, until when (ms): unknown tokens presented again and again cost no KV read.
   * Short-lived, because a previous owner may still have been writing while this one took over.
   */
  readonly #absent: BoundedCache<string, number>;
  readonly #absentTtlMs: number;
  readonly #shards: number;
  hits = 0;
  misses = 0;

  constructor(kv: KvStore<T>, maxEntries: number, shards: number, absentTtlMs = 5000) {
    this.#kv = kv;
    this.#cache = new BoundedCache(maxEntries);
    this.#absent = new BoundedCache(Math.max(1, Math.floor(maxEntries / 4)));
    this.#absentTtlMs = absentTtlMs;
    this.#shards = shards;
  }

  get cached(): number {
    return this.#cache.size;
  }

  /** The record and its revision: from memory, else loaded once from KV (concurrent misses share a load). */
  get(key: string): Promise<Versioned<T> | null> {
    const hit = this.#cache.get(key);
    if (hit) {
      this.hits++;
      return Promise.resolve(hit);
    }
    const absentUntil = this.#absent.get(key);
    if (absentUntil !== undefined) {
      if (absentUntil > Date.now()) return Promise.resolve(null);
      this.#absent.delete(key);
    }
    let loading = this.#loading.get(key);
    if (!loading) {
      this.misses++;
      loading = this.#kv.get(key).then(
        (v) => {
          this.#loading.delete(key);
          if (v) this.#cache.set(key, v);
          else this.#absent.set(key, Date.now() + this.#absentTtlMs);
          return v;
        },
        (err: unknown) => {
          this.#loading.delete(key);
          throw err;
        },
      );
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** Creates `key`; rejects with `RevisionConflictError` if it exists. */
  create(key: string, value: T): Promise<number> {
    return this.write(key, value, 0);
  }

  /** Writes `value` if KV still holds `expected`; on a conflict the cached copy is dropped and reloaded next time. */
  async write(key: string, value: T, expected: number): Promise<number> {
    this.#absent.delete(key);
    try {
      const revision = await this.#kv.write(key, value, expected);
      this.#cache.set(key, { value, revision });
      return revision;
    } catch (err) {
      if (err instanceof RevisionConflictError) this.#cache.delete(key);
      throw err;
    }
  }

  async delete(key: string, expected: number): Promise<number> {
    try {
      const revision = await this.#kv.delete(key, expected);
      this.#cache.set(key, { value: null, revision });
      return revision;
    } catch (err) {
      if (err instanceof RevisionConflictError) this.#cache.delete(key);
      throw err;
    }
  }

  /** Forgets the records of a shard this host no longer owns (its next owner reloads them from KV). */
  releaseShard(shard: number): void {
    this.#cache.deleteWhere((k) => shardOf(k, this.#shards) === shard);
    this.#absent.deleteWhere((k) => shardOf(k, this.#shards) === shard);
  }

  /** Forgets every record (the host is stopping). */
  releaseAll(): void {
    this.#cache.clear();
    this.#absent.clear();
  }

  keys(): Promise<string[]> {
    return this.#kv.keys();
  }
}

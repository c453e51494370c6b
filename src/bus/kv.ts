// A KV bucket holding msgpack values: reads through the nats.js KV client, writes pipelined through
// `JetStreamPipeline` with revision compare-and-set, so a stale writer can never overwrite a newer write.
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/transport-node';
import { headers as makeHeaders } from '@nats-io/transport-node';
import { decode, encode } from './codec.js';
import { unavailable } from './errors.js';
import { JetStreamPipeline } from './pipeline.js';
import { kvPutSubject } from './subjects.js';

/** A value with the revision it was read or written at; `value` null means deleted (revision still counts). */
export interface Versioned<T> {
  value: T | null;
  revision: number;
}

/** How a bucket's values become bytes and back; default msgpack of the value as it is. */
export interface ValueCodec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const msgpackCodec: ValueCodec<never> = { encode, decode };

export class KvStore<T> {
  readonly bucket: string;
  readonly #kv: KV;
  readonly #pipeline: JetStreamPipeline;
  readonly #codec: ValueCodec<T>;

  constructor(bucket: string, kv: KV, pipeline: JetStreamPipeline, codec: ValueCodec<T> = msgpackCodec) {
    this.bucket = bucket;
    this.#kv = kv;
    this.#pipeline = pipeline;
    this.#codec = codec;
  }

  /** Reads the latest value; `null` when the key never existed, `{ value: null }` when deleted. */
  async get(key: string): Promise<Versioned<T> | null> {
    let entry: Awaited<ReturnType<KV['get']>>;
    try {
      entry = await this.#kv.get(key);
    } catch (err) {
      throw unavailable(`KV read of ${this.bucket}/${key} failed`, err);
    }
    if (!entry) return null;
    if (entry.operation !== 'PUT' || entry.length === 0) return { value: null, revision: entry.revision };
    return { value: this.#codec.decode(entry.value), revision: entry.revision };
  }

  /**
   * Writes `value` if the key's last revision is `expected` (0: the key must not exist or be deleted at 0);
   * resolves to the new revision, rejects with `RevisionConflictError` when someone wrote in between.
   */
  write(key: string, value: T, expected: number): Promise<number> {
    return this.#pipeline.publish(kvPutSubject(this.bucket, key), this.#codec.encode(value), JetStreamPipeline.expectRevision(expected), key);
  }

  /** Writes without compare-and-set (last writer wins); only for data with one writer by construction. */
  put(key: string, value: T): Promise<number> {
    return this.#pipeline.publish(kvPutSubject(this.bucket, key), this.#codec.encode(value), undefined, key);
  }

  /** Marks the key deleted, if its last revision is `expected` when given. */
  delete(key: string, expected?: number): Promise<number> {
    const h = makeHeaders();
    if (expected !== undefined) h.set('Nats-Expected-Last-Subject-Sequence', String(expected));
    h.set('KV-Operation', 'DEL');
    return this.#pipeline.publish(kvPutSubject(this.bucket, key), new Uint8Array(0), h, key);
  }

  /** Lists keys (admin paths only: it walks the bucket). */
  async keys(filter = '>'): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const k of await this.#kv.keys(filter)) out.push(k);
    } catch (err) {
      throw unavailable(`KV listing of ${this.bucket} failed`, err);
    }
    return out;
  }

  /** Watches keys matching `filter` from their current values on. */
  watch(filter = '>'): Promise<QueuedIterator<KvWatchEntry>> {
    return this.#kv.watch({ key: filter });
  }

  /** Decodes a watched entry's value (null for deletes). */
  static decodeEntry<V>(entry: KvWatchEntry): V | null {
    if (entry.operation !== 'PUT' || entry.length === 0) return null;
    return decode<V>(entry.value);
  }
}

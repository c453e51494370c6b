// Idempotent creation, at start, of every KV bucket and stream the server uses. Running it again, or
// from many processes at once, changes nothing; an existing bucket is opened as it is.
import type { KV, KvOptions } from '@nats-io/kv';
import type { BusConnection } from './connection.js';
import { unavailable } from './errors.js';
import { type BucketName, buckets, streams, tokenEventsWildcard } from './subjects.js';

export interface ProvisionOptions {
  /** Replicas of every bucket and stream: 1 on a single server, 3 on a cluster. */
  replicas: number;
  /** Storage bound of the tokens bucket (longest token lifetime plus margin), ms. */
  tokensMaxAgeMs: number;
  /** How long token events are kept, ms. */
  tokenEventsMaxAgeMs: number;
}

export type ProvisionedBuckets = Record<BucketName, KV>;

async function ensureBucket(bus: BusConnection, name: string, opts: Partial<KvOptions>): Promise<KV> {
  try {
    return await bus.kvm.create(name, opts);
  } catch (err) {
    // Exists with another configuration (e.g. made by an older version): use it as it is.
    try {
      return await bus.kvm.open(name);
    } catch {
      throw unavailable(`cannot create KV bucket ${name}: ${(err as Error).message}`, err);
    }
  }
}

async function ensureStream(bus: BusConnection, name: string, subjects: string[], maxAgeMs: number, replicas: number): Promise<void> {
  const config = { name, subjects, max_age: maxAgeMs * 1_000_000, num_replicas: replicas };
  try {
    await bus.jsm.streams.info(name);
    return;
  } catch {
    // absent: create below
  }
  try {
    await bus.jsm.streams.add(config);
  } catch (err) {
    try {
      await bus.jsm.streams.info(name); // another process won the race
    } catch {
      throw unavailable(`cannot create stream ${name}: ${(err as Error).message}`, err);
    }
  }
}

export async function provision(bus: BusConnection, opts: ProvisionOptions): Promise<ProvisionedBuckets> {
  const common = { replicas: opts.replicas, history: 1, allow_direct: true };
  const [clients, tokens, leases, policyData] = await Promise.all([
    ensureBucket(bus, buckets.clients, common),
    ensureBucket(bus, buckets.tokens, { ...common, ttl: opts.tokensMaxAgeMs }),
    ensureBucket(bus, buckets.leases, common),
    ensureBucket(bus, buckets.policyData, common),
  ]);
  await ensureStream(bus, streams.tokenEvents, [tokenEventsWildcard], opts.tokenEventsMaxAgeMs, opts.replicas);
  return {
    [buckets.clients]: clients,
    [buckets.tokens]: tokens,
    [buckets.leases]: leases,
    [buckets.policyData]: policyData,
  };
}

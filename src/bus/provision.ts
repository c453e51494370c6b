// Idempotent creation, at start, of every KV bucket and stream the server uses. Running it again, or
// from many processes at once, changes nothing; an existing bucket is opened as it is.
import type { KV, KvOptions } from '@nats-io/kv';
import type { BusConnection } from './connection.js';
import { unavailable } from './errors.js';
import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { type BucketName, auditWildcard, buckets, streams, tokenEventsWildcard } from './subjects.js';

export interface ProvisionOptions {
  /** Replicas of every bucket and stream: 1 on a single server, 3 on a cluster. */
  replicas: number;
  /** Storage bound of the tokens bucket (longest token lifetime plus margin), ms. */
  tokensMaxAgeMs: number;
  /** How long token events are kept, ms. */
  tokenEventsMaxAgeMs: number;
  /** Retention of the audit stream; absent: it is not provisioned here. */
  audit?: AuditStreamRetention;
}

export interface AuditStreamRetention {
  /** Oldest record kept, ms; 0 = no age limit. */
  maxAgeMs: number;
  /** Bytes kept; the oldest records go first; -1 = no limit. */
  maxBytes: number;
  /** JetStream replicas; default 1. */
  replicas?: number;
  /**
   * Window within which an append retried with the same record id is stored once, ms; default 2 min.
   * It bounds how long a retried record may take to reach the stream without being doubled.
   */
  duplicateWindowMs?: number;
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
  if (opts.audit) await ensureAuditStream(bus, { replicas: opts.replicas, ...opts.audit });
  return {
    [buckets.clients]: clients,
    [buckets.tokens]: tokens,
    [buckets.leases]: leases,
    [buckets.policyData]: policyData,
  };
}

const nanos = (ms: number): number => ms * 1_000_000;

/**
 * Creates the audit stream, or brings an existing one's retention (age, size, duplicate window) to the
 * given values: unlike the other streams, its retention is an operator's setting that may change.
 */
export async function ensureAuditStream(bus: BusConnection, retention: AuditStreamRetention): Promise<void> {
  const dupMs = retention.duplicateWindowMs ?? 120_000;
  const window = retention.maxAgeMs > 0 ? Math.min(dupMs, retention.maxAgeMs) : dupMs;
  const name = streams.audit;
  const config = {
    name,
    subjects: [auditWildcard],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(retention.maxAgeMs),
    max_bytes: retention.maxBytes,
    num_replicas: retention.replicas ?? 1,
    duplicate_window: nanos(window),
  };
  let exists = false;
  try {
    const info = await bus.jsm.streams.info(name);
    exists = true;
    const c = info.config;
    if (c.max_age === config.max_age && c.max_bytes === config.max_bytes && c.duplicate_window === config.duplicate_window) return;
    await bus.jsm.streams.update(name, { max_age: config.max_age, max_bytes: config.max_bytes, duplicate_window: config.duplicate_window });
    return;
  } catch (err) {
    if (exists) throw unavailable(`cannot update the retention of stream ${name}: ${(err as Error).message}`, err);
  }
  try {
    await bus.jsm.streams.add(config);
  } catch (err) {
    try {
      await bus.jsm.streams.info(name); // another process made it first
    } catch {
      throw unavailable(`cannot create stream ${name}: ${(err as Error).message}`, err);
    }
  }
}

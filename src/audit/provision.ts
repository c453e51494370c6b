// Creates the audit stream, or brings an existing one's retention to the configured values, at start.
import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { BusConnection } from '../bus/index.js';
import { unavailable } from '../bus/index.js';
import { auditStream, auditWildcard } from './names.js';

export interface AuditRetention {
  /** Oldest record kept, ms; 0 = no age limit. Default 30 days. */
  maxAgeMs?: number;
  /** Bytes kept; the oldest records go first; -1 = no limit. Default -1. */
  maxBytes?: number;
  /** JetStream replicas: 1 on one server, 3 on a cluster. Default 1. */
  replicas?: number;
  /**
   * Window within which an append retried with the same record id is stored once, ms; default 2 min.
   * It bounds how long a retried record may take to reach the stream without being doubled.
   */
  duplicateWindowMs?: number;
}

export const auditRetentionDefaults = { maxAgeMs: 30 * 86_400_000, maxBytes: -1, replicas: 1, duplicateWindowMs: 120_000 } as const;

const ms = (v: number): number => v * 1_000_000;

export async function ensureAuditStream(bus: BusConnection, retention: AuditRetention = {}): Promise<void> {
  const r = { ...auditRetentionDefaults, ...retention };
  const window = r.maxAgeMs > 0 ? Math.min(r.duplicateWindowMs, r.maxAgeMs) : r.duplicateWindowMs;
  const config = {
    name: auditStream,
    subjects: [auditWildcard],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: ms(r.maxAgeMs),
    max_bytes: r.maxBytes,
    num_replicas: r.replicas,
    duplicate_window: ms(window),
  };
  let exists = false;
  try {
    const info = await bus.jsm.streams.info(auditStream);
    exists = true;
    const c = info.config;
    if (c.max_age === config.max_age && c.max_bytes === config.max_bytes && c.duplicate_window === config.duplicate_window) return;
    await bus.jsm.streams.update(auditStream, { max_age: config.max_age, max_bytes: config.max_bytes, duplicate_window: config.duplicate_window });
    return;
  } catch (err) {
    if (exists) throw unavailable(`cannot update the retention of stream ${auditStream}: ${(err as Error).message}`, err);
  }
  try {
    await bus.jsm.streams.add(config);
  } catch (err) {
    try {
      await bus.jsm.streams.info(auditStream); // another process made it first
    } catch {
      throw unavailable(`cannot create stream ${auditStream}: ${(err as Error).message}`, err);
    }
  }
}

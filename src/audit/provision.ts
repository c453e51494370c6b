// Creates the audit stream, or brings an existing one's retention to the configured values. The server
// does this in src/bus's provision(); this entry point with defaults is for tools and tests without one.
import { type BusConnection, ensureAuditStream as ensureStream } from '../bus/index.js';

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

export function ensureAuditStream(bus: BusConnection, retention: AuditRetention = {}): Promise<void> {
  return ensureStream(bus, { ...auditRetentionDefaults, ...retention });
}

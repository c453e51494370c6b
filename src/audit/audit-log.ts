// The writing side of the audit log: every decision becomes one record appended to the audit stream.
// `record()` costs the caller an encode and a push — no round trip; the ReliablePublisher pipelines the
// appends, retries them across a NATS restart, and counts a gap if its buffer bound is ever hit.
import { randomUUID } from 'node:crypto';
import { encode } from '../bus/index.js';
import { auditSubject } from './names.js';
import { type AuditRecord, type DecisionAuditEntry, clientIdOf } from './record.js';
import { type AcknowledgedPublisher, ReliablePublisher, type ReliablePublisherOptions, type ReliablePublisherStats } from './reliable-publisher.js';

export interface AuditLogOptions extends ReliablePublisherOptions {
  /** This host's id, written into every record. */
  host?: string;
  /** False turns the log into a no-op (benchmarks of its cost); default true. */
  enabled?: boolean;
}

export interface AuditLogStats extends ReliablePublisherStats {
  /** Records handed to the log. */
  recorded: number;
  /** Records that could not be encoded (a bug in the caller's data), not sent. */
  unencodable: number;
}

export class AuditLog {
  readonly #publisher: ReliablePublisher;
  readonly #host: string | null;
  readonly #enabled: boolean;
  recorded = 0;
  unencodable = 0;

  constructor(pipeline: AcknowledgedPublisher, opts: AuditLogOptions = {}) {
    this.#publisher = new ReliablePublisher(pipeline, opts);
    this.#host = opts.host ?? null;
    this.#enabled = opts.enabled ?? true;
  }

  /** Appends one decision; returns its record id, or null when the log is off or the record was dropped. */
  record(e: DecisionAuditEntry): string | null {
    if (!this.#enabled) return null;
    this.recorded++;
    const record: AuditRecord = {
      id: randomUUID(),
      at: e.at ?? Date.now(),
      phase: e.phase,
      outcome: e.outcome,
      client_id: e.clientId === undefined ? clientIdOf(e.input) : e.clientId,
      decision_id: e.decisionId ?? null,
      request_id: e.requestId ?? null,
      policy_version: e.policyVersion,
      latency_us: Math.round(e.latencyUs),
      input: e.input,
      output: e.output,
      host: this.#host,
    };
    let data: Uint8Array;
    let subject: string;
    try {
      subject = auditSubject(record.phase, record.outcome, record.client_id, record.decision_id);
      data = encode(record);
    } catch {
      this.unencodable++;
      return null;
    }
    return this.#publisher.send(subject, data, record.id) ? record.id : null;
  }

  stats(): AuditLogStats {
    return { ...this.#publisher.stats(), recorded: this.recorded, unencodable: this.unencodable };
  }

  /** Waits for every buffered record to be stored (shutdown, tests); false on timeout. */
  flush(timeoutMs = 5000): Promise<boolean> {
    return this.#publisher.drain(timeoutMs);
  }

  close(): void {
    this.#publisher.close();
  }
}

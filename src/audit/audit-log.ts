// The writing side of the audit log: every decision becomes one record in the audit stream. `record()`
// only queues it — no round trip, no encoding on the caller's turn. Once per event-loop turn the records
// are grouped by subject (phase, outcome, client) into batches, each encoded and appended as one message;
// the ReliablePublisher pipelines the appends, retries them across a NATS restart, and counts a gap if
// its buffer bound is ever hit. Batching is what keeps the audit's cost per decision to a few µs.
import { randomUUID } from 'node:crypto';
import { auditSubject } from './names.js';
import { type AuditRecord, type DecisionAuditEntry, clientIdOf } from './record.js';
import { type AcknowledgedPublisher, ReliablePublisher, type ReliablePublisherOptions, type ReliablePublisherStats } from './reliable-publisher.js';
import { TurnBatches } from './turn-batches.js';

const textEncoder = new TextEncoder();

/**
 * A batch as one JSON array (./query.ts reads it back): a record's input, when it came as the JSON text the
 * policy pool already made for its worker, is spliced in as that text — the largest part of a record is
 * never walked or encoded a second time.
 */
function encodeBatch(records: AuditRecord[]): Uint8Array {
  let s = '[';
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as AuditRecord;
    const input = r.input_json;
    if (i > 0) s += ',';
    if (input === undefined) s += JSON.stringify(r);
    else {
      r.input_json = undefined; // left out by JSON.stringify, as `input` (undefined here) is
      s += `${JSON.stringify(r).slice(0, -1)},"input":${input}}`;
    }
  }
  return textEncoder.encode(`${s}]`);
}

export interface AuditLogOptions extends ReliablePublisherOptions {
  /** Most records in one message; default 256. */
  maxBatch?: number;
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
  readonly #batches: TurnBatches<AuditRecord>;
  recorded = 0;
  unencodable = 0;

  constructor(pipeline: AcknowledgedPublisher, opts: AuditLogOptions = {}) {
    this.#publisher = new ReliablePublisher(pipeline, opts);
    this.#host = opts.host ?? null;
    this.#enabled = opts.enabled ?? true;
    this.#batches = new TurnBatches(opts.maxBatch ?? 256, (subject, records) => this.#send(subject, records));
  }

  /** Queues one decision; returns its record id, or null when the log is off (a later drop shows in `stats().dropped`). */
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
      input: e.inputJson === undefined ? e.input : undefined,
      output: e.output,
      host: this.#host,
    };
    if (e.inputJson !== undefined) record.input_json = e.inputJson;
    let subject: string;
    try {
      subject = auditSubject(record.phase, record.outcome, record.client_id);
    } catch {
      this.unencodable++;
      return null;
    }
    this.#batches.add(subject, record);
    return record.id;
  }

  #send(subject: string, batch: AuditRecord[]): void {
    let data: Uint8Array;
    try {
      data = encodeBatch(batch);
    } catch {
      this.unencodable += batch.length;
      return;
    }
    this.#publisher.send(subject, data, (batch[0] as AuditRecord).id, batch.length);
  }

  stats(): AuditLogStats {
    return { ...this.#publisher.stats(), recorded: this.recorded, unencodable: this.unencodable };
  }

  /** Waits for every buffered record to be stored (shutdown, tests); false on timeout. */
  async flush(timeoutMs = 5000): Promise<boolean> {
    this.#batches.flush();
    return this.#publisher.drain(timeoutMs);
  }

  close(): void {
    this.#batches.flush();
    this.#publisher.close();
  }
}

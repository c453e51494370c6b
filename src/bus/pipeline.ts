// Pipelined JetStream publishes: many in flight at once, acknowledged through one shared reply
// subscription (not an inbox per publish), each with a deadline checked by one sweeping timer.
// This is what keeps a durable KV write at a few µs of client CPU instead of a request's worth.
import { type MsgHdrs, type Subscription, createInbox, headers as makeHeaders } from '@nats-io/transport-node';
import type { BusConnection } from './connection.js';
import { BusError, RevisionConflictError, timedOut, unavailable } from './errors.js';

/** JetStream API error code for "wrong last sequence" (a lost revision compare-and-set). */
const wrongLastSequence = 10071;

let absentHeaders: MsgHdrs | undefined;

interface Pending {
  resolve(seq: number): void;
  reject(err: Error): void;
  deadline: number;
  key: string;
}

interface PubAck {
  stream?: string;
  seq?: number;
  error?: { code: number; err_code?: number; description?: string };
}

function isPubAck(v: unknown): v is PubAck {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const a = v as { seq?: unknown; error?: unknown };
  if (a.error !== undefined) return a.error !== null && typeof a.error === 'object';
  return typeof a.seq === 'number';
}

export interface PipelineOptions {
  /** Deadline for each acknowledgement, ms. */
  timeoutMs: number;
  /** Most publishes awaiting acknowledgement; beyond it publishes fail fast as `unavailable`. */
  maxInFlight: number;
}

export class JetStreamPipeline {
  readonly #bus: BusConnection;
  readonly #opts: PipelineOptions;
  readonly #inbox: string;
  readonly #pending = new Map<number, Pending>();
  readonly #sub: Subscription;
  readonly #sweeper: NodeJS.Timeout;
  readonly #decoder = new TextDecoder();
  #next = 1;
  /** Publishes of this turn of the event loop, sent together so they leave in one socket write. */
  #queue: { subject: string; data: Uint8Array; reply: string | undefined; headers: MsgHdrs | undefined; id: number }[] = [];
  #flushScheduled = false;
  #foreignAcks = 0;

  constructor(bus: BusConnection, opts: PipelineOptions) {
    this.#bus = bus;
    this.#opts = opts;
    this.#inbox = createInbox();
    const prefixLength = this.#inbox.length + 1;
    this.#sub = bus.nc.subscribe(`${this.#inbox}.*`, {
      callback: (_err, msg) => {
        const id = Number.parseInt(msg.subject.slice(prefixLength), 36);
        const p = this.#pending.get(id);
        if (!p) return;
        this.#pending.delete(id);
        if (msg.headers?.code === 503) {
          p.reject(unavailable('JetStream did not answer (no responders)'));
          return;
        }
        let ack: PubAck;
        try {
          ack = JSON.parse(this.#decoder.decode(msg.data)) as PubAck;
        } catch {
          this.#foreignAcks++;
          p.reject(new BusError({ kind: 'internal', description: 'undecodable JetStream acknowledgement' }));
          return;
        }
        // Anyone may answer on our inbox: a reply that is not a PubAck fails its write, never this callback.
        if (!isPubAck(ack)) {
          this.#foreignAcks++;
          p.reject(new BusError({ kind: 'internal', description: 'reply is not a JetStream acknowledgement' }));
          return;
        }
        if (ack.error) {
          if (ack.error.err_code === wrongLastSequence) p.reject(new RevisionConflictError(p.key, ack.error.description ?? ''));
          else p.reject(unavailable(`JetStream refused the write: ${ack.error.description ?? ack.error.code}`));
        } else p.resolve(ack.seq ?? 0);
      },
    });
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(50, Math.min(500, opts.timeoutMs / 4)));
    this.#sweeper.unref();
  }

  /** Replies on the acknowledgement inbox that were not JetStream acknowledgements. */
  get foreignAcksTotal(): number {
    return this.#foreignAcks;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Publishes `data` on `subject` and resolves to the stream sequence once JetStream has stored it. */
  publish(subject: string, data: Uint8Array, hdrs?: MsgHdrs, key = subject): Promise<number> {
    if (this.#pending.size >= this.#opts.maxInFlight) {
      return Promise.reject(unavailable(`too many JetStream writes in flight (${this.#opts.maxInFlight})`));
    }
    if (!this.#bus.isConnected()) return Promise.reject(unavailable('NATS is disconnected'));
    const id = this.#next++;
    return new Promise<number>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, deadline: Date.now() + this.#opts.timeoutMs, key });
      this.#enqueue(subject, data, `${this.#inbox}.${id.toString(36)}`, hdrs, id);
    });
  }

  /** Publishes without asking for an acknowledgement (a stream still stores it; nobody waits). */
  publishUnacknowledged(subject: string, data: Uint8Array): void {
    if (!this.#bus.isConnected()) throw unavailable('NATS is disconnected');
    this.#enqueue(subject, data, undefined, undefined, 0);
  }

  #enqueue(subject: string, data: Uint8Array, reply: string | undefined, headers: MsgHdrs | undefined, id: number): void {
    this.#queue.push({ subject, data, reply, headers, id });
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    for (const m of batch) {
      try {
        this.#bus.nc.publish(m.subject, m.data, m.reply === undefined ? undefined : { reply: m.reply, headers: m.headers });
      } catch (err) {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        p?.reject(unavailable(`publish on ${m.subject} failed`, err));
      }
    }
  }

  /** Headers for a compare-and-set write: the subject's last sequence must be `revision` (0 = absent). */
  static expectRevision(revision: number): MsgHdrs {
    // Creates are the hot case (every new token): one shared, never-mutated header set.
    if (revision === 0) {
      if (!absentHeaders) {
        // nats.js encodes a message's headers on every publish (its MsgHdrsImpl.encode, not in the public
        // type). This set is never mutated: encode it once and hand out the same bytes, which nats.js only reads.
        const h = makeHeaders() as MsgHdrs & { encode?: () => Uint8Array };
        h.set('Nats-Expected-Last-Subject-Sequence', '0');
        if (typeof h.encode === 'function') {
          const bytes = h.encode();
          h.encode = () => bytes;
        }
        absentHeaders = h;
      }
      return absentHeaders;
    }
    const h = makeHeaders();
    h.set('Nats-Expected-Last-Subject-Sequence', String(revision));
    return h;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, p] of this.#pending) {
      if (p.deadline <= now) {
        this.#pending.delete(id);
        p.reject(timedOut(`JetStream did not acknowledge the write of ${p.key} in ${this.#opts.timeoutMs} ms`));
      }
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#sub.unsubscribe();
    for (const p of this.#pending.values()) p.reject(unavailable('bus closing'));
    this.#pending.clear();
  }
}

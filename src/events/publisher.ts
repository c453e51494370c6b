// Publishes token events acknowledged and retried (bounded), never blocking the token path: the token
// actors' TokenEventSink (src/actors), `publish(kind, hash, record)`.
//
// Events of one event-loop turn that share a subject (a resource server and a kind) leave as one message:
// a single event as its msgpack object, several as a msgpack array of them. Under load this is one stored
// message per turn instead of one per token — on nats-server a message costs about as much as the token's
// own record write. Readers (./subscribe.ts) take either form.
import { encode } from '../bus/index.js';
import { type AcknowledgedPublisher, ReliablePublisher, type ReliablePublisherOptions, type ReliablePublisherStats } from '../audit/index.js';
import { resourceServerToken, tokenEventSubject } from './subjects.js';
import { type TokenEvent, type TokenEventSource, tokenEventsOf } from './token-event.js';

export interface TokenEventPublisherOptions extends ReliablePublisherOptions {
  /** Most events in one message; default 256. */
  maxBatch?: number;
}

/** An event's identity: the same event published twice has the same id. */
function eventId(e: TokenEvent): string {
  return `${e.token_hash}.${resourceServerToken(e.server)}.${e.type}`;
}

interface Batch {
  events: TokenEvent[];
  ids: Set<string>;
}

export class TokenEventPublisher {
  readonly #publisher: ReliablePublisher;
  readonly #maxBatch: number;
  /** This turn's events, by subject. */
  #batches = new Map<string, Batch>();
  #flushScheduled = false;
  /** Events handed over (one per resource server). */
  published = 0;
  /** Events that could not be queued (buffer full: the gap). */
  failed = 0;

  constructor(pipeline: AcknowledgedPublisher, opts: TokenEventPublisherOptions = {}) {
    this.#publisher = new ReliablePublisher(pipeline, opts);
    this.#maxBatch = Math.max(1, opts.maxBatch ?? 256);
  }

  publish(kind: TokenEvent['type'], hash: string, record: TokenEventSource): void {
    for (const e of tokenEventsOf(kind, hash, record)) this.publishEvent(e);
  }

  publishEvent(e: TokenEvent): void {
    const subject = tokenEventSubject(e.server, e.type);
    let batch = this.#batches.get(subject);
    if (batch === undefined) {
      batch = { events: [], ids: new Set() };
      this.#batches.set(subject, batch);
    }
    // A repeat within the turn is sent once (a repeat in a later message is dropped by the stream's
    // duplicate window when it travels alone, as each event id is its message id then).
    const id = eventId(e);
    if (batch.ids.has(id)) return;
    batch.ids.add(id);
    batch.events.push(e);
    if (batch.events.length >= this.#maxBatch) {
      this.#batches.delete(subject);
      this.#send(subject, batch.events);
      return;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batches = this.#batches;
    if (batches.size === 0) return;
    this.#batches = new Map();
    for (const [subject, batch] of batches) this.#send(subject, batch.events);
  }

  #send(subject: string, events: TokenEvent[]): void {
    const first = events[0] as TokenEvent;
    const single = events.length === 1;
    // A retried message keeps its id, so the stream stores it once.
    const msgId = single ? eventId(first) : `${eventId(first)}+${events.length}`;
    if (this.#publisher.send(subject, encode(single ? first : events), msgId, events.length)) this.published += events.length;
    else this.failed += events.length;
  }

  stats(): ReliablePublisherStats {
    return this.#publisher.stats();
  }

  /** Sends this turn's events now and waits until everything handed over is stored; false on timeout. */
  flush(timeoutMs = 5000): Promise<boolean> {
    this.#flush();
    return this.#publisher.drain(timeoutMs);
  }

  close(): void {
    this.#flush();
    this.#publisher.close();
  }
}

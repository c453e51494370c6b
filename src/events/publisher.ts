// Publishes token events acknowledged and retried (bounded), never blocking the token path: the token
// actors' TokenEventSink (src/actors), `publish(kind, hash, record)`.
//
// Events of one event-loop turn that share a subject (a resource server and a kind) leave as one message:
// a single event as its msgpack object, several as a msgpack array of them. Under load this is one stored
// message per turn instead of one per token — on nats-server a message costs about as much as the token's
// own record write. Readers (./subscribe.ts) take either form.
import { encode } from '../bus/index.js';
import {
  type AcknowledgedPublisher,
  ReliablePublisher,
  type ReliablePublisherOptions,
  type ReliablePublisherStats,
  TurnBatches,
} from '../audit/index.js';
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

/** The events in order, each id once. */
function distinct(events: TokenEvent[]): TokenEvent[] {
  if (events.length === 1) return events;
  const seen = new Set<string>();
  return events.filter((e) => {
    const id = eventId(e);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export class TokenEventPublisher {
  readonly #publisher: ReliablePublisher;
  readonly #batches: TurnBatches<TokenEvent>;
  /** Events handed over (one per resource server). */
  published = 0;
  /** Events that could not be queued (buffer full: the gap). */
  failed = 0;

  constructor(pipeline: AcknowledgedPublisher, opts: TokenEventPublisherOptions = {}) {
    this.#publisher = new ReliablePublisher(pipeline, opts);
    this.#batches = new TurnBatches(Math.max(1, opts.maxBatch ?? 256), (subject, events) => this.#send(subject, events));
  }

  publish(kind: TokenEvent['type'], hash: string, record: TokenEventSource): void {
    for (const e of tokenEventsOf(kind, hash, record)) this.publishEvent(e);
  }

  publishEvent(e: TokenEvent): void {
    this.#batches.add(tokenEventSubject(e.server, e.type), e);
  }

  #send(subject: string, gathered: TokenEvent[]): void {
    // A repeat within a message is sent once; a repeat in a later message is dropped by the stream's
    // duplicate window when it travels alone, as a lone event's id is its message id.
    const events = distinct(gathered);
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
    this.#batches.flush();
    return this.#publisher.drain(timeoutMs);
  }

  close(): void {
    this.#batches.flush();
    this.#publisher.close();
  }
}

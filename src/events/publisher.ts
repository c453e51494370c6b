// Publishes token events acknowledged and retried (bounded), never blocking the token path: the token
// actors' TokenEventSink (src/actors), `publish(kind, hash, record)`.
import { encode } from '../bus/index.js';
import { type AcknowledgedPublisher, ReliablePublisher, type ReliablePublisherOptions, type ReliablePublisherStats } from '../audit/index.js';
import { resourceServerToken, tokenEventSubject } from './subjects.js';
import { type TokenEvent, type TokenEventSource, tokenEventsOf } from './token-event.js';

export class TokenEventPublisher {
  readonly #publisher: ReliablePublisher;
  /** Events handed over (one per resource server). */
  published = 0;
  /** Events that could not be queued (buffer full: the gap). */
  failed = 0;

  constructor(pipeline: AcknowledgedPublisher, opts: ReliablePublisherOptions = {}) {
    this.#publisher = new ReliablePublisher(pipeline, opts);
  }

  publish(kind: TokenEvent['type'], hash: string, record: TokenEventSource): void {
    for (const e of tokenEventsOf(kind, hash, record)) this.publishEvent(e);
  }

  publishEvent(e: TokenEvent): void {
    const subject = tokenEventSubject(e.server, e.type);
    const msgId = `${e.token_hash}.${resourceServerToken(e.server)}.${e.type}`;
    if (this.#publisher.send(subject, encode(e), msgId)) this.published++;
    else this.failed++;
  }

  stats(): ReliablePublisherStats {
    return this.#publisher.stats();
  }

  flush(timeoutMs = 5000): Promise<boolean> {
    return this.#publisher.drain(timeoutMs);
  }

  close(): void {
    this.#publisher.close();
  }
}

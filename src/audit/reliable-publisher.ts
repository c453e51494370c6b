// Acknowledged JetStream publishes that never block the caller and survive a brief NATS outage: a
// bounded number in flight, the rest in a bounded buffer; a failed or unacknowledged publish goes back
// into the buffer and is retried with backoff. Each message carries a Nats-Msg-Id, so a retry of a
// publish the server did store (its acknowledgement was lost) is dropped by the stream's duplicate
// window instead of stored twice. Only when the buffer is full is a message dropped — counted as a gap.
import { type MsgHdrs, headers as makeHeaders } from '@nats-io/transport-node';

/** What it needs of src/bus's JetStreamPipeline: a publish resolving once JetStream stored the message. */
export interface AcknowledgedPublisher {
  publish(subject: string, data: Uint8Array, hdrs?: MsgHdrs, key?: string): Promise<number>;
}

const textEncoder = new TextEncoder();

/**
 * `Nats-Msg-Id: <msgId>` as headers whose wire bytes are written once here: nats.js only calls `encode()`
 * on a publish's headers, and building them field by field (validation, a Map, encoding) was a visible
 * share of each event's cost. Ids are ours (hex, uuid, dotted tokens): no CR or LF in them.
 */
function msgIdHeaders(msgId: string): MsgHdrs {
  const h = makeHeaders() as MsgHdrs & { encode?: () => Uint8Array };
  if (typeof h.encode !== 'function') {
    h.set('Nats-Msg-Id', msgId);
    return h;
  }
  const bytes = textEncoder.encode(`NATS/1.0\r\nNats-Msg-Id: ${msgId}\r\n\r\n`);
  h.encode = () => bytes;
  return h;
}

export interface ReliablePublisherOptions {
  /** Publishes awaiting acknowledgement at once; default 1 024. */
  maxInFlight?: number;
  /** Messages waiting to be sent, in flight or to be retried; beyond it new ones are dropped and counted; default 100 000. */
  maxBuffered?: number;
  /** First retry delay after a failure, ms (doubles up to 2 s); default 50. */
  retryMs?: number;
}

interface Item {
  subject: string;
  data: Uint8Array;
  msgId: string;
  /** How many records the message carries: bounds and counters are in records. */
  weight: number;
}

/** Counters in records (a message of a batch of n records counts n). */
export interface ReliablePublisherStats {
  /** Stored and acknowledged. */
  acknowledged: number;
  /** Messages that failed or timed out and were put back. */
  retries: number;
  /** Dropped because the buffer was full: the gap. */
  dropped: number;
  buffered: number;
  inFlight: number;
}

export class ReliablePublisher {
  readonly #out: AcknowledgedPublisher;
  readonly #maxInFlight: number;
  readonly #maxBuffered: number;
  readonly #retryMs: number;
  #buffer: Item[] = [];
  #head = 0;
  #inFlight = 0;
  #inFlightWeight = 0;
  #bufferedWeight = 0;
  #pausedUntil = 0;
  #delay: number;
  #timer: NodeJS.Timeout | undefined;
  #pumpScheduled = false;
  #closed = false;
  #idle: (() => void)[] = [];
  acknowledged = 0;
  retries = 0;
  dropped = 0;

  constructor(out: AcknowledgedPublisher, opts: ReliablePublisherOptions = {}) {
    this.#out = out;
    this.#maxInFlight = opts.maxInFlight ?? 1024;
    this.#maxBuffered = opts.maxBuffered ?? 100_000;
    this.#retryMs = opts.retryMs ?? 50;
    this.#delay = this.#retryMs;
    if (!(this.#maxInFlight >= 1 && this.#maxBuffered >= 1)) throw new TypeError('maxInFlight and maxBuffered must be at least 1');
  }

  /** Records waiting to be sent or retried. */
  get buffered(): number {
    return this.#bufferedWeight;
  }

  /** Records awaiting acknowledgement. */
  get inFlight(): number {
    return this.#inFlightWeight;
  }

  stats(): ReliablePublisherStats {
    return { acknowledged: this.acknowledged, retries: this.retries, dropped: this.dropped, buffered: this.#bufferedWeight, inFlight: this.#inFlightWeight };
  }

  /**
   * Queues one message carrying `weight` records; returns false when it was dropped (the buffer would
   * pass its bound, or closed). Never throws, never waits.
   */
  send(subject: string, data: Uint8Array, msgId: string, weight = 1): boolean {
    // In flight counts too: a send the fast path below hands straight over may come back to the buffer.
    if (this.#closed || this.#bufferedWeight + this.#inFlightWeight + weight > this.#maxBuffered) {
      this.dropped += weight;
      return false;
    }
    // Nothing waiting and room in flight: straight into the pipeline's batch of this turn, beside the
    // KV write the caller just made (one socket write for both), no extra turn of the event loop.
    if (this.#head === this.#buffer.length && this.#inFlight < this.#maxInFlight && !this.#timer && Date.now() >= this.#pausedUntil) {
      this.#publish({ subject, data, msgId, weight });
      return true;
    }
    this.#buffer.push({ subject, data, msgId, weight });
    this.#bufferedWeight += weight;
    this.#schedulePump();
    return true;
  }

  /** Resolves when nothing is buffered or in flight (true), or after `timeoutMs` (false). */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.#bufferedWeight === 0 && this.#inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#idle = this.#idle.filter((f) => f !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      this.#idle.push(done);
    });
  }

  /** Stops sending; what is still buffered counts as dropped. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.dropped += this.#bufferedWeight;
    this.#bufferedWeight = 0;
    this.#buffer = [];
    this.#head = 0;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled || this.#timer) return;
    this.#pumpScheduled = true;
    // Gather every send of this event-loop turn; the pipeline writes them in one go.
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#closed) return;
    const wait = this.#pausedUntil - Date.now();
    if (wait > 0) {
      if (!this.#timer) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, wait);
        this.#timer.unref(); // a retry alone must not keep a stopping process alive
      }
      return;
    }
    while (this.#inFlight < this.#maxInFlight && this.#head < this.#buffer.length) {
      const item = this.#buffer[this.#head++] as Item;
      this.#bufferedWeight -= item.weight;
      this.#publish(item);
    }
    if (this.#head > 4096 && this.#head * 2 > this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    this.#checkIdle();
  }

  #publish(item: Item): void {
    this.#inFlight++;
    this.#inFlightWeight += item.weight;
    this.#out.publish(item.subject, item.data, msgIdHeaders(item.msgId), item.msgId).then(
      () => this.#settled(item, true),
      () => this.#settled(item, false),
    );
  }

  #settled(item: Item, ok: boolean): void {
    this.#inFlight--;
    this.#inFlightWeight -= item.weight;
    if (ok) {
      this.acknowledged += item.weight;
      this.#delay = this.#retryMs;
    } else if (!this.#closed) {
      this.retries++;
      // Back to the front, so order is kept as far as a retry allows; the buffer bound applies to new sends only.
      if (this.#head > 0) this.#buffer[--this.#head] = item;
      else this.#buffer.unshift(item);
      this.#bufferedWeight += item.weight;
      this.#pausedUntil = Date.now() + this.#delay;
      this.#delay = Math.min(2000, this.#delay * 2);
    } else {
      this.dropped += item.weight;
    }
    this.#schedulePump();
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#bufferedWeight === 0 && this.#inFlight === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const f of idle) f();
    }
  }
}

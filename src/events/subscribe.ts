// Reading token events: replay what the stream kept from a point in time or a sequence, then follow
// live — the way a gateway's local cache learns tokens without introspecting every request.
import { DeliverPolicy, type OrderedConsumerOptions } from '@nats-io/jetstream';
import { type BusConnection, consumeUntilStopped, decode, openOrderedConsumer } from '../bus/index.js';
import { type TokenEventKind, tokenEventFilter, tokenEventStream } from './subjects.js';
import type { TokenEvent } from './token-event.js';

export interface TokenEventSubscription {
  /** Resource server id to follow; all when absent. */
  server?: string | null;
  /** Kinds to deliver; all when absent. */
  kinds?: readonly TokenEventKind[];
  /** Replay from this time (ms since the epoch or a Date) … */
  since?: number | Date;
  /** … or from this stream sequence (e.g. the last one seen + 1). Neither: only new events. */
  fromSeq?: number;
}

export interface ReceivedTokenEvent {
  /**
   * Stream sequence of the message that carried it. Events of one turn for one subject share a message
   * (and its seq): resume after a restart with `fromSeq: seq + 1` once the message's last event is handled.
   */
  seq: number;
  /** Its place among the events that message delivers to this subscription (0 for a message of one event)… */
  index: number;
  /** … and how many that is: `index === of - 1` is the message's last. */
  of: number;
  subject: string;
  event: TokenEvent;
}

export interface TokenEventStream extends AsyncIterable<ReceivedTokenEvent> {
  /** Messages (of one or more events) still stored after the starting point when the subscription began. */
  readonly backlog: number;
  stop(): void;
}

const eventTypes: ReadonlySet<unknown> = new Set(['issued', 'revoked', 'consumed', 'expired']);

/** The shape readers rely on: an object with a known `type` and a hex SHA-256 `token_hash`. */
function isTokenEvent(v: unknown): v is TokenEvent {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return eventTypes.has(e.type) && typeof e.token_hash === 'string' && /^[0-9a-f]{64}$/.test(e.token_hash);
}

export async function subscribeTokenEvents(bus: BusConnection, sub: TokenEventSubscription = {}): Promise<TokenEventStream> {
  const kinds = sub.kinds && sub.kinds.length > 0 ? new Set(sub.kinds) : undefined;
  const onlyKind = kinds?.size === 1 ? [...kinds][0] : undefined;
  const opts: Partial<OrderedConsumerOptions> = { filter_subjects: tokenEventFilter(sub.server, onlyKind) };
  if (sub.fromSeq !== undefined) {
    if (!Number.isInteger(sub.fromSeq) || sub.fromSeq < 1) throw new TypeError('fromSeq must be a positive integer');
    opts.opt_start_seq = sub.fromSeq;
  } else if (sub.since !== undefined) {
    opts.opt_start_time = new Date(sub.since).toISOString();
  } else {
    opts.deliver_policy = DeliverPolicy.New;
  }
  const consumer = await openOrderedConsumer(bus, tokenEventStream, opts);
  const backlog = (await consumer.info(true)).num_pending;
  const { messages, stop } = await consumeUntilStopped(consumer, 512);
  async function* events(): AsyncGenerator<ReceivedTokenEvent> {
    try {
      for await (const m of messages) {
        let payload: unknown;
        try {
          payload = decode<unknown>(m.data);
        } catch {
          continue; // not an event (foreign publisher)
        }
        // One event, or several of one turn (./publisher.ts). What decodes but is not an event is skipped,
        // never a crash.
        const carried = Array.isArray(payload) ? payload : [payload];
        const delivered = carried.filter((e): e is TokenEvent => isTokenEvent(e) && (kinds === undefined || kinds.has(e.type)));
        for (let index = 0; index < delivered.length; index++) {
          yield { seq: m.seq, index, of: delivered.length, subject: m.subject, event: delivered[index] as TokenEvent };
        }
      }
    } finally {
      stop();
    }
  }
  const gen = events();
  return {
    backlog,
    stop,
    // One iterator for the subscription's life: leaving a `for await` early does not end it, `stop()` does.
    [Symbol.asyncIterator]: () => ({
      next: () => gen.next(),
      return: async () => ({ done: true, value: undefined }),
    }),
  };
}

// Announces `expired` token events. Every host runs one; they share a durable consumer of the `issued`
// events, so each token is handled by one host at a time and survives any host's death. An issued event
// whose token has not expired yet is negatively acknowledged with a delay until its `exp`, so JetStream
// itself holds the schedule (no timers to lose); when it comes back the token record is read: a token
// revoked or consumed meanwhile had its event already and gets no `expired`; otherwise the `expired`
// event is published (acknowledged, deduplicated by id) before the issued event is acknowledged.
// Bound: every unexpired token is one pending message of the consumer (`maxPending`); past that,
// expiry announcements lag instead of issuance slowing.
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { headers as makeHeaders } from '@nats-io/transport-node';
import { type BusConnection, buckets, decode, encode, unavailable } from '../bus/index.js';
import { resourceServerToken, tokenEventFilter, tokenEventStream, tokenEventSubject } from './subjects.js';
import type { TokenEvent } from './token-event.js';

export const expiryConsumer = 'portcullis_token_expiry';

export interface ExpiryAnnouncerOptions {
  /** Unexpired tokens the consumer may hold; default 1 000 000. */
  maxPending?: number;
  /** Tokens that expired longer ago than this when first seen get no event (old history); default 1 h. */
  staleMs?: number;
  log?: (line: string) => void;
}

export class TokenExpiryAnnouncer {
  readonly #bus: BusConnection;
  readonly #o: Required<Omit<ExpiryAnnouncerOptions, 'log'>>;
  readonly #log: (line: string) => void;
  #tokens: KV | undefined;
  #stop: (() => void) | undefined;
  announced = 0;
  skipped = 0;
  errors = 0;

  constructor(bus: BusConnection, opts: ExpiryAnnouncerOptions = {}) {
    this.#bus = bus;
    this.#o = { maxPending: opts.maxPending ?? 1_000_000, staleMs: opts.staleMs ?? 3_600_000 };
    this.#log = opts.log ?? ((line) => console.error(line));
  }

  async start(): Promise<void> {
    const config = {
      durable_name: expiryConsumer,
      filter_subject: tokenEventFilter(undefined, 'issued'),
      ack_policy: AckPolicy.Explicit,
      ack_wait: 30_000_000_000,
      max_deliver: -1,
      max_ack_pending: this.#o.maxPending,
      deliver_policy: DeliverPolicy.All,
    };
    try {
      await this.#bus.jsm.consumers.add(tokenEventStream, config);
    } catch (err) {
      try {
        await this.#bus.jsm.consumers.info(tokenEventStream, expiryConsumer); // made by another host, maybe otherwise configured
      } catch {
        throw unavailable(`cannot create consumer ${expiryConsumer}: ${(err as Error).message}`, err);
      }
    }
    this.#tokens = await this.#bus.kvm.open(buckets.tokens);
    const consumer = await this.#bus.js.consumers.get(tokenEventStream, expiryConsumer);
    const messages = await consumer.consume({ max_messages: 256 });
    this.#stop = () => messages.stop();
    (async () => {
      for await (const m of messages) await this.#handle(m);
    })().catch((err: unknown) => this.#log(`portcullis: token expiry announcer stopped: ${(err as Error).message}`));
  }

  stop(): void {
    this.#stop?.();
  }

  async #handle(m: JsMsg): Promise<void> {
    let e: TokenEvent;
    try {
      e = decode<TokenEvent>(m.data);
    } catch {
      m.term('not a token event');
      return;
    }
    // Decodes, but not as an event (foreign publisher): dropped, not a crash of the loop or a nak forever.
    if (typeof e !== 'object' || e === null || typeof e.token_hash !== 'string' || !/^[0-9a-f]{64}$/.test(e.token_hash) || typeof e.exp !== 'number' || !Number.isFinite(e.exp)) {
      m.term('not a token event');
      return;
    }
    const now = Date.now();
    const expMs = e.exp * 1000;
    if (expMs > now) {
      m.nak(expMs - now + 50);
      return;
    }
    if (expMs < now - this.#o.staleMs && m.info.deliveryCount === 1) {
      this.skipped++;
      m.ack();
      return;
    }
    try {
      if (await this.#endedEarlier(e.token_hash)) {
        this.skipped++;
        m.ack();
        return;
      }
      const expired: TokenEvent = { ...e, type: 'expired', at: now };
      const h = makeHeaders();
      h.set('Nats-Msg-Id', `${e.token_hash}.${resourceServerToken(e.server)}.expired`);
      await this.#bus.js.publish(tokenEventSubject(e.server, 'expired'), encode(expired), { headers: h });
      this.announced++;
      m.ack();
    } catch (err) {
      this.errors++;
      m.nak(1000); // NATS trouble: try again in a second
      this.#log(`portcullis: cannot announce expiry of a token: ${(err as Error).message}`);
    }
  }

  /** True when the token was revoked or consumed before it expired (its event said so already). */
  async #endedEarlier(hash: string): Promise<boolean> {
    const entry = await this.#tokens?.get(hash);
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return false;
    const r = decode<{ revoked_at?: number; consumed_at?: number }>(entry.value);
    return r.revoked_at !== undefined || r.consumed_at !== undefined;
  }
}

// A subscriber that starts late replays the events of tokens issued before it started (from a time or a
// sequence), per resource server, then follows live; events carry the token's hash, never the token.
import t from 'tap';
import type { TokenEventSink } from '../../src/actors/index.js';
import { JetStreamPipeline, connectBus, encode } from '../../src/bus/index.js';
import { type ReceivedTokenEvent, TokenEventPublisher, ensureTokenEventStream, subscribeTokenEvents, tokenEventSubject } from '../../src/events/index.js';
import { startNats } from '../helpers/nats.js';

function record(i: number, servers: string[]) {
  const iat = Math.floor(Date.now() / 1000);
  return { client_id: `client-${i % 2}`, servers, scope: ['read'], aud: servers.map((s) => `https://${s}.example`), iat, exp: iat + 3600, decision_id: `d-${i}`, policy_version: 'v1' };
}

const hashOf = (i: number): string => i.toString(16).padStart(64, '0');

async function take(stream: AsyncIterable<ReceivedTokenEvent>, n: number, timeoutMs = 5000): Promise<ReceivedTokenEvent[]> {
  const out: ReceivedTokenEvent[] = [];
  let timeout: NodeJS.Timeout | undefined;
  const timer = new Promise<void>((r) => {
    timeout = setTimeout(r, timeoutMs);
  });
  const reading = (async () => {
    for await (const e of stream) {
      out.push(e);
      if (out.length >= n) break;
    }
  })();
  await Promise.race([reading, timer]);
  clearTimeout(timeout);
  return out;
}

t.test('late subscriber replays issued events', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureTokenEventStream(bus);
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
  const events = new TokenEventPublisher(pipeline);
  t.teardown(async () => {
    pipeline.close();
    await bus.close();
    await nats.stop();
  });

  const t0 = Date.now();
  // 20 tokens: even ones for `orders`, odd ones for `orders` and `billing`; token 3 is then revoked.
  for (let i = 0; i < 20; i++) events.publish('issued', hashOf(i), record(i, i % 2 === 0 ? ['orders'] : ['orders', 'billing']));
  events.publish('revoked', hashOf(3), record(3, ['orders', 'billing']));
  events.publish('issued', hashOf(0), record(0, ['orders'])); // a repeat (e.g. a retried publish) is stored once
  t.ok(await events.flush(10_000));
  t.equal(events.stats().acknowledged, 32, 'thirty-two events acknowledged: the repeat is sent once');
  // One turn's events for one subject share a message: orders.issued, billing.issued, orders.revoked, billing.revoked.
  t.equal((await bus.jsm.streams.info('PORTCULLIS_TOKEN_EVENTS')).state.messages, 4, "a turn's events travel as one message per subject");
  // A retried message (the same id) is stored once.
  await bus.js.publish(tokenEventSubject('orders', 'revoked'), encode({ type: 'revoked', token_hash: hashOf(3), client_id: 'client-1', server: 'orders', scope: [], aud: [], iat: 1, exp: 2, decision_id: 'd-3', at: 1 }), { msgID: `${hashOf(3)}.orders.revoked` });
  t.equal((await bus.jsm.streams.info('PORTCULLIS_TOKEN_EVENTS')).state.messages, 4, 'a repeat of a single-event message is dropped by its id');

  // Started after all of that: replays from t0.
  const orders = await subscribeTokenEvents(bus, { server: 'orders', kinds: ['issued'], since: t0 });
  t.equal(orders.backlog, 1, 'one message, of twenty issued events for orders, is waiting');
  const replayed = await take(orders, 20);
  t.same(replayed.map((e) => e.event.token_hash), Array.from({ length: 20 }, (_, i) => hashOf(i)), 'every token issued before it started, once, in order');
  t.same(replayed.map((e) => e.index), Array.from({ length: 20 }, (_, i) => i), 'each with its place in the message');
  t.ok(replayed.every((e) => e.subject === tokenEventSubject('orders', 'issued') && e.event.server === 'orders'));
  t.match(replayed[1]?.event, { type: 'issued', client_id: 'client-1', decision_id: 'd-1', policy_version: 'v1', scope: ['read'] });
  t.notOk(replayed.some((e) => Object.keys(e.event).some((k) => k === 'token' || k === 'access_token')), 'no token value, only its hash');

  // Then follows live.
  events.publish('issued', hashOf(99), record(99, ['orders']));
  const live = await take(orders, 1);
  t.equal(live[0]?.event.token_hash, hashOf(99), 'and then follows live');
  orders.stop();

  // From a sequence: everything for billing after its first message (the ten issued events).
  const billingAll = await subscribeTokenEvents(bus, { server: 'billing', since: t0 });
  const all = await take(billingAll, 11);
  billingAll.stop();
  t.same(all.map((e) => e.event.type), [...Array(10).fill('issued'), 'revoked'], 'billing: ten issued, one revoked');
  t.equal(new Set(all.slice(0, 10).map((e) => e.seq)).size, 1, 'the issued events share one message');
  const fromSeq = await subscribeTokenEvents(bus, { server: 'billing', fromSeq: (all[9]?.seq ?? 0) + 1 });
  const rest = await take(fromSeq, 1);
  fromSeq.stop();
  t.same(rest.map((e) => [e.seq, e.event.type, e.event.token_hash]), [[all[10]?.seq, 'revoked', hashOf(3)]], 'resume after a sequence');

  const newOnly = await subscribeTokenEvents(bus, { server: 'orders' });
  t.equal(newOnly.backlog, 0, 'without a starting point only new events come');
  newOnly.stop();
});

t.test('events the token actors publish (a TokenEventPublisher as their TokenEventSink) read the same way', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureTokenEventStream(bus);
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
  t.teardown(async () => {
    pipeline.close();
    await bus.close();
    await nats.stop();
  });
  const t0 = Date.now();
  const publisher = new TokenEventPublisher(pipeline);
  const actorEvents: TokenEventSink = publisher;
  const base = record(7, ['orders']);
  actorEvents.publish('issued', hashOf(7), { ...base, token_type: 'Bearer', resources: [], jit_single_use: false, input: {} as never, decision: { allow: true } as never });
  t.ok(await publisher.flush(5000));
  const sub = await subscribeTokenEvents(bus, { server: 'orders', since: t0 });
  const got = await take(sub, 1);
  sub.stop();
  t.match(got[0]?.event, { type: 'issued', token_hash: hashOf(7), server: 'orders', decision_id: 'd-7' });
});

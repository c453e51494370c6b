// The expiry announcer skips (terminates) a message on an `issued` subject that is not a token event,
// and keeps announcing the real ones after it.
import t from 'tap';
import { JetStreamPipeline, buckets, connectBus, encode } from '../../src/bus/index.js';
import { TokenEventPublisher, TokenExpiryAnnouncer, ensureTokenEventStream, subscribeTokenEvents, tokenEventSubject } from '../../src/events/index.js';
import { startNats } from '../helpers/nats.js';

t.test('foreign payloads do not stop the expiry announcer', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureTokenEventStream(bus);
  await bus.kvm.create(buckets.tokens, { history: 1 });
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 1000 });
  const events = new TokenEventPublisher(pipeline);
  const announcer = new TokenExpiryAnnouncer(bus, { log: () => undefined });
  t.teardown(async () => {
    announcer.stop();
    pipeline.close();
    await bus.close();
    await nats.stop();
  });
  await announcer.start();
  const sub = await subscribeTokenEvents(bus, { kinds: ['expired'] });
  const subject = tokenEventSubject('orders', 'issued');
  for (const p of [encode(null), encode(7), encode({ type: 'issued', token_hash: 'zz', exp: 'soon' })]) await bus.js.publish(subject, p);
  const now = Math.floor(Date.now() / 1000);
  const hash = 'b'.repeat(64);
  events.publish('issued', hash, { client_id: 'c', servers: ['orders'], scope: [], aud: [], iat: now, exp: now + 1, decision_id: 'd' });
  t.ok(await events.flush());
  const got: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const reading = (async () => {
    for await (const e of sub) {
      got.push(e.event.token_hash);
      break;
    }
  })();
  await Promise.race([reading, new Promise((r) => { timer = setTimeout(r, 6000); })]);
  clearTimeout(timer);
  sub.stop();
  t.same(got, [hash], 'the real token is announced expired');
  t.equal(announcer.errors, 0, 'no NATS errors counted for the foreign payloads');
});

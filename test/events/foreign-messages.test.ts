// A message on a token-event subject that is not a token event (a foreign publisher, a corrupt payload)
// is skipped: it must neither end the subscription nor reach the reader as an event.
import t from 'tap';
import { connectBus, encode } from '../../src/bus/index.js';
import { type ReceivedTokenEvent, ensureTokenEventStream, subscribeTokenEvents, tokenEventSubject } from '../../src/events/index.js';
import { startNats } from '../helpers/nats.js';

t.test('foreign payloads on token-event subjects are skipped', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  t.teardown(async () => {
    await bus.close();
    await nats.stop();
  });
  await ensureTokenEventStream(bus);
  const t0 = Date.now() - 1000;
  const subject = tokenEventSubject('orders', 'issued');
  const good = { type: 'issued', token_hash: 'a'.repeat(64), client_id: 'c', server: 'orders', scope: [], aud: [], iat: 1, exp: 2, decision_id: 'd', at: 1 };
  for (const payload of [encode(null), encode(42), encode('issued'), encode({ type: 'issued' }), encode({ type: 'issued', token_hash: 7 }), new Uint8Array([0xc1]), encode(good)]) {
    await bus.js.publish(subject, payload);
  }
  for (const kinds of [undefined, ['issued' as const]]) {
    const stream = await subscribeTokenEvents(bus, { server: 'orders', since: t0, ...(kinds ? { kinds } : {}) });
    const got: ReceivedTokenEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const reading = (async () => {
      for await (const e of stream) {
        got.push(e);
        if (e.event.token_hash === good.token_hash) break;
      }
    })();
    const outcome = await Promise.race([reading.then(() => 'read'), new Promise((r) => { timer = setTimeout(() => r('timeout'), 5000); })]).catch((err: unknown) => `threw ${(err as Error).message}`);
    clearTimeout(timer);
    stream.stop();
    t.equal(outcome, 'read', `the subscription survives foreign payloads (kinds ${kinds ? 'issued' : 'all'})`);
    t.same(got.map((e) => e.event), [good], 'only the real event reaches the reader');
  }
});

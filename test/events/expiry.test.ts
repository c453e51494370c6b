// `expired` events: announced when a token's exp passes, not for a token revoked before it expired.
import t from 'tap';
import { JetStreamPipeline, buckets, connectBus, encode } from '../../src/bus/index.js';
import { TokenEventPublisher, TokenExpiryAnnouncer, ensureTokenEventStream, subscribeTokenEvents } from '../../src/events/index.js';
import { startNats } from '../helpers/nats.js';

t.test('expired events', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureTokenEventStream(bus);
  const tokens = await bus.kvm.create(buckets.tokens, { history: 1 });
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
  const events = new TokenEventPublisher(pipeline);
  const announcers = [new TokenExpiryAnnouncer(bus, { log: () => undefined }), new TokenExpiryAnnouncer(bus, { log: () => undefined })];
  t.teardown(async () => {
    for (const a of announcers) a.stop();
    pipeline.close();
    await bus.close();
    await nats.stop();
  });
  for (const a of announcers) await a.start();
  const sub = await subscribeTokenEvents(bus, { kinds: ['expired'] });

  const now = Math.floor(Date.now() / 1000);
  const mk = (i: number, exp: number) => ({ client_id: 'c', servers: ['orders'], scope: [], aud: [], iat: now, exp, decision_id: `d-${i}` });
  const hash = (i: number): string => String(i).repeat(64).slice(0, 64);
  events.publish('issued', hash(1), mk(1, now + 1));
  events.publish('issued', hash(2), mk(2, now + 1));
  events.publish('issued', hash(3), mk(3, now + 3600));
  await tokens.put(hash(2), encode({ ...mk(2, now + 1), revoked_at: Date.now() }));
  events.publish('revoked', hash(2), mk(2, now + 1));
  t.ok(await events.flush());

  const got: string[] = [];
  const reading = (async () => {
    for await (const e of sub) {
      got.push(e.event.token_hash);
      if (got.length === 1) break;
    }
  })();
  await Promise.race([reading, new Promise((r) => setTimeout(r, 6000).unref())]);
  await new Promise((r) => setTimeout(r, 1500)); // give a wrong second announcement time to show up
  sub.stop();
  t.same(got, [hash(1)], 'the expired token is announced once; the revoked one and the live one are not');
  t.equal(announcers.reduce((n, a) => n + a.announced, 0), 1);
  t.equal(announcers.reduce((n, a) => n + a.skipped, 0), 1, 'the revoked token was skipped');
});

// `expired` events from the shard owner: announced when exp passes, not for a revoked token, and a new
// owner of a shard announces the tokens its previous owner minted (catch-up from the event stream).
import t from 'tap';
import { JetStreamPipeline, connectBus } from '../../src/bus/index.js';
import { OwnerExpiryAnnouncer, TokenEventPublisher, ensureTokenEventStream, subscribeTokenEvents } from '../../src/events/index.js';
import { startNats } from '../helpers/nats.js';

t.test('expired events from the owner', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureTokenEventStream(bus);
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
  const events = new TokenEventPublisher(pipeline);
  const shardOf = (hash: string): number => (hash.startsWith('1') || hash.startsWith('2') || hash.startsWith('3') ? 0 : 1);
  // Host A owns shard 0; host B owns nothing until it takes shard 0 over.
  let bOwns = false;
  const a = new OwnerExpiryAnnouncer(events, bus, { shards: 2, shardOf, owns: (s) => s === 0, pollMs: 50 });
  const b = new OwnerExpiryAnnouncer(events, bus, { shards: 2, shardOf, owns: (s) => s === 0 && bOwns, pollMs: 50 });
  t.teardown(async () => {
    a.stop();
    b.stop();
    pipeline.close();
    await bus.close();
    await nats.stop();
  });
  a.start();
  b.start();
  const sub = await subscribeTokenEvents(bus, { kinds: ['expired'] });

  const now = Math.floor(Date.now() / 1000);
  const mk = (i: number, exp: number) => ({ client_id: 'c', servers: ['orders'], scope: [], aud: [], iat: now, exp, decision_id: `d-${i}` });
  const hash = (i: number): string => String(i).repeat(64).slice(0, 64);
  // `now` is floored to the second, so token 3 (now + 5) expires 4–5 s from here: well after host A stops
  // at ~2.2 s, whatever fraction of a second we started in.
  for (const [i, exp] of [[1, now + 1], [2, now + 1], [3, now + 5]] as const) {
    events.publish('issued', hash(i), mk(i, exp));
    a.track(hash(i), mk(i, exp));
  }
  events.publish('revoked', hash(2), mk(2, now + 1));
  a.forget(hash(2));
  t.ok(await events.flush());
  t.equal(a.tracked, 2);

  const got: string[] = [];
  const reading = (async () => {
    for await (const e of sub) {
      got.push(e.event.token_hash);
      if (got.length === 2) break;
    }
  })();
  await new Promise((r) => setTimeout(r, 2200));
  // Host A dies before token 3 expires; host B takes shard 0 and learns token 3 from the stream.
  a.stop();
  bOwns = true;
  await Promise.race([reading, new Promise((r) => setTimeout(r, 6000).unref())]);
  await new Promise((r) => setTimeout(r, 1000)); // give a wrong extra announcement time to show up
  sub.stop();
  t.same(got, [hash(1), hash(3)], 'each expired token announced once; the revoked one is not');
  t.equal(a.announced, 1, 'the owner announced its token');
  t.equal(b.announced, 1, 'the new owner announced the token it caught up on');
  t.ok(b.catchUps >= 1);
});

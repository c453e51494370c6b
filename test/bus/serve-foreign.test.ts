// A request that decodes but is not what the handler expects (a foreign publisher on an actor subject:
// msgpack null, a missing key) is answered with an internal error envelope. It must not throw out of the
// subscription callback, which would close the connection's reader and take every shard's responder down.
import t from 'tap';
import { BusError, connectBus, encode, request, serve } from '../../src/bus/index.js';
import { startNats } from '../helpers/nats.js';

t.test('a handler throwing synchronously leaves the connection serving', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  t.teardown(async () => {
    await bus.close();
    await nats.stop();
  });
  const errors: unknown[] = [];
  // Like ActorHost: not an async function, so a bad payload throws before any promise exists.
  const handler = (req: { key: string; n: number }): Promise<number> => (req.key.length > 0 ? Promise.resolve(req.n * 2) : Promise.reject(new Error('empty key')));
  serve<{ key: string; n: number }, number>(bus, 'test.actor', 'q', handler, (e) => errors.push(e));
  for (const bad of [null, 7, { n: 1 }]) {
    const r = await bus.nc.request('test.actor', encode(bad), { timeout: 1000 }).then(
      () => 'answered',
      (e: unknown) => `failed: ${(e as Error).message}`,
    );
    t.equal(r, 'answered', `a reply for ${JSON.stringify(bad)}`);
  }
  const err = await request(bus, 'test.actor', null, 1000).catch((e: unknown) => e);
  t.ok(err instanceof BusError && err.envelope.kind === 'internal', 'an internal error envelope');
  t.equal(await request<number>(bus, 'test.actor', { key: 'k', n: 21 }, 1000), 42, 'still serving afterwards');
  t.notOk(bus.nc.isClosed(), 'the connection is open');
  t.ok(errors.length >= 3, 'the bad requests were reported');
});

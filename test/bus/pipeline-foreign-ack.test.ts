// A reply that is not a JetStream acknowledgement (null, a string, an array) fails its own write and is
// counted; it never throws out of the NATS callback.
import t from 'tap';
import { BusError, JetStreamPipeline, connectBus } from '../../src/bus/index.js';
import { startNats } from '../helpers/nats.js';

const nats = await startNats();
const bus = await connectBus({ servers: nats.url });
const pipeline = new JetStreamPipeline(bus, { timeoutMs: 5000, maxInFlight: 100 });
const replies = ['null', '"ok"', '[1,2]', '42'];
let i = 0;
const sub = bus.nc.subscribe('foreign.ack', { callback: (_e, msg) => {
  msg.respond(new TextEncoder().encode(replies[i++ % replies.length]));
} });
t.teardown(async () => {
  sub.unsubscribe();
  pipeline.close();
  await bus.close();
  await nats.stop();
});

t.test('null and foreign acknowledgements reject as BusError and are counted', async (t) => {
  for (const body of replies) {
    const t0 = Date.now();
    const err = await pipeline.publish('foreign.ack', new Uint8Array([1])).catch((e: unknown) => e);
    t.ok(err instanceof BusError, `reply ${body} rejects with a BusError`);
    t.ok(Date.now() - t0 < 2000, `reply ${body} rejects at once, not at the deadline`);
  }
  t.equal(pipeline.foreignAcksTotal, replies.length);
});

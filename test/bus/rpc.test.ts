// Request/reply against a real nats-server: values, error envelopes, deadlines and no responders.
import t from 'tap';
import { BusError, connectBus, request, serve } from '../../src/bus/index.js';
import { startNats } from '../helpers/nats.js';

const nats = await startNats();
const bus = await connectBus({ servers: nats.url });
t.teardown(async () => {
  await bus.close();
  await nats.stop();
});

class WireError extends Error {
  toEnvelope() {
    return { kind: 'protocol' as const, code: 'invalid_request', status: 400, description: this.message };
  }
}

serve<{ n: number }, { twice: number }>(bus, 'test.double', 'q', async ({ n }) => {
  if (n < 0) throw new WireError('n must not be negative');
  if (n === 13) await new Promise((r) => setTimeout(r, 500));
  return { twice: n * 2 };
});

t.test('reply value', async (t) => {
  t.same(await request(bus, 'test.double', { n: 21 }, 1000), { twice: 42 });
});

t.test('remote protocol error arrives as an envelope', async (t) => {
  const err = await request(bus, 'test.double', { n: -1 }, 1000).catch((e: unknown) => e);
  t.ok(err instanceof BusError);
  t.match((err as BusError).envelope, { kind: 'protocol', code: 'invalid_request', status: 400, description: 'n must not be negative' });
});

t.test('deadline', async (t) => {
  const start = Date.now();
  const err = await request(bus, 'test.double', { n: 13 }, 100).catch((e: unknown) => e);
  t.ok(err instanceof BusError);
  t.equal((err as BusError).kind, 'timeout');
  t.ok(Date.now() - start < 400);
});

t.test('no responders is unavailable, fast', async (t) => {
  const err = await request(bus, 'test.nobody', {}, 2000).catch((e: unknown) => e);
  t.ok(err instanceof BusError);
  t.equal((err as BusError).kind, 'unavailable');
  t.equal((err as BusError).retryable, true);
});

t.test('internal errors do not leak messages', async (t) => {
  serve(bus, 'test.crash', 'q', async () => {
    throw new Error('secret detail');
  });
  const err = await request(bus, 'test.crash', {}, 1000).catch((e: unknown) => e);
  t.match((err as BusError).envelope, { kind: 'internal', description: 'internal error' });
});

// Provisioning is idempotent; KV writes are pipelined and compare-and-set by revision.
import t from 'tap';
import { BusError, JetStreamPipeline, KvStore, RevisionConflictError, buckets, connectBus, provision } from '../../src/bus/index.js';
import { startNats } from '../helpers/nats.js';

const nats = await startNats();
const bus = await connectBus({ servers: nats.url });
const opts = { replicas: 1, tokensMaxAgeMs: 3_600_000, tokenEventsMaxAgeMs: 3_600_000 };
const kvs = await provision(bus, opts);
const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
const store = new KvStore<{ n: number }>(buckets.tokens, kvs[buckets.tokens], pipeline);
t.teardown(async () => {
  pipeline.close();
  await bus.close();
  await nats.stop();
});

t.test('provisioning twice changes nothing', async (t) => {
  const again = await provision(bus, opts);
  t.same(Object.keys(again).sort(), Object.values(buckets).sort());
  const names: string[] = [];
  for await (const s of bus.kvm.list()) names.push(s.bucket);
  t.same(names.sort(), Object.values(buckets).sort());
});

t.test('create, update with revision, conflict', async (t) => {
  const r1 = await store.write('k1', { n: 1 }, 0);
  t.ok(r1 > 0);
  const again = await store.write('k1', { n: 9 }, 0).catch((e: unknown) => e);
  t.ok(again instanceof RevisionConflictError, 'create of an existing key conflicts');
  const r2 = await store.write('k1', { n: 2 }, r1);
  t.ok(r2 > r1);
  const stale = await store.write('k1', { n: 3 }, r1).catch((e: unknown) => e);
  t.ok(stale instanceof RevisionConflictError, 'a stale revision never overwrites');
  t.same(await store.get('k1'), { value: { n: 2 }, revision: r2 });
  const r3 = await store.delete('k1', r2);
  t.same(await store.get('k1'), { value: null, revision: r3 });
  t.equal(await store.get('never'), null);
});

t.test('many writes in flight at once', async (t) => {
  const n = 2000;
  const start = performance.now();
  const revs = await Promise.all(Array.from({ length: n }, (_, i) => store.write(`p${i}`, { n: i }, 0)));
  const ms = performance.now() - start;
  t.equal(new Set(revs).size, n);
  t.comment(`${n} pipelined CAS writes in ${ms.toFixed(0)} ms (${Math.round((n / ms) * 1000)}/s)`);
  t.same(await store.get('p1999'), { value: { n: 1999 }, revision: revs[1999] });
});

t.test('a stopped server gives unavailable or timeout, not a hang', async (t) => {
  await nats.stop({ keepStore: true });
  const err = await store.write('down', { n: 0 }, 0).catch((e: unknown) => e);
  t.ok(err instanceof BusError);
  t.ok(['unavailable', 'timeout'].includes((err as BusError).kind));
  await nats.restart();
});

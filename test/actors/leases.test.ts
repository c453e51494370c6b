// Shard leases against a real nats-server: one host takes every shard; a second host joining gets its
// fair share; a crashed host's shards move to the survivor after the lease ends; a stale owner's
// compare-and-set write is refused.
import t from 'tap';
import { type ActorBehavior, ActorHost, ActorRouter, RecordStore } from '../../src/actors/index.js';
import { BusError, JetStreamPipeline, KvStore, RevisionConflictError, buckets, connectBus, provision } from '../../src/bus/index.js';
import { startNats } from '../helpers/nats.js';

const nats = await startNats();
const bus = await connectBus({ servers: nats.url });
const kvs = await provision(bus, { replicas: 1, tokensMaxAgeMs: 3_600_000, tokenEventsMaxAgeMs: 3_600_000 });
const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 1000 });
t.teardown(async () => {
  pipeline.close();
  await bus.close();
  await nats.stop();
});

const shards = 8;

function echo(hostId: string): ActorBehavior & { released: number[] } {
  const released: number[] = [];
  return {
    released,
    async handle(key, msg) {
      return { hostId, key, msg };
    },
    releaseShard(shard) {
      released.push(shard);
    },
  };
}

function host(hostId: string): { host: ActorHost; behavior: ReturnType<typeof echo> } {
  const behavior = echo(hostId);
  const h = new ActorHost({ bus, leasesKv: kvs[buckets.leases], hostId, shards, leaseTtlMs: 1200, leaseRenewMs: 300, behaviors: { client: behavior, token: behavior } });
  return { host: h, behavior };
}

t.test('join, share, crash, take over', async (t) => {
  const a = host('host-a');
  await a.host.start();
  t.equal(a.host.ownedCount('client'), shards, 'a lone host owns every shard');
  const router = new ActorRouter(bus, { shards, timeoutMs: 2000 });
  t.match(await router.call('client', 'k1', 'hi'), { hostId: 'host-a', key: 'k1', msg: 'hi' }, 'reached over NATS');

  const b = host('host-b');
  await b.host.start();
  await a.host.rebalance(); // a sees b and hands back its surplus
  await b.host.rebalance(); // b takes it
  t.equal(a.host.ownedCount('client'), shards / 2);
  t.equal(b.host.ownedCount('client'), shards / 2);
  t.equal(a.behavior.released.length, shards, 'a released half of each kind');
  const owners = new Set<string>();
  for (let i = 0; i < 40; i++) owners.add(((await router.call('token', `key-${i}`, 0)) as { hostId: string }).hostId);
  t.same([...owners].sort(), ['host-a', 'host-b'], 'calls reach both owners');

  b.host.crash();
  // b's shards are unanswered until its leases end; the router retries within its deadline.
  await new Promise((r) => setTimeout(r, 1300));
  await a.host.rebalance();
  t.equal(a.host.ownedCount('client'), shards, 'a took over every shard');
  for (let i = 0; i < 40; i++) t.equal(((await router.call('token', `key-${i}`, 0)) as { hostId: string }).hostId, 'host-a');
  await a.host.stop();
});

t.test('with no owner, calls fail with unavailable within the deadline', async (t) => {
  const router = new ActorRouter(bus, { shards, timeoutMs: 300 });
  const start = Date.now();
  const err = await router.call('client', 'k', 0).catch((e: unknown) => e);
  t.ok(err instanceof BusError && err.kind === 'unavailable');
  t.ok(Date.now() - start < 1000);
});

t.test('a stale owner cannot overwrite a newer write', async (t) => {
  const kv = new KvStore<{ v: number }>(buckets.tokens, kvs[buckets.tokens], pipeline);
  const oldOwner = new RecordStore(kv, 100, shards);
  const newOwner = new RecordStore(kv, 100, shards);
  await oldOwner.create('rec', { v: 1 });
  const seenByOld = await oldOwner.get('rec');
  const seenByNew = await newOwner.get('rec');
  await newOwner.write('rec', { v: 2 }, seenByNew?.revision ?? 0);
  const err = await oldOwner.write('rec', { v: 99 }, seenByOld?.revision ?? 0).catch((e: unknown) => e);
  t.ok(err instanceof RevisionConflictError);
  t.same((await oldOwner.get('rec'))?.value, { v: 2 }, 'after a conflict the stale copy is reloaded');
});

t.test('unknown keys are remembered briefly, and creating one forgets that', async (t) => {
  const kv = new KvStore<{ v: number }>(buckets.tokens, kvs[buckets.tokens], pipeline);
  const store = new RecordStore(kv, 100, shards, 60_000);
  t.equal(await store.get('ghost'), null);
  const misses = store.misses;
  t.equal(await store.get('ghost'), null);
  t.equal(store.misses, misses, 'the second lookup did not read KV');
  await store.create('ghost', { v: 1 });
  t.same((await store.get('ghost'))?.value, { v: 1 });
});

// Two hosts (each a policy pool with the bundle watcher) under a running load of token and introspect
// decisions: publishing v2 and rolling back to v1 switch both hosts with no decision failed or evaluated
// against half an update; a broken bundle forced into the store leaves them on the old version.
import t from 'tap';
import { connectBus } from '../../../src/bus/index.js';
import { type PolicyPool, createPolicyPool } from '../../../src/policy/index.js';
import { PolicyBundleWatcher, PolicyStore, startupBundle } from '../../../src/policy/store/index.js';
import { startNats } from '../../helpers/nats.js';
import { brokenBundle, labelledArchive } from './lib.js';

interface Seen {
  host: number;
  version: string;
  reason: unknown;
  /** The version the host's pool named when the decision was asked for. */
  askedOn: string;
  /** No switch happened on the host between asking and answering. */
  sameEpoch: boolean;
}

t.test('hot swap and rollback under load, two hosts', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  const store = await PolicyStore.open(bus);
  const v1 = (await store.publish(labelledArchive('v1'), { who: 'test' })).record.version;
  const logs: string[] = [];
  const hosts: { pool: PolicyPool; watcher: PolicyBundleWatcher }[] = [];
  for (let i = 0; i < 2; i++) {
    const pool = await createPolicyPool({ bundle: await startupBundle(store, () => Promise.reject(new Error('no fallback'))), workers: 1 });
    const watcher = new PolicyBundleWatcher(store, pool, { log: (l) => logs.push(l) });
    await watcher.start();
    hosts.push({ pool, watcher });
  }
  t.teardown(async () => {
    for (const h of hosts) {
      h.watcher.stop();
      await h.pool.close();
    }
    await bus.close();
    await nats.stop();
  });
  t.same(hosts.map((h) => h.pool.version), [v1, v1], 'both hosts start on the active version');

  const seen: Seen[] = [];
  let failures = 0;
  let stop = false;
  const load = hosts.flatMap((h, host) =>
    Array.from({ length: 4 }, async (_, i) => {
      while (!stop) {
        const askedOn = h.pool.version;
        const epoch = h.watcher.status().swaps;
        try {
          const r = i % 2 === 0 ? await h.pool.decide('portcullis/token', { client: 'c' }) : await h.pool.decide('portcullis/introspect', { ok: true });
          seen.push({ host, version: r.version, reason: r.result.reason, askedOn, sameEpoch: h.watcher.status().swaps === epoch });
        } catch {
          failures++;
        }
      }
    }),
  );
  const settle = async (n: number): Promise<void> => {
    const until = seen.length + n;
    while (seen.length < until) await new Promise((r) => setTimeout(r, 5));
  };
  await settle(200);

  const v2 = (await store.publish(labelledArchive('v2'), { who: 'test' })).record.version;
  t.ok(await hosts[0]?.watcher.waitFor(v2, 10_000), 'host 0 switched to v2');
  t.ok(await hosts[1]?.watcher.waitFor(v2, 10_000), 'host 1 switched to v2');
  const afterV2 = seen.length;
  await settle(200);

  await store.activate(v1, 'test');
  t.ok(await hosts[0]?.watcher.waitFor(v1, 10_000), 'host 0 rolled back to v1');
  t.ok(await hosts[1]?.watcher.waitFor(v1, 10_000), 'host 1 rolled back to v1');
  const afterRollback = seen.length;
  await settle(200);
  stop = true;
  await Promise.all(load);

  t.equal(failures, 0, `no decision failed (${seen.length} made)`);
  const labelOf: Record<string, string> = { [v1]: 'v1', [v2]: 'v2' };
  t.ok(
    seen.every((s) => labelOf[s.version] === s.reason),
    'every decision names v1 or v2 and was evaluated wholly by the version it names',
  );
  // Both hosts may switch before any decision lands between publish and waitFor, so look up to the rollback.
  t.ok(seen.slice(0, afterRollback).some((s) => s.version === v2), 'v2 decided before the rollback');
  // Asked for and answered between two switches of its host: decided by the version active then.
  const afterSwitch = seen.slice(afterV2, afterRollback).filter((s) => s.askedOn === v2 && s.sameEpoch);
  t.ok(afterSwitch.length > 50 && afterSwitch.every((s) => s.version === v2), `after the switch only v2 (${afterSwitch.length})`);
  const afterBack = seen.slice(afterRollback).filter((s) => s.askedOn === v1 && s.sameEpoch);
  t.ok(afterBack.length > 50 && afterBack.every((s) => s.version === v1), `after the rollback only v1 (${afterBack.length})`);
  t.same(hosts.map((h) => h.watcher.status().swaps), [2, 2]);
  t.same(hosts.map((h) => h.watcher.status().ok), [true, true]);
});

t.test('a broken bundle forced into the store leaves hosts on the old version', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  const store = await PolicyStore.open(bus);
  const good = (await store.publish(labelledArchive('good'), { who: 'test' })).record.version;
  const logs: string[] = [];
  const pool = await createPolicyPool({ bundle: await startupBundle(store, () => Promise.reject(new Error('no fallback'))), workers: 1 });
  const watcher = new PolicyBundleWatcher(store, pool, { log: (l) => logs.push(l), hostId: 'host-a' });
  await watcher.start();
  t.teardown(async () => {
    watcher.stop();
    await pool.close();
    await bus.close();
    await nats.stop();
  });

  const broken = (await store.publish(brokenBundle(), { who: 'mallory', force: true })).record.version;
  t.equal((await store.active())?.version, broken, 'the pointer names the broken version');
  t.equal(await watcher.waitFor(broken, 10_000), false, 'the host does not switch');
  t.equal(pool.version, good, 'the old version stays active');
  const r = await pool.decide('portcullis/token', {});
  t.match(r, { version: good, result: { allow: true, reason: 'good' } }, 'and keeps deciding');
  const st = watcher.status();
  t.match(st, { ok: false, running: good, wanted: broken, failures: 1 }, 'the failure is counted');
  t.match(st.detail, new RegExp(`${good} running, ${broken} wanted: .*failed to load`), 'and shown for /readyz');
  t.ok(logs.some((l) => l.includes('failed to load')), 'and logged');
  await new Promise((r) => setTimeout(r, 100));
  t.match(await store.hostReports(), [{ host: 'host-a', running: good, wanted: broken, error: /failed to load/ }], 'and reported to operators (policy active)');

  // A host starting now skips the broken active version and runs its built-in policy.
  const fallback = await startupBundle(store, async () => ({ ...(await store.load(good)).policy, version: 'builtin' }));
  t.equal(fallback.version, 'builtin');

  // The operator rolls back: the host is on the wanted version again.
  await store.activate(good, 'ops');
  await new Promise((r) => setTimeout(r, 200));
  t.match(watcher.status(), { ok: true, running: good, wanted: good });
  t.match(await store.hostReports(), [{ host: 'host-a', running: good, wanted: good, error: null }]);
});

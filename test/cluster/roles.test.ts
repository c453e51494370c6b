// Roles: an actor host (`--role actors`) serves only probes and metrics; two frontends (`--role frontend`)
// share one port on this machine and route each request to the shard's owner over NATS.
import t from 'tap';
import { freePort } from '../helpers/nats.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import { serveProcess, waitFor200 } from './lib/processes.js';

t.setTimeout(90_000);
const cluster = await startNatsCluster();
t.teardown(() => cluster.stop());
const adminKey = 'r'.repeat(40);
const env = { PORTCULLIS_ADMIN_KEY: adminKey, PORTCULLIS_POLICY_WORKERS: '1', PORTCULLIS_LEASE_TTL_MS: '2000', PORTCULLIS_LEASE_RENEW_MS: '500', PORTCULLIS_SHARDS: '8' };
const port = await freePort();
const [actors, fa, fb] = await Promise.all([
  serveProcess({ name: 'actors-1', role: 'actors', natsUrl: cluster.urls, env }),
  serveProcess({ name: 'frontend-a', role: 'frontend', natsUrl: cluster.urls, port, env }),
  serveProcess({ name: 'frontend-b', role: 'frontend', natsUrl: cluster.urls, port, env }),
]);
t.teardown(async () => {
  await Promise.all([actors, fa, fb].map((p) => p?.stop()));
});

t.test('an actor host serves probes only', async (t) => {
  await waitFor200(`${actors?.url}/readyz`, 20_000);
  const ready = (await (await fetch(`${actors?.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
  t.ok(ready.checks.shards?.ok, 'every shard owned');
  t.equal((await fetch(`${actors?.url}/healthz`)).status, 200);
  t.equal((await fetch(`${actors?.url}/metrics`)).status, 200);
  t.equal((await fetch(`${actors?.url}/token`, { method: 'POST' })).status, 404, 'no OAuth endpoints');
  t.equal((await fetch(`${actors?.url}/admin/clients`, { headers: { Authorization: `Bearer ${adminKey}` } })).status, 404, 'no admin API');
});

t.test('two frontends share one port and reach the actors over NATS', async (t) => {
  t.equal(fa?.url, fb?.url, 'same address');
  const url = fa?.url as string;
  // Both frontends answer on this port (each new connection goes to one of them): wait until ten fresh
  // connections in a row find a ready one, so both have read the actor host's leases.
  let readyInARow = 0;
  let ready: { checks: Record<string, { ok: boolean; detail?: string }> } = { checks: {} };
  for (const until = Date.now() + 20_000; readyInARow < 10 && Date.now() < until; ) {
    const res = await fetch(`${url}/readyz`, { headers: { Connection: 'close' } });
    ready = (await res.json()) as typeof ready;
    readyInARow = res.status === 200 ? readyInARow + 1 : 0;
    if (readyInARow === 0) await new Promise((r) => setTimeout(r, 100));
  }
  t.ok(ready.checks.shards?.ok, 'a frontend is ready once actor hosts own every shard');
  t.match(ready.checks.shards?.detail ?? '', /^16\/16 owned by 1 live actor host/, 'as its leases say');
  const created = await fetch(`${url}/admin/clients`, { method: 'POST', headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ client_id: 'roles-app' }) });
  t.equal(created.status, 201);
  const { client_secret: secret } = (await created.json()) as { client_secret: string };
  // Many connections: the kernel spreads them over both processes; each must answer the same.
  const answers = await Promise.all(
    Array.from({ length: 40 }, () =>
      fetch(`${url}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`roles-app:${secret}`).toString('base64')}`, Connection: 'close' },
        body: 'grant_type=client_credentials&scope=read',
      }).then(async (r) => `${r.status} ${((await r.json()) as { error?: string }).error ?? ''}`),
    ),
  );
  // No entitlement: policy denies, which proves the request reached a client actor and the policy pool.
  t.same(new Set(answers), new Set(['400 access_denied']));
  const metrics = await Promise.all([fa, fb].map(async () => (await fetch(`${url}/metrics`, { headers: { Connection: 'close' } })).text()));
  t.ok(metrics.every((m) => m.includes('portcullis_http_requests_total')));
});

t.test('a frontend is not ready while no actor host serves the shards', async (t) => {
  const url = fa?.url as string;
  await actors?.stop();
  let last = { status: 0, body: '' };
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const res = await fetch(`${url}/readyz`, { headers: { Connection: 'close' } });
    last = { status: res.status, body: await res.text() };
    if (res.status === 503) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(last.status, 503, 'not ready once the only actor host has stopped');
  t.match(JSON.parse(last.body), { checks: { shards: { ok: false } } }, 'because of the shards');
});

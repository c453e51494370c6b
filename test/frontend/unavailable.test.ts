// NATS or policy-worker failure: 503 with Retry-After, promptly, never a hang; service resumes after.
import t from 'tap';
import { createPolicyPool, loadDefaultBundle } from '../../src/policy/index.js';
import type { ServerPool } from '../../src/server/index.js';
import { provisionWorld, startHarness } from '../e2e/lib/harness.js';

const real = await createPolicyPool({ bundle: await loadDefaultBundle(), workers: 1 });
let workersDown = false;
const pool: ServerPool = {
  decide: (e, i) => (workersDown ? Promise.reject(Object.assign(new Error('worker died'), { code: 'policy_worker_error' })) : real.decide(e, i)),
  setData: (d) => real.setData(d),
  close: () => real.close(),
};
const h = await startHarness({ requestTimeoutMs: 1500, kvTimeoutMs: 1000, retryAfterSeconds: 2 }, { pool });
t.teardown(() => h.stop());
const w = await provisionWorld(h);
const form = { grant_type: 'client_credentials', scope: 'read', resource: 'https://orders.example', resource_type: 'api' };

t.test('policy workers failing', async (t) => {
  workersDown = true;
  const res = await h.form('/token', form, w.client);
  workersDown = false;
  t.equal(res.status, 503);
  t.equal(res.body.error, 'temporarily_unavailable');
  t.equal(res.headers.get('retry-after'), '2');
  t.equal((await h.form('/token', form, w.client)).status, 200, 'and back');
});

t.test('NATS down', async (t) => {
  const tok = await h.form('/token', form, w.client);
  await h.nats.stop({ keepStore: true });
  const start = Date.now();
  const res = await h.form('/token', form, w.client);
  t.equal(res.status, 503, JSON.stringify(res.body));
  t.equal(res.body.error, 'temporarily_unavailable');
  t.equal(res.headers.get('retry-after'), '2');
  t.ok(Date.now() - start < 3000, `answered in ${Date.now() - start} ms`);
  const ready = await fetch(`${h.url}/readyz`);
  t.equal(ready.status, 503, '/readyz says not ready');
  await h.nats.restart();
  let ok = 0;
  for (let i = 0; i < 50 && ok === 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    if ((await h.form('/token', form, w.client)).status === 200) ok++;
  }
  t.equal(ok, 1, 'tokens are issued again after NATS returns');
  t.equal((await h.form('/introspect', { token: tok.body.access_token as string }, w.rs)).body.active, true, 'and earlier tokens survived');
});

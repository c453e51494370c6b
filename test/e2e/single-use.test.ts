// A jit_single_use token is active for exactly one of 200 concurrent introspections.
import t from 'tap';
import { basic, provisionWorld, startHarness } from './lib/harness.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);

t.test('200 concurrent introspections, one active', async (t) => {
  const c = await h.admin('POST', '/admin/clients', { client_id: 'once' });
  t.equal((await h.admin('POST', '/admin/entitlements', { id: 'once', client_id: 'once', scopes: ['read'], resource_types: ['api'], jit_single_use: true })).status, 201);
  const tok = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, { id: 'once', secret: c.body.client_secret as string });
  t.equal(tok.status, 200, JSON.stringify(tok.body));
  const body = `token=${encodeURIComponent(tok.body.access_token as string)}`;
  const results = await Promise.all(
    Array.from({ length: 200 }, () =>
      fetch(`${h.url}/introspect`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(w.rs.id, w.rs.secret) },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { active: boolean; jit_single_use?: boolean } })),
    ),
  );
  t.same(new Set(results.map((r) => r.status)), new Set([200]));
  const active = results.filter((r) => r.body.active);
  t.equal(active.length, 1, 'exactly one active:true');
  t.equal(active[0]?.body.jit_single_use, true);
  t.same((await h.form('/introspect', { token: tok.body.access_token as string }, w.rs)).body, { active: false }, 'and inactive ever after');
});

// Issue → introspect → revoke over real HTTP, NATS and policy workers.
import t from 'tap';
import { provisionWorld, startHarness } from './lib/harness.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);

t.test('issue, introspect, revoke', async (t) => {
  const tok = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api.orders' }, w.client);
  t.equal(tok.status, 200, JSON.stringify(tok.body));
  t.equal(tok.headers.get('cache-control'), 'no-store');
  t.match(tok.body, { token_type: 'Bearer', scope: 'read' });
  t.type(tok.body.expires_in, 'number');
  const token = tok.body.access_token as string;
  t.match(token, /^[A-Za-z0-9_-]{43}$/);

  const intro = await h.form('/introspect', { token, rs_context: JSON.stringify({ action: 'read', resource_type: 'api.orders' }) }, w.rs);
  t.equal(intro.status, 200);
  t.match(intro.body, { active: true, scope: 'read', client_id: w.client.id, token_type: 'Bearer', aud: [w.rs.resource] });
  t.type(intro.body.decision_id, 'string');
  t.type(intro.body.exp, 'number');
  t.type(intro.body.iat, 'number');

  const rev = await h.form('/revoke', { token }, w.client);
  t.equal(rev.status, 200);
  const after = await h.form('/introspect', { token }, w.rs);
  t.same(after.body, { active: false });
});

// Policy decides: denial without entitlement, TTL override, the wrong resource server sees
// active:false, and removing an entitlement changes the very next decision.
import t from 'tap';
import { provisionWorld, startHarness } from './lib/harness.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);

t.test('a client without entitlement is denied', async (t) => {
  const c = await h.admin('POST', '/admin/clients', { client_id: 'nobody' });
  const res = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, { id: 'nobody', secret: c.body.client_secret as string });
  t.equal(res.status, 400);
  t.equal(res.body.error, 'access_denied');
  t.match(res.body.error_description, /policy denied/);
  t.equal(res.headers.get('cache-control'), 'no-store');
});

t.test('TTL override from the entitlement', async (t) => {
  await h.admin('POST', '/admin/clients', { client_id: 'short' }).then(async (c) => {
    t.equal((await h.admin('POST', '/admin/entitlements', { id: 'short', client_id: 'short', scopes: ['read'], resource_types: ['api'], ttl: 120 })).status, 201);
    const res = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, { id: 'short', secret: c.body.client_secret as string });
    t.equal(res.status, 200, JSON.stringify(res.body));
    t.equal(res.body.expires_in, 120);
    const intro = await h.form('/introspect', { token: res.body.access_token as string }, w.rs);
    t.equal(intro.body.active, true);
    t.equal((intro.body.exp as number) - (intro.body.iat as number), 120);
  });
});

t.test('a resource server the token is not bound to sees active:false', async (t) => {
  const tok = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, w.client);
  t.equal(tok.status, 200);
  const token = tok.body.access_token as string;
  t.same((await h.form('/introspect', { token }, w.otherRs)).body, { active: false });
  t.equal((await h.form('/introspect', { token }, w.rs)).body.active, true);
  t.same((await h.form('/introspect', { token }, w.client)).body, { active: false }, 'a client that is no resource server learns nothing');
});

t.test('an unknown resource indicator is invalid_target', async (t) => {
  const res = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: 'https://nowhere.example' }, w.client);
  t.equal(res.status, 400);
  t.equal(res.body.error, 'invalid_target');
});

t.test('removing an entitlement changes the next decision', async (t) => {
  const c = await h.admin('POST', '/admin/clients', { client_id: 'fickle' });
  const creds = { id: 'fickle', secret: c.body.client_secret as string };
  t.equal((await h.admin('POST', '/admin/entitlements', { id: 'fickle', client_id: 'fickle', scopes: ['read'], resource_types: ['api'] })).status, 201);
  const form = { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' };
  t.equal((await h.form('/token', form, creds)).status, 200);
  const before = await h.form('/token', form, creds);
  t.equal((await h.admin('DELETE', '/admin/entitlements/fickle')).status, 204);
  const after = await h.form('/token', form, creds);
  t.equal(after.status, 400);
  t.equal(after.body.error, 'access_denied');
  // The token issued before the change no longer passes the introspection decision either.
  t.same((await h.form('/introspect', { token: before.body.access_token as string }, w.rs)).body, { active: false });
});

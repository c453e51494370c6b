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

  // RFC 7662 §2.1: a hint the server does not know only widens the search.
  t.equal((await h.form('/introspect', { token, token_type_hint: 'urn:example:unknown-type' }, w.rs)).body.active, true, 'an unknown token_type_hint is ignored');

  const byOther = await h.form('/revoke', { token }, w.rs);
  t.equal(byOther.status, 200, 'another client revoking: 200…');
  t.equal((await h.form('/introspect', { token }, w.rs)).body.active, true, '…and no effect');

  const rev = await h.form('/revoke', { token }, w.client);
  t.equal(rev.status, 200);
  t.equal(rev.headers.get('content-type'), null, 'an empty answer is not labelled JSON');
  t.equal(rev.headers.get('cache-control'), 'no-store');
  const after = await h.form('/introspect', { token }, w.rs);
  t.same(after.body, { active: false });
});

t.test('JSON bodies work like forms', async (t) => {
  const auth = { Authorization: `Basic ${Buffer.from(`${w.client.id}:${w.client.secret}`).toString('base64')}`, 'Content-Type': 'application/json' };
  const tok = await fetch(`${h.url}/token`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ grant_type: 'client_credentials', scope: 'read', resource: [w.rs.resource], resource_type: 'api' }),
  });
  t.equal(tok.status, 200);
  const { access_token } = (await tok.json()) as { access_token: string };
  const rsAuth = { Authorization: `Basic ${Buffer.from(`${w.rs.id}:${w.rs.secret}`).toString('base64')}`, 'Content-Type': 'application/json' };
  const intro = await fetch(`${h.url}/introspect`, { method: 'POST', headers: rsAuth, body: JSON.stringify({ token: access_token, rs_context: { action: 'read' } }) });
  t.match(await intro.json(), { active: true, scope: 'read' });
});

t.test('an expired token is inactive', async (t) => {
  const c = await h.admin('POST', '/admin/clients', { client_id: 'brief' });
  await h.admin('POST', '/admin/entitlements', { id: 'brief', client_id: 'brief', scopes: ['read'], resource_types: ['api'], ttl: 1 });
  const tok = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, { id: 'brief', secret: c.body.client_secret as string });
  t.equal(tok.body.expires_in, 1);
  const token = tok.body.access_token as string;
  await new Promise((r) => setTimeout(r, 2100)); // token lifetimes are whole seconds on the wire
  t.same((await h.form('/introspect', { token }, w.rs)).body, { active: false });
});

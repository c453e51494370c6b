// Discovery metadata, JWKS, health, readiness and Prometheus metrics.
import t from 'tap';
import { provisionWorld, startHarness } from '../e2e/lib/harness.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);

t.test('RFC 8414 metadata', async (t) => {
  const res = await fetch(`${h.url}/.well-known/oauth-authorization-server`);
  t.equal(res.status, 200);
  const m = (await res.json()) as Record<string, unknown>;
  const iss = h.server.config.issuer;
  t.match(m, {
    issuer: iss,
    token_endpoint: `${iss}/token`,
    introspection_endpoint: `${iss}/introspect`,
    revocation_endpoint: `${iss}/revoke`,
    jwks_uri: `${iss}/jwks`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    registration_endpoint: `${iss}/register`,
  });
  t.same(await (await fetch(`${h.url}/jwks`)).json(), { keys: [] });
  // HEAD answers as GET, without the body (RFC 9110 §9.3.2).
  const head = await fetch(`${h.url}/.well-known/oauth-authorization-server`, { method: 'HEAD' });
  t.equal(head.status, 200, 'HEAD of the metadata');
  t.equal(head.headers.get('content-type'), 'application/json');
  t.equal(head.headers.get('content-length'), String(Buffer.byteLength(JSON.stringify(m))), 'with the length a GET gets');
  t.equal((await head.arrayBuffer()).byteLength, 0, 'and no body');
  const put = await fetch(`${h.url}/jwks`, { method: 'PUT' });
  t.equal(put.status, 405);
  t.equal(put.headers.get('allow'), 'GET, HEAD');
});

t.test('health and readiness', async (t) => {
  t.equal((await fetch(`${h.url}/healthz`)).status, 200);
  const r = await fetch(`${h.url}/readyz`);
  const body = (await r.json()) as { status: string; checks: Record<string, { ok: boolean }> };
  t.equal(r.status, 200, JSON.stringify(body));
  t.match(body.checks, { nats: { ok: true }, shards: { ok: true }, policy: { ok: true } });
});

t.test('metrics', async (t) => {
  await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, w.client);
  await h.form('/token', { grant_type: 'password' }, w.client);
  const text = await (await fetch(`${h.url}/metrics`)).text();
  t.match(text, /portcullis_http_requests_total\{endpoint="token",outcome="200"\} 1/);
  t.match(text, /portcullis_http_requests_total\{endpoint="token",outcome="unsupported_grant_type"\} 1/);
  t.match(text, /portcullis_http_request_duration_seconds_bucket\{endpoint="token",outcome="200",le="\+Inf"\} 1/);
  t.match(text, /portcullis_policy_decision_duration_seconds_count\{phase="token",outcome="allow"\} 1/);
  t.match(text, /portcullis_shards_owned\{kind="token"\} 64/);
  t.match(text, /portcullis_policy_pool\{what="queue_depth"\} \d+/);
});

t.test('admin CRUD round trip', async (t) => {
  t.equal((await h.admin('POST', '/admin/resources', { id: 'order-1', type: 'api.orders', server: 'orders-rs', owner: w.client.id })).status, 201);
  t.match((await h.admin('GET', '/admin/resources/order-1')).body, { id: 'order-1', owner: w.client.id });
  t.equal((await h.admin('PUT', '/admin/resources/order-1', { type: 'api.orders', server: 'orders-rs' })).status, 200);
  t.equal((await h.admin('GET', '/admin/resources/order-1')).body.owner, undefined, 'PUT replaces');
  t.equal(((await h.admin('GET', '/admin/resources')).body.resources as unknown[]).length, 1);
  t.equal((await h.admin('DELETE', '/admin/resources/order-1')).status, 204);
  t.equal((await h.admin('GET', '/admin/resources/order-1')).status, 404);
  const upd = await h.admin('PATCH', `/admin/clients/${w.client.id}`, { client_name: 'Renamed' });
  t.equal(upd.body.client_name, 'Renamed');
  const rotated = await h.admin('POST', `/admin/clients/${w.client.id}/secret`);
  t.match(rotated.body.client_secret, /^[A-Za-z0-9_-]{43}$/);
  const old = await h.form('/token', { grant_type: 'client_credentials' }, w.client);
  t.equal(old.status, 401, 'the old secret stops working');
  const fresh = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, { id: w.client.id, secret: rotated.body.client_secret as string });
  t.equal(fresh.status, 200);
  const list = (await h.admin('GET', '/admin/clients')).body.clients as Record<string, unknown>[];
  t.ok(list.length >= 3);
  t.ok(list.every((c) => c.client_secret_hash === undefined && c.client_secret === undefined));
});

// Forward-auth behind a real nginx (Debian's, `auth_request`) in front of a small upstream on loopback:
// an allowed request reaches the upstream with the decision's obligations as headers, a missing or bad
// token gets 401 with WWW-Authenticate, a request policy denies gets 403, and a single-use token passes
// exactly once.
import { type IncomingHttpHeaders, createServer } from 'node:http';
import t from 'tap';
import { basic, provisionWorld, startHarness } from '../e2e/lib/harness.js';
import { freePort } from '../helpers/nats.js';
import { nginxBinary, startNginx } from './lib/nginx.js';

const nginx = nginxBinary();
if (!nginx) {
  t.plan(0, 'nginx is not installed and `apt-get install -y nginx` failed: cannot test forward-auth behind nginx');
} else {
  const h = await startHarness();
  t.teardown(() => h.stop());
  const w = await provisionWorld(h);
  // Single-use tokens for the same resource server.
  const once = await h.admin('POST', '/admin/clients', { client_id: 'once' });
  await h.admin('POST', '/admin/entitlements', { id: 'once', client_id: 'once', scopes: ['read'], resource_types: ['api'], jit_single_use: true });

  // The upstream: answers with the headers it received.
  const seen: IncomingHttpHeaders[] = [];
  const upstream = createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ upstream: true, method: req.method, url: req.url }));
  });
  const upstreamPort = await freePort();
  await new Promise<void>((r) => upstream.listen(upstreamPort, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => upstream.close(() => r())));

  const port = await freePort();
  const proxy = await startNginx({
    binary: nginx,
    port,
    upstream: `127.0.0.1:${upstreamPort}`,
    portcullis: new URL(h.url).host,
    gatewayAuthorization: basic(w.rs.id, w.rs.secret),
    resourceType: 'api.orders',
  });
  t.teardown(() => proxy.stop());
  const base = proxy.url;

  const mint = async (creds: { id: string; secret: string }, scope: string): Promise<string> => {
    const r = await h.form('/token', { grant_type: 'client_credentials', scope, resource: w.rs.resource, resource_type: 'api.orders' }, creds);
    if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token as string;
  };
  const via = (path: string, token?: string, method = 'GET'): Promise<Response> =>
    fetch(`${base}${path}`, { method, headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

  t.test('allowed: the upstream answers and sees the obligations', async (t) => {
    const token = await mint(w.client, 'read write');
    const before = seen.length;
    const res = await via('/orders/42?x=1', token);
    t.equal(res.status, 200);
    t.same(await res.json(), { upstream: true, method: 'GET', url: '/orders/42?x=1' });
    t.equal(seen.length, before + 1);
    const hdrs = seen[seen.length - 1] ?? {};
    t.equal(hdrs['x-portcullis-client-id'], w.client.id);
    t.match(hdrs['x-portcullis-obligation-types'], /audit/, 'the type’s obligation reached the upstream');
    t.match(JSON.parse(String(hdrs['x-portcullis-obligations'])), [{ type: 'audit' }]);
    t.match(hdrs['x-portcullis-scope'], /read/);
    t.ok(hdrs['x-portcullis-decision-id'], 'the decision id reached the upstream');
    t.equal(hdrs.authorization, undefined, 'the bearer token was not passed on');
    t.equal((await via('/orders', token, 'POST')).status, 200, 'POST maps to write, in scope');
  });

  t.test('no token, a bad token: 401 with WWW-Authenticate', async (t) => {
    const before = seen.length;
    const none = await via('/orders/42');
    t.equal(none.status, 401);
    t.match(none.headers.get('www-authenticate'), /^Bearer realm="portcullis"/);
    const bad = await via('/orders/42', 'x'.repeat(43));
    t.equal(bad.status, 401);
    t.match(bad.headers.get('www-authenticate'), /error="invalid_token"/);
    t.equal(seen.length, before, 'the upstream saw neither');
  });

  t.test('denied by policy: an action outside the token’s scope', async (t) => {
    const token = await mint(w.client, 'read');
    const before = seen.length;
    const res = await via('/orders/42', token, 'DELETE');
    t.equal(res.status, 403, 'a good token that policy refuses is 403, not 401');
    t.equal(seen.length, before, 'the upstream never saw it');
    t.equal((await via('/orders/42', token)).status, 200, 'a read with the same token passes');
  });

  t.test('single use: consumed by the first request', async (t) => {
    const token = await mint({ id: 'once', secret: once.body.client_secret as string }, 'read');
    const answers = await Promise.all(Array.from({ length: 8 }, () => via('/orders/7', token).then((r) => r.status)));
    t.equal(answers.filter((s) => s === 200).length, 1, `exactly one passes: ${answers.join(',')}`);
    t.equal(answers.filter((s) => s === 401).length, 7, 'the rest are 401');
    t.match(seen[seen.length - 1]?.['x-portcullis-obligation-types'], /single_use/);
    t.equal((await via('/orders/7', token)).status, 401, 'and ever after');
  });

  t.test('a gateway with wrong credentials is a gateway error, not a 401 to the user', async (t) => {
    const res = await fetch(`${h.url}/forward-auth`, { headers: { Authorization: 'Bearer abc', 'X-Portcullis-Authorization': basic(w.rs.id, 'wrong-secret') } });
    t.equal(res.status, 500);
    t.match(await res.json(), { error: 'invalid_client' });
  });
}

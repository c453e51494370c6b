// The bad-input table: malformed, oversized, wrongly typed or unauthenticated requests each get an
// exact status and error code in the RFC 6749 form, and the server keeps serving.
import { connect } from 'node:net';
import t from 'tap';
import { basic, provisionWorld, startHarness } from '../e2e/lib/harness.js';

const h = await startHarness({ bodyLimitBytes: 4096, requestTimeoutMs: 1000 });
t.teardown(() => h.stop());
const w = await provisionWorld(h);
const app = basic(w.client.id, w.client.secret);
const rsAuth = basic(w.rs.id, w.rs.secret);
const admin = `Bearer ${h.adminKey}`;
const form = 'application/x-www-form-urlencoded';
const json = 'application/json';
const cc = 'grant_type=client_credentials';

interface Case {
  name: string;
  method?: string;
  path: string;
  type?: string;
  auth?: string;
  body?: string;
  status: number;
  error?: string;
  /** For 200 answers: fields the body must have. */
  match?: Record<string, unknown>;
}

const cases: Case[] = [
  // token endpoint: transport
  { name: 'GET /token', method: 'GET', path: '/token', status: 405, error: 'invalid_request' },
  { name: 'no Content-Type', path: '/token', auth: app, body: cc, status: 415, error: 'invalid_request' },
  { name: 'text/plain body', path: '/token', type: 'text/plain', auth: app, body: cc, status: 415, error: 'invalid_request' },
  { name: 'body over the limit', path: '/token', type: form, auth: app, body: `${cc}&pad=${'x'.repeat(5000)}`, status: 413, error: 'invalid_request' },
  { name: 'malformed percent-encoding', path: '/token', type: form, auth: app, body: `${cc}&scope=%zz`, status: 400, error: 'invalid_request' },
  { name: 'too many parameters', path: '/token', type: form, auth: app, body: `${cc}${'&a=1'.repeat(130)}`, status: 400, error: 'invalid_request' },
  { name: 'JSON that does not parse', path: '/token', type: json, auth: app, body: '{"grant_type":', status: 400, error: 'invalid_request' },
  { name: 'JSON array body', path: '/token', type: json, auth: app, body: '["client_credentials"]', status: 400, error: 'invalid_request' },
  { name: 'JSON grant_type of the wrong type', path: '/token', type: json, auth: app, body: '{"grant_type":1}', status: 400, error: 'invalid_request' },
  { name: 'JSON nested object where a string belongs', path: '/token', type: json, auth: app, body: '{"grant_type":"client_credentials","scope":{"a":1}}', status: 400, error: 'invalid_request' },
  // token endpoint: grant
  { name: 'grant_type missing', path: '/token', type: form, auth: app, body: 'scope=read', status: 400, error: 'invalid_request' },
  { name: 'grant_type empty', path: '/token', type: form, auth: app, body: 'grant_type=', status: 400, error: 'invalid_request' },
  { name: 'grant_type unsupported', path: '/token', type: form, auth: app, body: 'grant_type=password', status: 400, error: 'unsupported_grant_type' },
  { name: 'grant_type repeated', path: '/token', type: form, auth: app, body: `${cc}&${cc}`, status: 400, error: 'invalid_request' },
  // token endpoint: client authentication
  { name: 'no client authentication', path: '/token', type: form, body: cc, status: 401, error: 'invalid_client' },
  { name: 'Bearer scheme', path: '/token', type: form, auth: 'Bearer abc', body: cc, status: 401, error: 'invalid_client' },
  { name: 'Basic not base64', path: '/token', type: form, auth: 'Basic ***', body: cc, status: 400, error: 'invalid_request' },
  { name: 'Basic without a colon', path: '/token', type: form, auth: `Basic ${Buffer.from('app').toString('base64')}`, body: cc, status: 400, error: 'invalid_request' },
  { name: 'Basic with a bad percent-encoding', path: '/token', type: form, auth: `Basic ${Buffer.from('%zz:x').toString('base64')}`, body: cc, status: 400, error: 'invalid_request' },
  { name: 'Basic and client_secret together', path: '/token', type: form, auth: app, body: `${cc}&client_secret=x`, status: 400, error: 'invalid_request' },
  { name: 'Basic and a different client_id', path: '/token', type: form, auth: app, body: `${cc}&client_id=other`, status: 400, error: 'invalid_request' },
  { name: 'wrong secret', path: '/token', type: form, auth: basic(w.client.id, 'wrong'), body: cc, status: 401, error: 'invalid_client' },
  { name: 'unknown client', path: '/token', type: form, auth: basic('ghost', 'x'), body: cc, status: 401, error: 'invalid_client' },
  { name: 'client_id without client_secret', path: '/token', type: form, body: `${cc}&client_id=${w.client.id}`, status: 401, error: 'invalid_client' },
  { name: 'client_secret_post with a wrong secret', path: '/token', type: form, body: `${cc}&client_id=${w.client.id}&client_secret=nope`, status: 401, error: 'invalid_client' },
  // token endpoint: scope and resources
  { name: 'scope with two spaces', path: '/token', type: form, auth: app, body: `${cc}&scope=read%20%20write`, status: 400, error: 'invalid_scope' },
  { name: 'scope with a quote', path: '/token', type: form, auth: app, body: `${cc}&scope=%22read`, status: 400, error: 'invalid_scope' },
  { name: 'scope repeated', path: '/token', type: form, auth: app, body: `${cc}&scope=read&scope=write`, status: 400, error: 'invalid_request' },
  { name: 'relative resource', path: '/token', type: form, auth: app, body: `${cc}&resource=orders`, status: 400, error: 'invalid_target' },
  { name: 'resource with a fragment', path: '/token', type: form, auth: app, body: `${cc}&resource=https%3A%2F%2Forders.example%23x`, status: 400, error: 'invalid_target' },
  { name: 'unknown resource', path: '/token', type: form, auth: app, body: `${cc}&resource=https%3A%2F%2Fevil.example`, status: 400, error: 'invalid_target' },
  { name: 'unknown resource_type', path: '/token', type: form, auth: app, body: `${cc}&resource_type=ghost`, status: 400, error: 'invalid_target' },
  { name: 'malformed resource_type', path: '/token', type: form, auth: app, body: `${cc}&resource_type=a%20b`, status: 400, error: 'invalid_target' },
  // introspection
  { name: 'introspect without token', path: '/introspect', type: form, auth: rsAuth, body: '', status: 400, error: 'invalid_request' },
  { name: 'introspect token_type_hint twice', path: '/introspect', type: form, auth: rsAuth, body: 'token=abc&token_type_hint=access_token&token_type_hint=id_token', status: 400, error: 'invalid_request' },
  { name: 'rs_context not JSON', path: '/introspect', type: form, auth: rsAuth, body: 'token=abc&rs_context=%7B', status: 400, error: 'invalid_request' },
  { name: 'rs_context a JSON array', path: '/introspect', type: form, auth: rsAuth, body: 'token=abc&rs_context=%5B1%5D', status: 400, error: 'invalid_request' },
  { name: 'JSON rs_context a number', path: '/introspect', type: json, auth: rsAuth, body: '{"token":"abc","rs_context":5}', status: 400, error: 'invalid_request' },
  { name: 'introspect unauthenticated', path: '/introspect', type: form, body: 'token=abc', status: 401, error: 'invalid_client' },
  { name: 'introspect wrong secret', path: '/introspect', type: form, auth: basic(w.rs.id, 'bad'), body: 'token=abc', status: 401, error: 'invalid_client' },
  { name: 'introspect a garbage token', path: '/introspect', type: form, auth: rsAuth, body: 'token=%00%01', status: 200, match: { active: false } },
  { name: 'introspect an unknown token', path: '/introspect', type: form, auth: rsAuth, body: `token=${'A'.repeat(43)}`, status: 200, match: { active: false } },
  // revocation
  { name: 'revoke without token', path: '/revoke', type: form, auth: app, body: 'token_type_hint=access_token', status: 400, error: 'invalid_request' },
  { name: 'revoke unknown token_type_hint', path: '/revoke', type: form, auth: app, body: 'token=abc&token_type_hint=x', status: 400, error: 'unsupported_token_type' },
  { name: 'revoke unauthenticated', path: '/revoke', type: form, body: 'token=abc', status: 401, error: 'invalid_client' },
  { name: 'revoke an unknown token', path: '/revoke', type: form, auth: app, body: `token=${'B'.repeat(43)}`, status: 200 },
  // routes
  { name: 'unknown route', method: 'GET', path: '/nope', status: 404, error: 'not_found' },
  { name: 'POST to the metadata', path: '/.well-known/oauth-authorization-server', type: form, body: '', status: 405, error: 'invalid_request' },
  // admin
  { name: 'admin without a key', method: 'GET', path: '/admin/clients', status: 401, error: 'unauthorized' },
  { name: 'admin with a wrong key', method: 'GET', path: '/admin/clients', auth: 'Bearer wrong-key', status: 401, error: 'unauthorized' },
  { name: 'admin with Basic', method: 'GET', path: '/admin/clients', auth: app, status: 401, error: 'unauthorized' },
  { name: 'client with a short secret', path: '/admin/clients', type: json, auth: admin, body: '{"client_secret":"short"}', status: 400, error: 'invalid_client_metadata' },
  { name: 'client with a bad client_id', path: '/admin/clients', type: json, auth: admin, body: '{"client_id":"a b"}', status: 400, error: 'invalid_client_metadata' },
  { name: 'client with an unknown grant type', path: '/admin/clients', type: json, auth: admin, body: '{"grant_types":["password"]}', status: 400, error: 'invalid_client_metadata' },
  { name: 'admin body not JSON', path: '/admin/clients', type: json, auth: admin, body: '{', status: 400, error: 'invalid_request' },
  { name: 'admin body as a form', path: '/admin/clients', type: form, auth: admin, body: 'client_id=x', status: 415, error: 'invalid_request' },
  { name: 'unknown client', method: 'GET', path: '/admin/clients/ghost', auth: admin, status: 404, error: 'not_found' },
  { name: 'duplicate client', path: '/admin/clients', type: json, auth: admin, body: JSON.stringify({ client_id: w.client.id }), status: 409, error: 'conflict' },
  { name: 'resource server for an unknown client', path: '/admin/resource-servers', type: json, auth: admin, body: '{"id":"x","client_id":"ghost","resource":"https://x.example"}', status: 400, error: 'invalid_request' },
  { name: 'resource server with a relative indicator', path: '/admin/resource-servers', type: json, auth: admin, body: JSON.stringify({ id: 'x', client_id: w.client.id, resource: 'x' }), status: 400, error: 'invalid_request' },
  { name: 'resource server taking another’s indicator', path: '/admin/resource-servers', type: json, auth: admin, body: JSON.stringify({ id: 'dup', client_id: w.client.id, resource: w.rs.resource }), status: 409, error: 'conflict' },
  { name: 'entitlement with client_id and software_id', path: '/admin/entitlements', type: json, auth: admin, body: '{"id":"e","client_id":"a","software_id":"b"}', status: 400, error: 'invalid_request' },
  { name: 'entitlement with a negative ttl', path: '/admin/entitlements', type: json, auth: admin, body: '{"id":"e","client_id":"a","ttl":-5}', status: 400, error: 'invalid_request' },
  { name: 'resource type name differs from the URL', method: 'PUT', path: '/admin/resource-types/x', type: json, auth: admin, body: '{"name":"y","scopes":[]}', status: 400, error: 'invalid_request' },
  { name: 'resource type scopes not an array', path: '/admin/resource-types', type: json, auth: admin, body: '{"name":"t","scopes":"read"}', status: 400, error: 'invalid_request' },
  { name: 'delete a missing resource', method: 'DELETE', path: '/admin/resources/missing', auth: admin, status: 404, error: 'not_found' },
  { name: 'admin id with a bad percent-encoding', method: 'GET', path: '/admin/clients/%zz', auth: admin, status: 400, error: 'invalid_request' },
];

t.ok(cases.length >= 40, `${cases.length} cases`);

for (const c of cases) {
  t.test(c.name, async (t) => {
    const headers: Record<string, string> = {};
    if (c.type) headers['Content-Type'] = c.type;
    if (c.auth) headers.Authorization = c.auth;
    const res = await fetch(`${h.url}${c.path}`, { method: c.method ?? 'POST', headers, body: c.body });
    const text = await res.text();
    t.equal(res.status, c.status, text);
    if (c.error) {
      const body = JSON.parse(text) as { error: string; error_description: string };
      t.equal(body.error, c.error);
      t.type(body.error_description, 'string');
      t.notMatch(body.error_description, /at .*\.(ts|js):\d+/, 'no stack trace');
      t.equal(res.headers.get('content-type'), 'application/json');
    }
    if (c.match) t.match(JSON.parse(text), c.match);
    if (c.status === 401) t.ok(res.headers.get('www-authenticate'), 'WWW-Authenticate on 401');
    if (c.status === 405) t.ok(res.headers.get('allow'));
  });
}

function raw(payload: string, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(h.server.port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => {
      out += d.toString();
    });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.write(payload);
    setTimeout(() => {
      s.destroy();
      resolve(out);
    }, waitMs);
  });
}

t.test('a stalled body is answered 408 and the connection closed', async (t) => {
  const out = await raw(`POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: ${form}\r\nContent-Length: 100\r\n\r\ngrant_type=cli`);
  t.match(out, /^HTTP\/1\.1 408 /);
  t.match(out, /"error":"invalid_request"/);
});

t.test('a client that goes away mid-body does not hurt the server', async (t) => {
  await new Promise<void>((resolve) => {
    const s = connect(h.server.port, '127.0.0.1', () => {
      s.write(`POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: ${form}\r\nContent-Length: 100\r\n\r\ngrant`);
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 50);
    });
  });
  const ok = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, w.client);
  t.equal(ok.status, 200);
});

t.test('a declared Content-Length over the limit is refused before reading', async (t) => {
  const out = await raw(`POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: ${form}\r\nContent-Length: 999999\r\n\r\n`, 1000);
  t.match(out, /^HTTP\/1\.1 413 /);
});

// Issue 6 end to end: each registration door (admin API with private_key_jwt, RFC 7591 with a software
// statement, plain registration where policy allows it, a Client ID Metadata Document URL) from request to
// a working token; software statements refused; software_id entitlements; RFC 7592 management; DPoP-bound
// tokens with cnf at introspection and the resource server's proof checked. Real keys (jose), real HTTP,
// a real nats-server.
import t from 'tap';
import { provisionWorld, startHarness } from './lib/harness.js';
import { clientAssertion, dpopProof, keyPair, softwareStatement, startDocServer, thumbprint } from './lib/issue6.js';

const docs = await startDocServer();
const initialAccessToken = 'iat-partners-0123456789abcdef0123456789';
const h = await startHarness({ fetchAllowHttp: true, fetchAllowlist: '127.0.0.1', fetchTimeoutMs: 1000, registrationInitialAccessToken: initialAccessToken });
t.teardown(async () => {
  await h.stop();
  await docs.close();
});
const w = await provisionWorld(h);
const tokenUrl = `${h.server.config.issuer}/token`;
const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function json(method: string, path: string, body?: unknown, auth?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(path.startsWith('http') ? path : `${h.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(auth ? { Authorization: auth } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const tokenForm = { grant_type: 'client_credentials', scope: 'read', resource: 'https://orders.example', resource_type: 'api' };

async function mustAdmin(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await h.admin(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const issuerKey = await keyPair();
const otherKey = await keyPair();
await mustAdmin('POST', '/admin/software-statement-issuers', { id: 'trusted-issuer', issuer: 'https://issuer.test', jwks: { keys: [issuerKey.jwk] } });

t.test('admin API client with private_key_jwt gets a token; the jti is single use; a secret does not work', async (t) => {
  const k = await keyPair();
  const created = await mustAdmin('POST', '/admin/clients', { client_id: 'pkjwt-app', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } });
  t.equal(created.client_secret, undefined, 'no secret for private_key_jwt');
  await mustAdmin('POST', '/admin/entitlements', { id: 'pkjwt-app-api', client_id: 'pkjwt-app', scopes: ['read'], resource_types: ['api'] });
  const assertion = await clientAssertion(k, 'pkjwt-app', tokenUrl);
  const ok = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: assertion });
  t.equal(ok.status, 200, JSON.stringify(ok.body));
  t.equal(ok.body.token_type, 'Bearer');
  t.equal(ok.body.scope, 'read');
  const again = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: assertion });
  t.equal(again.status, 401);
  t.equal(again.body.error, 'invalid_client');
  t.match(again.body.error_description, /used before/);
  const wrongKey = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: await clientAssertion(otherKey, 'pkjwt-app', tokenUrl) });
  t.equal(wrongKey.status, 401, 'signed by a key the client does not have');
  const wrongAud = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: await clientAssertion(k, 'pkjwt-app', 'https://elsewhere.example/token') });
  t.equal(wrongAud.status, 401);
  t.match(wrongAud.body.error_description, /aud/);
  // The RS authenticates by private_key_jwt too, at introspection.
  const rsKey = await keyPair();
  await mustAdmin('POST', '/admin/clients', { client_id: 'pkjwt-rs', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [rsKey.jwk] } });
  await mustAdmin('POST', '/admin/resource-servers', { id: 'pk-rs', client_id: 'pkjwt-rs', resource: 'https://pk.example' });
  const intro = await post('/introspect', { token: ok.body.access_token as string, client_assertion_type: assertionType, client_assertion: await clientAssertion(rsKey, 'pkjwt-rs', `${h.server.config.issuer}/introspect`) });
  t.equal(intro.status, 200);
  const revoke = await post('/revoke', { token: ok.body.access_token as string, client_assertion_type: assertionType, client_assertion: await clientAssertion(k, 'pkjwt-app', `${h.server.config.issuer}/revoke`) });
  t.equal(revoke.status, 200, 'revocation with private_key_jwt');
});

t.test('RFC 7591 registration with a software statement, then a token; RFC 7592 management', async (t) => {
  const before = await json('POST', '/register', { software_statement: await softwareStatement(issuerKey, 'https://issuer.test', { software_id: 'sw-stmt', client_name: 'Stmt app' }) });
  t.equal(before.status, 201, JSON.stringify(before.body));
  const first = before.body;
  t.type(first.client_secret, 'string');
  t.type(first.registration_access_token, 'string');
  t.equal(first.software_id, 'sw-stmt');
  t.equal(first.registration_client_uri, `${h.server.config.issuer}/register/${first.client_id as string}`);
  const denied = await post('/token', tokenForm, { Authorization: basic(first.client_id as string, first.client_secret as string) });
  t.equal(denied.status, 400, 'no entitlement for sw-stmt yet');
  t.equal(denied.body.error, 'access_denied');

  // An entitlement by software_id: every client of that software, this one and newly registered ones.
  await mustAdmin('POST', '/admin/entitlements', { id: 'sw-stmt-api', software_id: 'sw-stmt', scopes: ['read', 'write'], resource_types: ['api'] });
  const second = (await json('POST', '/register', { software_statement: await softwareStatement(issuerKey, 'https://issuer.test', { software_id: 'sw-stmt' }), client_name: 'Stmt app 2' })).body;
  const tok = await post('/token', { ...tokenForm, scope: 'read write' }, { Authorization: basic(second.client_id as string, second.client_secret as string) });
  t.equal(tok.status, 200, JSON.stringify(tok.body));
  t.equal(tok.body.scope, 'read write', 'the software_id entitlement applies to a newly registered client');
  const intro = await post('/introspect', { token: tok.body.access_token as string }, { Authorization: basic(w.rs.id, w.rs.secret) });
  t.equal(intro.body.active, true);

  // RFC 7592: read, update, delete with the registration_access_token.
  // The issuer was fixed before the port was chosen: reach the same path on the real port.
  const uri = new URL(second.registration_client_uri as string).pathname;
  const rat = `Bearer ${second.registration_access_token as string}`;
  const read = await json('GET', uri, undefined, rat);
  t.equal(read.status, 200);
  t.equal(read.body.client_id, second.client_id);
  t.equal(read.body.client_secret, undefined, 'the secret is not shown again');
  t.equal((await json('GET', uri, undefined, 'Bearer wrong-token')).status, 401);
  t.equal((await json('GET', uri)).status, 401);
  const upd = await json('PUT', uri, { client_id: second.client_id, client_name: 'Renamed', software_id: 'sw-stmt' }, rat);
  t.equal(upd.status, 200, JSON.stringify(upd.body));
  t.equal(upd.body.client_name, 'Renamed');
  const contra = await json('PUT', uri, { client_id: second.client_id, software_id: 'sw-other' }, rat);
  t.equal(contra.body.error, 'invalid_software_statement', 'an update may not contradict the statement');
  t.equal((await json('DELETE', uri, undefined, rat)).status, 204);
  t.equal((await json('GET', uri, undefined, rat)).status, 401, 'gone');
  const after = await post('/token', tokenForm, { Authorization: basic(second.client_id as string, second.client_secret as string) });
  t.equal(after.status, 401, 'a deleted client cannot get tokens');
});

t.test('RFC 7591 private_key_jwt client: token and RFC 7592 management by its assertions', async (t) => {
  const k = await keyPair();
  const reg = await json('POST', '/register', {
    software_statement: await softwareStatement(issuerKey, 'https://issuer.test', { software_id: 'sw-stmt' }),
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [k.jwk] },
  });
  t.equal(reg.status, 201, JSON.stringify(reg.body));
  t.equal(reg.body.client_secret, undefined, 'no secret for private_key_jwt');
  const id = reg.body.client_id as string;
  const tok = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: await clientAssertion(k, id, tokenUrl) });
  t.equal(tok.status, 200, JSON.stringify(tok.body));
  const path = new URL(reg.body.registration_client_uri as string).pathname;
  const q = async (aud: string) => `?${new URLSearchParams({ client_assertion_type: assertionType, client_assertion: await clientAssertion(k, id, aud) })}`;
  const once = await q(reg.body.registration_client_uri as string);
  const read = await json('GET', `${path}${once}`);
  t.equal(read.status, 200, JSON.stringify(read.body));
  t.equal(read.body.client_id, id);
  const replay = await json('GET', `${path}${once}`);
  t.equal(replay.status, 401, 'the assertion is single use at management too');
  t.equal(replay.body.error, 'invalid_client');
  const stranger = await keyPair();
  t.equal((await json('GET', `${path}${await q(h.server.config.issuer)}`.replace(/client_assertion=[^&]+/, `client_assertion=${await clientAssertion(stranger, id, h.server.config.issuer)}`))).status, 401, 'another key');
  t.equal((await json('DELETE', `${path}${await q(h.server.config.issuer)}`)).status, 204, 'deleted by its own assertion');
});

t.test('software statements refused: untrusted issuer, bad signature, expired, contradicted by metadata', async (t) => {
  const untrusted = await json('POST', '/register', { software_statement: await softwareStatement(otherKey, 'https://evil.test', { software_id: 'sw-x' }) });
  t.equal(untrusted.status, 400);
  t.equal(untrusted.body.error, 'unapproved_software_statement');
  const badSig = await json('POST', '/register', { software_statement: await softwareStatement(otherKey, 'https://issuer.test', { software_id: 'sw-x' }) });
  t.equal(badSig.body.error, 'invalid_software_statement');
  const expired = await json('POST', '/register', { software_statement: await softwareStatement(issuerKey, 'https://issuer.test', { software_id: 'sw-x' }, Math.floor(Date.now() / 1000) - 3600) });
  t.equal(expired.body.error, 'invalid_software_statement');
  t.match(expired.body.error_description, /expired/);
  const contradicted = await json('POST', '/register', { software_statement: await softwareStatement(issuerKey, 'https://issuer.test', { software_id: 'sw-x' }), software_id: 'sw-y' });
  t.equal(contradicted.body.error, 'invalid_software_statement');
  t.match(contradicted.body.error_description, /software_id/);
  const tampered = (await softwareStatement(issuerKey, 'https://issuer.test', { software_id: 'sw-x' })).split('.');
  tampered[1] = Buffer.from(JSON.stringify({ iss: 'https://issuer.test', software_id: 'sw-admin' })).toString('base64url');
  t.equal((await json('POST', '/register', { software_statement: tampered.join('.') })).body.error, 'invalid_software_statement');
});

t.test('plain registration only where public-client policy data allows it', async (t) => {
  const refused = await json('POST', '/register', { client_name: 'Plain', software_id: 'sw-plain' });
  t.equal(refused.status, 403);
  t.equal(refused.body.error, 'access_denied');
  t.match(refused.body.error_description, /plain_registration_not_allowed/);
  await mustAdmin('POST', '/admin/registration-policies', { id: 'open', allow_plain_registration: true, token_endpoint_auth_methods: ['client_secret_basic'] });
  await mustAdmin('POST', '/admin/entitlements', { id: 'sw-plain-api', software_id: 'sw-plain', scopes: ['read'], resource_types: ['api'] });
  const wrongMethod = await json('POST', '/register', { client_name: 'Plain', software_id: 'sw-plain', token_endpoint_auth_method: 'client_secret_post' });
  t.equal(wrongMethod.status, 403, 'an auth method the policy data does not list');
  const ok = await json('POST', '/register', { client_name: 'Plain', software_id: 'sw-plain' });
  t.equal(ok.status, 201, JSON.stringify(ok.body));
  const tok = await post('/token', tokenForm, { Authorization: basic(ok.body.client_id as string, ok.body.client_secret as string) });
  t.equal(tok.status, 200, JSON.stringify(tok.body));
  t.equal(tok.body.scope, 'read');
  // Policy data may impose metadata: agents of this software get DPoP-bound tokens only.
  await mustAdmin('POST', '/admin/registration-policies', { id: 'dpop-agents', allow_plain_registration: true, software_ids: ['sw-plain-dpop'], restrictions: { dpop_bound_access_tokens: true } });
  const bound = await json('POST', '/register', { client_name: 'Agent', software_id: 'sw-plain-dpop' });
  t.equal(bound.status, 201, JSON.stringify(bound.body));
  t.equal(bound.body.dpop_bound_access_tokens, true, 'restrictions from policy apply');
  const noProof = await post('/token', tokenForm, { Authorization: basic(bound.body.client_id as string, bound.body.client_secret as string) });
  t.equal(noProof.body.error, 'invalid_dpop_proof');
  await mustAdmin('DELETE', '/admin/registration-policies/dpop-agents', undefined);
  const bad = await json('POST', '/register', { client_name: 'x', redirect_uris: ['javascript:alert(1)'] });
  t.equal(bad.body.error, 'invalid_client_metadata');
  await mustAdmin('DELETE', '/admin/registration-policies/open', undefined);
  // A record that asks for the initial access token (RFC 7591 §3).
  await mustAdmin('POST', '/admin/registration-policies', { id: 'partners', allow_plain_registration: true, software_ids: ['sw-partner'], require_initial_access_token: true });
  t.equal((await json('POST', '/register', { software_id: 'sw-partner' })).status, 403, 'without the initial access token');
  t.equal((await json('POST', '/register', { software_id: 'sw-partner' }, 'Bearer not-the-token')).status, 401, 'with a wrong one');
  const partner = await json('POST', '/register', { software_id: 'sw-partner' }, `Bearer ${initialAccessToken}`);
  t.equal(partner.status, 201, `with it: ${JSON.stringify(partner.body)}`);
  await mustAdmin('DELETE', '/admin/registration-policies/partners', undefined);
});

t.test('a Client ID Metadata Document URL as client_id: private_key_jwt with its keys, then a token', async (t) => {
  const k = await keyPair();
  const clientId = `${docs.url}/clients/agent.json`;
  docs.serve('/clients/agent.json', { client_id: clientId, client_name: 'Agent', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] }, software_id: 'sw-agent' }, { 'Cache-Control': 'max-age=120' });
  await mustAdmin('POST', '/admin/entitlements', { id: 'agent-api', software_id: 'sw-agent', scopes: ['read'], resource_types: ['api'] });
  const ok = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: await clientAssertion(k, clientId, tokenUrl) });
  t.equal(ok.status, 200, JSON.stringify(ok.body));
  const intro = await post('/introspect', { token: ok.body.access_token as string }, { Authorization: basic(w.rs.id, w.rs.secret) });
  t.equal(intro.body.client_id, clientId);
  const liar = `${docs.url}/clients/liar.json`;
  docs.serve('/clients/liar.json', { client_id: `${docs.url}/clients/someone-else.json`, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } });
  const r = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: await clientAssertion(k, liar, tokenUrl) });
  t.equal(r.status, 401);
  t.match(r.body.error_description, /client_id/);
});

t.test('CIMD URLs refused with clear errors and no hang: private address, huge document, slow server, redirect', async (t) => {
  const k = await keyPair();
  const tryId = async (clientId: string) => {
    const t0 = Date.now();
    const r = await post('/token', { ...tokenForm, client_assertion_type: assertionType, client_assertion: await clientAssertion(k, clientId, tokenUrl) });
    return { ...r, ms: Date.now() - t0 };
  };
  const priv = await tryId('http://10.1.2.3/client.json');
  t.equal(priv.status, 401);
  t.match(priv.body.error_description, /private|not public|address|allow/i);
  const doc = (id: string) => ({ client_id: id, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] }, padding: 'x'.repeat(100_000) });
  docs.serve('/clients/huge.json', doc(`${docs.url}/clients/huge.json`));
  const huge = await tryId(`${docs.url}/clients/huge.json`);
  t.equal(huge.status, 401);
  t.match(huge.body.error_description, /large|bytes|size/i);
  docs.serve('/clients/slow.json', { client_id: `${docs.url}/clients/slow.json` }, {}, { delayMs: 10_000 });
  const slow = await tryId(`${docs.url}/clients/slow.json`);
  t.equal(slow.status, 401);
  t.match(slow.body.error_description, /within 1000 ms/);
  t.ok(slow.ms < 3000, `refused in ${slow.ms} ms (fetch deadline 1 s)`);
  docs.serve('/clients/redirect.json', '', { Location: `${docs.url}/clients/agent.json` }, { status: 302 });
  const redirect = await tryId(`${docs.url}/clients/redirect.json`);
  t.equal(redirect.status, 401);
  t.match(redirect.body.error_description, /redirect/i);
});

t.test('DPoP: bound tokens, cnf at introspection, the RS proof checked, no Bearer for a DPoP-bound client', async (t) => {
  const created = await mustAdmin('POST', '/admin/clients', { client_id: 'dpop-app', dpop_bound_access_tokens: true });
  await mustAdmin('POST', '/admin/entitlements', { id: 'dpop-app-api', client_id: 'dpop-app', scopes: ['read'], resource_types: ['api'] });
  const auth = { Authorization: basic('dpop-app', created.client_secret as string) };
  const bearer = await post('/token', tokenForm, auth);
  t.equal(bearer.status, 400);
  t.equal(bearer.body.error, 'invalid_dpop_proof', 'a DPoP-bound client cannot get a Bearer token');
  const k = await keyPair();
  const proof = await dpopProof(k, 'POST', tokenUrl);
  const tok = await post('/token', tokenForm, { ...auth, DPoP: proof });
  t.equal(tok.status, 200, JSON.stringify(tok.body));
  t.equal(tok.body.token_type, 'DPoP');
  const replayed = await post('/token', tokenForm, { ...auth, DPoP: proof });
  t.equal(replayed.body.error, 'invalid_dpop_proof');
  t.match(replayed.body.error_description, /used before/);
  const wrongUrl = await post('/token', tokenForm, { ...auth, DPoP: await dpopProof(k, 'POST', 'https://elsewhere.example/token') });
  t.match(wrongUrl.body.error_description, /htu/);

  const at = tok.body.access_token as string;
  const rsAuth = { Authorization: basic(w.rs.id, w.rs.secret) };
  const intro = await post('/introspect', { token: at }, rsAuth);
  t.equal(intro.body.active, true);
  t.equal(intro.body.token_type, 'DPoP');
  t.same(intro.body.cnf, { jkt: await thumbprint(k) }, 'introspection returns cnf.jkt');

  // The RS forwards the proof it received with the token, with its request's method and URL.
  const { accessTokenHash } = await import('../../src/oauth/index.js');
  const rsProof = await dpopProof(k, 'GET', 'https://orders.example/orders/1', { ath: accessTokenHash(at) });
  const checked = await post('/introspect', { token: at, dpop_proof: rsProof, dpop_htm: 'GET', dpop_htu: 'https://orders.example/orders/1' }, rsAuth);
  t.equal(checked.status, 200, JSON.stringify(checked.body));
  t.equal(checked.body.active, true);
  const otherKeyProof = await dpopProof(otherKey, 'GET', 'https://orders.example/orders/1', { ath: accessTokenHash(at) });
  const wrong = await post('/introspect', { token: at, dpop_proof: otherKeyProof, dpop_htm: 'GET', dpop_htu: 'https://orders.example/orders/1' }, rsAuth);
  t.equal(wrong.body.error, 'invalid_dpop_proof', 'a proof by another key');
  t.match(wrong.body.error_description, /cnf\.jkt/);
  const noAth = await post('/introspect', { token: at, dpop_proof: await dpopProof(k, 'GET', 'https://orders.example/orders/1'), dpop_htm: 'GET', dpop_htu: 'https://orders.example/orders/1' }, rsAuth);
  t.match(noAth.body.error_description, /ath/);
  const replayRs = await post('/introspect', { token: at, dpop_proof: rsProof, dpop_htm: 'GET', dpop_htu: 'https://orders.example/orders/1' }, rsAuth);
  t.match(replayRs.body.error_description, /used before/);

  // A client without the flag may still ask for a DPoP-bound token.
  const plain = await post('/token', tokenForm, { Authorization: basic(w.client.id, w.client.secret), DPoP: await dpopProof(k, 'POST', tokenUrl) });
  t.equal(plain.body.token_type, 'DPoP');
});

t.test('metadata advertises registration, private_key_jwt and DPoP', async (t) => {
  const md = (await json('GET', '/.well-known/oauth-authorization-server')).body;
  t.equal(md.registration_endpoint, `${h.server.config.issuer}/register`);
  t.ok((md.token_endpoint_auth_methods_supported as string[]).includes('private_key_jwt'));
  t.ok((md.dpop_signing_alg_values_supported as string[]).includes('ES256'));
});
